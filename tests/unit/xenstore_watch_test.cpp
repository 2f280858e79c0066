// WATCH, UNWATCH, RESET_WATCHES and the events that changes fire.
#include <algorithm>

#include "tests/unit/xenstore_fixture.hpp"

using namespace xstest;

namespace {

class XenstoreWatch : public Xenstore_test {
protected:
    // The events g has received since the last call, as "path token".
    std::vector<std::string> events(Guest& g)
    {
        // Until the store has nothing more queued for g.
        for (int i = 0; i < 100; ++i) {
            size_t before = g.events.size();
            world().run();
            g.drain();
            if (i > 0 && g.events.size() == before)
                break;
        }
        std::vector<std::string> out;
        for (const Message& m : g.events) {
            auto s = m.strings();
            out.push_back(s.size() >= 2 ? s[0] + " " + s[1] : "?");
            EXPECT_EQ(m.req_id, 0u);
            EXPECT_EQ(m.tx_id, 0u);
        }
        g.events.clear();
        return out;
    }
    std::vector<std::string> dom0_events()
    {
        std::vector<std::string> out;
        toolstack::Text p(world().alloc()), t(world().alloc());
        while (world().dom0().next_event(p, t))
            out.push_back(text(p) + " " + text(t));
        return out;
    }
    using V = std::vector<std::string>;
};

} // namespace

TEST_F(XenstoreWatch, GivenNewWatchWhenSetThenItFiresOnceStraightAway)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Message m = w.call(g, XS_WATCH, z({"data/x", "tok"}));
    EXPECT_EQ(m.payload, z("OK"));
    EXPECT_EQ(events(g), V{"data/x tok"});
    EXPECT_EQ(events(g), V{});
}

TEST_F(XenstoreWatch, GivenWatchWhenPathOrChildChangesThenEventNamesTheChangedPath)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"/local/domain/3/data", "t"}));
    events(g);
    w.call(g, XS_WRITE, z("data/a/b") + "1");
    w.call(g, XS_MKDIR, z("data/c"));
    w.call(g, XS_WRITE, z("data") + "v");
    EXPECT_EQ(events(g), (V{"/local/domain/3/data/a/b t", "/local/domain/3/data/c t",
                            "/local/domain/3/data t"}));
    w.call(g, XS_WRITE, z("/local/domain/3/datax") + ""); // EACCES, and not below data
    EXPECT_EQ(events(g), V{});
}

TEST_F(XenstoreWatch, GivenRelativeWatchWhenFiredThenEventPathIsRelative)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"data", "rel"}));
    EXPECT_EQ(events(g), V{"data rel"});
    ASSERT_EQ(w.dom0().write("/local/domain/3/data/k", "v"), Err::none);
    EXPECT_EQ(events(g), V{"data/k rel"});
}

TEST_F(XenstoreWatch, GivenWatchOnAParentWhenSubtreeRemovedThenEveryRemovedNodeFires)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/t/a") + "1");
    w.call(g, XS_WATCH, z({"data/t/a", "deep"}));
    w.call(g, XS_WATCH, z({"data", "top"}));
    events(g);
    w.call(g, XS_RM, z("data/t"));
    V got = events(g);
    // The watch on a removed node hears of its removal by its own path;
    // the one above hears of the removed root.
    EXPECT_EQ(got, (V{"data/t/a deep", "data/t top"}));
}

TEST_F(XenstoreWatch, GivenMkdirOfExistingNodeWhenSentThenNothingFires)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"data", "t"}));
    events(g);
    w.call(g, XS_MKDIR, z("data"));
    EXPECT_EQ(events(g), V{});
}

TEST_F(XenstoreWatch, GivenDepthWhenChangesAreDeeperThenTheyDoNotFire)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"data", "d1", "1"}));
    events(g);
    w.call(g, XS_WRITE, z("data/a") + "1");
    w.call(g, XS_WRITE, z("data/a/b") + "1");
    EXPECT_EQ(events(g), V{"data/a d1"});
    EXPECT_TRUE(w.call(g, XS_WATCH, z({"data", "bad", "x"})).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_WATCH, z({"data", "bad", "1", "2"})).is_error("EINVAL"));
}

TEST_F(XenstoreWatch, GivenSameWatchTwiceWhenSetThenEexist)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_EQ(w.call(g, XS_WATCH, z({"data", "t"})).payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_WATCH, z({"data", "t"})).is_error("EEXIST"));
    // The same path given absolutely is the same watch.
    EXPECT_TRUE(w.call(g, XS_WATCH, z({"/local/domain/3/data", "t"})).is_error("EEXIST"));
    EXPECT_EQ(w.call(g, XS_WATCH, z({"data", "u"})).payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_WATCH, z("data")).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_WATCH, z({"data//x", "t"})).is_error("EINVAL"));
}

TEST_F(XenstoreWatch, GivenUnwatchWhenWatchExistsThenItStopsFiring)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"data", "t"}));
    events(g);
    EXPECT_EQ(w.call(g, XS_UNWATCH, z({"data", "t"})).payload, z("OK"));
    w.call(g, XS_WRITE, z("data/x") + "1");
    EXPECT_EQ(events(g), V{});
    EXPECT_TRUE(w.call(g, XS_UNWATCH, z({"data", "t"})).is_error("ENOENT"));
    EXPECT_TRUE(w.call(g, XS_UNWATCH, z({"data", "t", "x"})).is_error("EINVAL"));
    EXPECT_EQ(w.xs().usage(3)->watches, 0u);
}

TEST_F(XenstoreWatch, GivenResetWatchesWhenSentThenWatchesAndTransactionsGo)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"data", "t"}));
    Message t = w.call(g, XS_TRANSACTION_START, z(""));
    uint32_t tx = std::stoul(t.strings()[0]);
    events(g);
    EXPECT_EQ(w.call(g, XS_RESET_WATCHES, "").payload, z("OK"));
    w.call(g, XS_WRITE, z("data/x") + "1");
    EXPECT_EQ(events(g), V{});
    EXPECT_TRUE(w.call(g, XS_READ, z("data"), tx).is_error("ENOENT"));
    EXPECT_EQ(w.xs().usage(3)->watches, 0u);
    EXPECT_EQ(w.xs().usage(3)->transactions, 0u);
}

TEST_F(XenstoreWatch, GivenWatchOnNodeTheGuestCannotReadWhenChangedThenNoEvent)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    ASSERT_EQ(w.dom0().write("/secret/inner", "1"), Err::none);
    w.call(g, XS_WATCH, z({"/secret", "s"}));
    EXPECT_EQ(events(g), V{"/secret s"}); // the initial event always
    ASSERT_EQ(w.dom0().write("/secret/inner", "2"), Err::none);
    EXPECT_EQ(events(g), V{});
    // Readable for it: then it hears.
    xs::Perm perms[] = {{0, xs::perm_none, 0}, {3, xs::perm_read, 0}};
    ASSERT_EQ(w.dom0().set_perms("/secret/inner", perms, 2), Err::none);
    EXPECT_EQ(events(g), V{"/secret/inner s"});
}

TEST_F(XenstoreWatch, GivenPermissionsTakenAwayWhenChangedThenTheWatcherStillHearsOfIt)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    xs::Perm readable[] = {{0, xs::perm_none, 0}, {3, xs::perm_read, 0}};
    ASSERT_EQ(w.dom0().write("/shared", "1"), Err::none);
    ASSERT_EQ(w.dom0().set_perms("/shared", readable, 2), Err::none);
    w.call(g, XS_WATCH, z({"/shared", "s"}));
    events(g);
    xs::Perm closed[] = {{0, xs::perm_none, 0}};
    ASSERT_EQ(w.dom0().set_perms("/shared", closed, 1), Err::none);
    EXPECT_EQ(events(g), V{"/shared s"});
}

TEST_F(XenstoreWatch, GivenTheToolstackWatchingWhenAGuestWritesThenTheLocalClientGetsTheEvent)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    ASSERT_EQ(w.dom0().watch("/local/domain", "all"), Err::none);
    EXPECT_EQ(dom0_events(), V{"/local/domain all"});
    w.call(g, XS_WRITE, z("data/x") + "1");
    EXPECT_EQ(dom0_events(), V{"/local/domain/3/data/x all"});
    EXPECT_EQ(w.dom0().unwatch("/local/domain", "all"), Err::none);
    EXPECT_EQ(w.dom0().unwatch("/local/domain", "all"), Err::enoent);
}

TEST_F(XenstoreWatch, GivenIntroduceAndReleaseWhenWatchedThenSpecialEventsFire)
{
    World& w = world();
    ASSERT_EQ(w.dom0().watch("@introduceDomain", "in"), Err::none);
    ASSERT_EQ(w.dom0().watch("@releaseDomain", "out"), Err::none);
    ASSERT_EQ(w.dom0().watch("@releaseDomain/5", "out5"), Err::none);
    EXPECT_EQ(dom0_events(),
              (V{"@introduceDomain in", "@releaseDomain out", "@releaseDomain/5 out5"}));
    w.add_guest(4);
    w.add_guest(5);
    dom0_events();
    ASSERT_EQ(w.dom0().watch("@introduceDomain", "depth"), Err::none);
    dom0_events();
    EXPECT_EQ(w.xs().release(4), Err::none);
    EXPECT_EQ(dom0_events(), V{"@releaseDomain out"});
    EXPECT_EQ(w.xs().release(5), Err::none);
    EXPECT_EQ(dom0_events(), (V{"@releaseDomain out", "@releaseDomain/5 out5"}));
}

TEST_F(XenstoreWatch, GivenSpecialWatchWithDepthWhenDomainsComeThenEventsNameTheDomain)
{
    World& w = world();
    toolstack::Text r(w.alloc());
    ASSERT_EQ(w.dom0().call(XS_WATCH, str(z({"@introduceDomain", "d", "1"})), &r), Err::none);
    dom0_events();
    w.add_guest(6);
    EXPECT_EQ(dom0_events(), V{"@introduceDomain/6 d"});
}

TEST_F(XenstoreWatch, GivenGuestWatchingReleaseDomainWhenAnotherGoesThenItHears)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.add_guest(4);
    // @releaseDomain is readable by every domain; @introduceDomain is not.
    w.call(g, XS_WATCH, z({"@releaseDomain", "r"}));
    w.call(g, XS_WATCH, z({"@introduceDomain", "i"}));
    events(g);
    w.add_guest(8);
    EXPECT_EQ(events(g), V{});
    EXPECT_EQ(w.xs().release(4), Err::none);
    EXPECT_EQ(events(g), V{"@releaseDomain r"});
}

TEST_F(XenstoreWatch, GivenShutdownWhenReportedTwiceThenReleaseDomainFiresOnceUntilResume)
{
    World& w = world();
    w.add_guest(4);
    ASSERT_EQ(w.dom0().watch("@releaseDomain", "out"), Err::none);
    dom0_events();
    w.xs().domain_shutdown(4);
    w.xs().domain_shutdown(4);
    EXPECT_EQ(dom0_events(), V{"@releaseDomain out"});
    toolstack::Text r(w.alloc());
    ASSERT_EQ(w.dom0().call(XS_RESUME, str(z("4")), &r), Err::none);
    w.xs().domain_shutdown(4);
    EXPECT_EQ(dom0_events(), V{"@releaseDomain out"});
}

TEST_F(XenstoreWatch, GivenEventAlreadyQueuedWhenTheSameFiresAgainThenItIsNotRepeated)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"data", "t"}));
    events(g);
    // The guest does not read its ring meanwhile: once it is full, the
    // store keeps the events.
    for (int i = 0; i < 60; ++i)
        ASSERT_EQ(w.dom0().write(str("/local/domain/3/data/f" + std::to_string(i)), "1"),
                  Err::none);
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(w.dom0().write("/local/domain/3/data/x", str(std::to_string(i))), Err::none);
    V got = events(g);
    EXPECT_EQ(got.size(), 61u);
    EXPECT_EQ(std::count(got.begin(), got.end(), "data/x t"), 1);
}

TEST_F(XenstoreWatch, GivenWatchTokenWhenEventTooLongThenItIsDroppedNotTruncated)
{
    World& w = world();
    std::string token(XENSTORE_PAYLOAD_MAX - 20, 't');
    ASSERT_EQ(w.dom0().watch("/", str(token)), Err::none);
    dom0_events();
    ASSERT_EQ(w.dom0().write(str("/" + std::string(40, 'p')), "1"), Err::none);
    EXPECT_EQ(dom0_events(), V{});
}
