// Serial input routing: the dom0 ring, the Ctrl-A x3 switch, overflow.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "hypervisor/console/serial_input.hpp"

namespace {

using Action = Serial_input::Action;
using Target = Serial_input::Target;

std::string drain(Serial_input& in)
{
    char buf[64];
    std::string s;
    for (uint32_t n; (n = in.peek(buf, sizeof buf)) > 0;) {
        s.append(buf, n);
        in.consume(n);
    }
    return s;
}

TEST(SerialInput, BytesQueueForDom0InOrder)
{
    auto in = std::make_unique<Serial_input>();
    EXPECT_EQ(in->target(), Target::dom0);
    for (char c : std::string("abc"))
        EXPECT_EQ(in->receive(c), Action::queued);
    EXPECT_EQ(in->queued(), 3u);
    EXPECT_EQ(drain(*in), "abc");
    EXPECT_EQ(in->queued(), 0u);
}

TEST(SerialInput, PeekLeavesBytesUntilConsumed)
{
    auto in = std::make_unique<Serial_input>();
    (void)in->receive('x');
    (void)in->receive('y');
    char buf[4];
    EXPECT_EQ(in->peek(buf, 1), 1u);
    EXPECT_EQ(buf[0], 'x');
    EXPECT_EQ(in->peek(buf, 4), 2u);
    in->consume(1);
    EXPECT_EQ(in->peek(buf, 4), 1u);
    EXPECT_EQ(buf[0], 'y');
    in->consume(5);   // more than queued: only what is there goes
    EXPECT_EQ(in->queued(), 0u);
    (void)in->receive('z');
    EXPECT_EQ(drain(*in), "z");
}

TEST(SerialInput, ThreeCtrlASwitchAndAreSwallowed)
{
    auto in = std::make_unique<Serial_input>();
    EXPECT_EQ(in->receive(0x01), Action::none);
    EXPECT_EQ(in->receive(0x01), Action::none);
    EXPECT_EQ(in->receive(0x01), Action::switched);
    EXPECT_EQ(in->target(), Target::shell);
    EXPECT_EQ(in->receive('h'), Action::key);
    EXPECT_EQ(in->queued(), 0u);
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(in->receive(0x01), Action::none);
    EXPECT_EQ(in->receive(0x01), Action::switched);
    EXPECT_EQ(in->target(), Target::dom0);
    EXPECT_EQ(in->receive('a'), Action::queued);
    EXPECT_EQ(drain(*in), "a");
}

TEST(SerialInput, AnotherByteResetsTheCtrlACount)
{
    auto in = std::make_unique<Serial_input>();
    EXPECT_EQ(in->receive(0x01), Action::none);
    EXPECT_EQ(in->receive(0x01), Action::none);
    EXPECT_EQ(in->receive('q'), Action::queued);
    EXPECT_EQ(in->receive(0x01), Action::none);
    EXPECT_EQ(in->target(), Target::dom0);
    EXPECT_EQ(drain(*in), "q");   // the lone Ctrl-As were swallowed
    EXPECT_EQ(in->receive(0x01), Action::none);
    EXPECT_EQ(in->receive(0x01), Action::switched);
}

TEST(SerialInput, FullRingDropsNewBytes)
{
    auto in = std::make_unique<Serial_input>();
    for (uint32_t i = 0; i < Serial_input::ring_size; ++i)
        ASSERT_EQ(in->receive(static_cast<char>('0' + i % 10)), Action::queued);
    EXPECT_EQ(in->receive('!'), Action::dropped);
    EXPECT_EQ(in->dropped_count(), 1u);
    std::string s = drain(*in);
    ASSERT_EQ(s.size(), Serial_input::ring_size);
    EXPECT_EQ(s[0], '0');
    EXPECT_EQ(s.back(), static_cast<char>('0' + (Serial_input::ring_size - 1) % 10));
    // Room again, and the ring wraps correctly.
    EXPECT_EQ(in->receive('w'), Action::queued);
    EXPECT_EQ(drain(*in), "w");
}

} // namespace
