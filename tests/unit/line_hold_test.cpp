// Line_hold: a hypervisor message never lands inside a guest's console
// line; it waits for the line's end or the hold timer, keeps its order,
// and is written at once when it may not wait or does not fit.
#include <string>

#include <gtest/gtest.h>

#include "hypervisor/console/line_hold.hpp"

namespace {

struct Serial {
    std::string got;
    Line_hold hold{[](void* ctx, const char* s, size_t n) { static_cast<Serial*>(ctx)->got.append(s, n); },
                   this};
    void guest(const std::string& s) { hold.guest(s.data(), s.size()); }
    bool message(const std::string& s, bool may_hold = true) { return hold.message(s.data(), s.size(), may_hold); }
};

TEST(LineHold, AMessageBetweenTwoPiecesOfAGuestLineWaitsForItsEnd)
{
    Serial s;
    s.guest("PASS: shared_info page ");
    EXPECT_TRUE(s.message("(xenith) domain 1 shut down\n"));
    EXPECT_EQ(s.got, "PASS: shared_info page ");
    EXPECT_EQ(s.hold.held(), 28u);
    s.guest("mapped\nRESULT");
    EXPECT_EQ(s.got, "PASS: shared_info page mapped\n(xenith) domain 1 shut down\nRESULT");
    EXPECT_EQ(s.hold.held(), 0u);
    EXPECT_TRUE(s.hold.guest_line_open());
}

TEST(LineHold, OnlyTheFirstHeldMessageAsksForTheTimerAndOrderIsKept)
{
    Serial s;
    s.guest("grub> ");
    EXPECT_TRUE(s.message("one\n"));
    EXPECT_FALSE(s.message("two\n"));
    EXPECT_EQ(s.got, "grub> ");
    // The timer: a prompt stays open, so its line is ended for it.
    s.hold.release();
    EXPECT_EQ(s.got, "grub> \none\ntwo\n");
    EXPECT_FALSE(s.hold.guest_line_open());
    s.hold.release(); // nothing waits: nothing written
    EXPECT_EQ(s.got, "grub> \none\ntwo\n");
    // The guest's next bytes start on the fresh line; a new hold re-arms.
    s.guest("ls");
    EXPECT_TRUE(s.message("three\n"));
    s.guest("\n");
    EXPECT_EQ(s.got, "grub> \none\ntwo\nls\nthree\n");
}

TEST(LineHold, MessagesWithNoGuestLineOpenAreWrittenAtOnce)
{
    Serial s;
    EXPECT_FALSE(s.message("boot\n"));
    s.guest("whole line\n");
    EXPECT_FALSE(s.message("after\n"));
    EXPECT_EQ(s.got, "boot\nwhole line\nafter\n");
    s.guest("");
    EXPECT_FALSE(s.message("empty write changes nothing\n"));
    EXPECT_EQ(s.hold.held(), 0u);
}

TEST(LineHold, OutputThatMayNotWaitEndsTheGuestLineAndGoesAfterWhatWaited)
{
    Serial s;
    s.guest("xl> ");
    EXPECT_TRUE(s.message("held\n"));
    EXPECT_FALSE(s.message("(d) domains:\n", false));
    EXPECT_EQ(s.got, "xl> \nheld\n(d) domains:\n");
    EXPECT_FALSE(s.hold.guest_line_open());
}

TEST(LineHold, AMessageThatDoesNotFitFlushesInsteadOfBeingLost)
{
    Serial s;
    s.guest("partial");
    std::string big(Line_hold::capacity - 4, 'a');
    EXPECT_TRUE(s.message(big));
    EXPECT_FALSE(s.message("12345\n")); // 5 more would overflow
    EXPECT_EQ(s.got, "partial\n" + big + "12345\n");
    EXPECT_EQ(s.hold.held(), 0u);
    // Exactly full still waits.
    s.guest("again");
    EXPECT_TRUE(s.message(std::string(Line_hold::capacity, 'b')));
    EXPECT_EQ(s.hold.held(), Line_hold::capacity);
}

} // namespace
