// The ring transport: messages split anywhere and wrapping around, rings
// full in either direction, and what a broken or hostile guest gets:
// oversized messages, garbage indexes, reconnection.
#include "tests/unit/xenstore_fixture.hpp"

using namespace xstest;

namespace {

class XenstoreRing : public Xenstore_test {};

} // namespace

TEST_F(XenstoreRing, GivenIntroducedDomainThenTheRingAdvertisesFeaturesAndIsEmpty)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_TRUE(g.mapped);
    EXPECT_EQ(g.page.server_features, w.xs().config().features);
    EXPECT_EQ(g.page.req_cons, g.page.req_prod);
    EXPECT_EQ(g.page.rsp_cons, g.page.rsp_prod);
    EXPECT_EQ(g.page.connection, (uint32_t)XENSTORE_CONNECTED);
}

TEST_F(XenstoreRing, GivenRequestSentOneByteAtATimeWhenCompleteThenItIsAnswered)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    std::string f = Guest::frame(XS_WRITE, 42, 0, z("data/slow") + "value");
    for (size_t i = 0; i < f.size(); ++i) {
        g.put_bytes(f.substr(i, 1));
        w.run();
        g.drain();
        if (i + 1 < f.size()) {
            EXPECT_TRUE(g.replies.empty());
        }
    }
    ASSERT_EQ(g.replies.size(), 1u);
    EXPECT_EQ(g.replies[0].req_id, 42u);
    EXPECT_EQ(g.replies[0].payload, z("OK"));
}

TEST_F(XenstoreRing, GivenIndexesNearTheirWrapWhenTrafficFlowsThenMessagesCrossTheRingEnd)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    // Free-running indexes just below 2^32, as a long-lived guest has them.
    g.page.req_cons = g.page.req_prod = 0xFFFFFF00u;
    g.page.rsp_cons = g.page.rsp_prod = 0xFFFFFF80u;
    for (int i = 0; i < 40; ++i) {
        std::string value(i * 37 % 900, static_cast<char>('a' + i % 26));
        std::string path = "data/w" + std::to_string(i);
        ASSERT_EQ(w.call(g, XS_WRITE, z(path) + value).payload, z("OK"));
        ASSERT_EQ(w.read(g, path), value) << i;
    }
    EXPECT_LT(g.page.req_prod, 0xFFFFFF00u); // it wrapped
    EXPECT_LT(g.page.rsp_prod, 0xFFFFFF80u);
}

TEST_F(XenstoreRing, GivenReplyLargerThanTheRingWhenSentThenItArrivesInPieces)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    std::string value(1900, 'x');
    ASSERT_EQ(w.dom0().write("/local/domain/3/data/big", str(value)), Err::none);
    ASSERT_TRUE(g.put_whole(Guest::frame(XS_READ, 77, 0, z("data/big"))));
    w.run();
    EXPECT_EQ(g.page.rsp_prod - g.page.rsp_cons, (uint32_t)XENSTORE_RING_SIZE); // full
    Message m = w.reply(g, 77);
    EXPECT_EQ(m.payload, value);
}

TEST_F(XenstoreRing, GivenSeveralRequestsInOneBurstWhenProcessedThenEachIsAnsweredInOrder)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    std::string burst;
    for (uint32_t i = 1; i <= 20; ++i)
        burst += Guest::frame(XS_WRITE, i, 0, z("data/b" + std::to_string(i)) + "v");
    ASSERT_LE(burst.size(), (size_t)XENSTORE_RING_SIZE);
    g.put_bytes(burst);
    for (int i = 0; i < 20; ++i) {
        w.run();
        g.drain();
    }
    ASSERT_EQ(g.replies.size(), 20u);
    for (uint32_t i = 0; i < 20; ++i)
        EXPECT_EQ(g.replies[i].req_id, i + 1);
    EXPECT_GT(g.notified, 0u);
}

TEST_F(XenstoreRing, GivenMessageLongerThanThePayloadMaximumWhenReadThenTheConnectionStops)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Guest& h = w.add_guest(4);
    w.call(g, XS_WATCH, z({"data", "t"}));
    g.put_bytes(Guest::frame(XS_READ, 9, 0, "", XENSTORE_PAYLOAD_MAX + 1));
    w.run();
    EXPECT_EQ(g.page.error, (uint32_t)XENSTORE_ERROR_PROTO);
    EXPECT_EQ(w.xs().usage(3)->watches, 0u);
    // Nothing more is read from it; others go on.
    g.put_bytes(Guest::frame(XS_READ, 10, 0, z("data")));
    w.run();
    g.drain();
    EXPECT_TRUE(g.replies.empty());
    EXPECT_EQ(w.call(h, XS_READ, z("data")).payload, "");
    EXPECT_TRUE(w.xs().introduced(3));
}

TEST_F(XenstoreRing, GivenMaximumPayloadWhenSentThenItIsAccepted)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    std::string body = z("data/m") + std::string(XENSTORE_PAYLOAD_MAX - 7, 'v');
    ASSERT_EQ(body.size(), (size_t)XENSTORE_PAYLOAD_MAX);
    // Over the node-size quota, but read whole and answered, not cut off.
    EXPECT_TRUE(w.call(g, XS_WRITE, body).is_error("ENOSPC"));
    EXPECT_EQ(g.page.error, (uint32_t)XENSTORE_ERROR_NONE);
}

TEST_F(XenstoreRing, GivenGarbageRequestIndexesWhenPolledThenTheConnectionStopsWithRingidx)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    g.page.req_prod = g.page.req_cons + XENSTORE_RING_SIZE + 1;
    w.run();
    EXPECT_EQ(g.page.error, (uint32_t)XENSTORE_ERROR_RINGIDX);
    w.expect_consistent();
}

TEST_F(XenstoreRing, GivenGarbageResponseIndexesWhenReplyingThenTheConnectionStops)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    g.page.rsp_cons = g.page.rsp_prod + 5000;
    g.put_bytes(Guest::frame(XS_READ, 1, 0, z("data")));
    w.run();
    EXPECT_EQ(g.page.error, (uint32_t)XENSTORE_ERROR_RINGIDX);
    EXPECT_EQ(w.xs().usage(3)->outstanding, 0u);
}

TEST_F(XenstoreRing, GivenRingFullOfRandomBytesWhenPolledThenTheStoreSurvivesAndAnswersOthers)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Guest& h = w.add_guest(4);
    uint32_t seed = 12345;
    for (int round = 0; round < 50; ++round) {
        std::string junk;
        for (int i = 0; i < 300; ++i) {
            seed = seed * 1103515245u + 12345u;
            junk.push_back(static_cast<char>(seed >> 16));
        }
        g.put_bytes(junk);
        w.run();
        g.drain();
        g.replies.clear();
        g.events.clear();
    }
    EXPECT_EQ(w.call(h, XS_WRITE, z("data/ok") + "1").payload, z("OK"));
    w.expect_consistent();
}

TEST_F(XenstoreRing, GivenBrokenConnectionWhenTheGuestAsksToReconnectThenItWorksAgain)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"data", "t"}));
    g.put_bytes(Guest::frame(XS_READ, 9, 0, "", 0x7FFFFFFF));
    w.run();
    ASSERT_EQ(g.page.error, (uint32_t)XENSTORE_ERROR_PROTO);
    unsigned kicks = g.notified;
    g.page.connection = XENSTORE_RECONNECT;
    w.run();
    EXPECT_EQ(g.page.connection, (uint32_t)XENSTORE_CONNECTED);
    EXPECT_EQ(g.page.error, (uint32_t)XENSTORE_ERROR_NONE);
    EXPECT_EQ(g.page.req_cons, g.page.req_prod);
    EXPECT_GT(g.notified, kicks);
    g.partial.clear();
    g.replies.clear();
    g.events.clear();
    EXPECT_EQ(w.call(g, XS_WRITE, z("data/again") + "1").payload, z("OK"));
    EXPECT_EQ(w.xs().usage(3)->watches, 0u);
}

TEST_F(XenstoreRing, GivenReconnectRequestWhenConnectionIsHealthyThenPendingStateIsDropped)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Message t = w.call(g, XS_TRANSACTION_START, z(""));
    ASSERT_EQ(t.type, (uint32_t)XS_TRANSACTION_START);
    g.put_bytes(Guest::frame(XS_READ, 5, 0, z("data")).substr(0, 10)); // half a header
    g.page.connection = XENSTORE_RECONNECT;
    w.run();
    EXPECT_EQ(w.xs().usage(3)->transactions, 0u);
    g.partial.clear();
    EXPECT_EQ(w.call(g, XS_READ, z("data")).payload, "");
}

TEST_F(XenstoreRing, GivenRequestWhenAnsweredThenTheGuestIsNotified)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    unsigned before = g.notified;
    w.call(g, XS_READ, z("data"));
    EXPECT_GT(g.notified, before);
}
