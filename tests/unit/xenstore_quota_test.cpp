// Quotas: one unprivileged domain cannot exhaust the store for others.
// xenstored's defaults, and smaller settings where the default would make
// the test slow.
#include "tests/unit/xenstore_fixture.hpp"

using namespace xstest;

namespace {

class XenstoreQuota : public Xenstore_test {};

xs::Config small(void (*f)(xs::Quota&))
{
    xs::Config c;
    f(c.quota);
    return c;
}

} // namespace

TEST_F(XenstoreQuota, GivenDefaultsWhenConfiguredThenTheyAreXenstoredsOwn)
{
    xs::Quota q;
    EXPECT_EQ(q.nodes, 1000u);
    EXPECT_EQ(q.node_size, 2048u);
    EXPECT_EQ(q.watches, 128u);
    EXPECT_EQ(q.transactions, 10u);
    EXPECT_EQ(q.path_max, (uint32_t)XENSTORE_REL_PATH_MAX);
    EXPECT_EQ(q.transaction_nodes, 1024u);
    EXPECT_EQ(q.permissions, 5u);
    EXPECT_EQ(q.outstanding, 20u);
    EXPECT_EQ(q.memory, 2621440u);
}

TEST_F(XenstoreQuota, GivenGuestAtItsNodeQuotaWhenCreatingMoreThenEnospcAndOthersCarryOn)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Guest& h = w.add_guest(4);
    // Spread over directories: a directory's list of children counts
    // against the node-size quota too.
    for (int i = 0; w.xs().usage(3)->nodes < 1000; ++i) {
        std::string p = "data/d" + std::to_string(i / 50) + "/n" + std::to_string(i);
        ASSERT_EQ(w.call(g, XS_WRITE, z(p) + "v").payload, z("OK")) << i;
    }
    EXPECT_EQ(w.xs().usage(3)->nodes, 1000u);
    EXPECT_TRUE(w.call(g, XS_WRITE, z("data/one-more") + "v").is_error("ENOSPC"));
    EXPECT_TRUE(w.call(g, XS_MKDIR, z("data/a/b")).is_error("ENOSPC"));
    // Changing what it has still works; so does everyone else.
    EXPECT_EQ(w.call(g, XS_WRITE, z("data/d0/n10") + "changed").payload, z("OK"));
    EXPECT_EQ(w.call(h, XS_WRITE, z("data/fine") + "v").payload, z("OK"));
    EXPECT_EQ(w.dom0().write("/dom0/fine", "v"), Err::none);
    // Freeing one makes room for one.
    EXPECT_EQ(w.call(g, XS_RM, z("data/d0/n10")).payload, z("OK"));
    EXPECT_EQ(w.call(g, XS_WRITE, z("data/one-more") + "v").payload, z("OK"));
}

TEST_F(XenstoreQuota, GivenMultiLevelCreateWhenItWouldCrossTheQuotaThenNothingIsCreated)
{
    World& w = world(small([](xs::Quota& q) { q.nodes = 4; }));
    Guest& g = w.add_guest(3); // owns data/: 1
    EXPECT_TRUE(w.call(g, XS_WRITE, z("data/a/b/c/d") + "v").is_error("ENOSPC"));
    EXPECT_EQ(w.read(g, "data/a"), "<ENOENT>");
    EXPECT_EQ(w.xs().usage(3)->nodes, 1u);
    EXPECT_EQ(w.call(g, XS_WRITE, z("data/a/b/c") + "v").payload, z("OK"));
}

TEST_F(XenstoreQuota, GivenTransactionWhenCommitWouldCrossTheNodeQuotaThenEnospc)
{
    World& w = world(small([](xs::Quota& q) { q.nodes = 3; }));
    Guest& g = w.add_guest(3);
    Message t1 = w.call(g, XS_TRANSACTION_START, z(""));
    uint32_t tx = std::stoul(t1.strings()[0]);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/in-tx") + "v", tx).payload, z("OK"));
    // Meanwhile, outside, the last free slot is used.
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/out1") + "v").payload, z("OK"));
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/out2") + "v").payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_TRANSACTION_END, z("T"), tx).is_error("ENOSPC"));
    EXPECT_EQ(w.read(g, "data/in-tx"), "<ENOENT>");
    EXPECT_EQ(w.xs().usage(3)->nodes, 3u);
}

TEST_F(XenstoreQuota, GivenNodeBiggerThanTheNodeSizeQuotaWhenWrittenThenEnospc)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    // 16 header + 8 per permission + value.
    std::string fits(2048 - 16 - 8, 'v');
    EXPECT_EQ(w.call(g, XS_WRITE, z("data/big") + fits).payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_WRITE, z("data/big") + fits + "v").is_error("ENOSPC"));
    EXPECT_EQ(w.read(g, "data/big"), fits);
    // The control domain has no such limit.
    EXPECT_EQ(w.dom0().write("/local/domain/3/data/big", str(fits + "v")), Err::none);
}

TEST_F(XenstoreQuota, GivenGuestAtItsWatchQuotaWhenWatchingMoreThenEnospc)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    for (int i = 0; i < 128; ++i)
        ASSERT_EQ(w.call(g, XS_WATCH, z({"data", "t" + std::to_string(i)})).payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_WATCH, z({"data", "one-more"})).is_error("ENOSPC"));
    EXPECT_EQ(w.call(g, XS_UNWATCH, z({"data", "t7"})).payload, z("OK"));
    EXPECT_EQ(w.call(g, XS_WATCH, z({"data", "one-more"})).payload, z("OK"));
    EXPECT_EQ(w.xs().usage(3)->watches, 128u);
}

TEST_F(XenstoreQuota, GivenGuestAtItsTransactionQuotaWhenStartingMoreThenEnospc)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    std::vector<uint32_t> open;
    for (int i = 0; i < 10; ++i) {
        Message m = w.call(g, XS_TRANSACTION_START, z(""));
        ASSERT_EQ(m.type, (uint32_t)XS_TRANSACTION_START);
        open.push_back(std::stoul(m.strings()[0]));
    }
    EXPECT_TRUE(w.call(g, XS_TRANSACTION_START, z("")).is_error("ENOSPC"));
    w.call(g, XS_TRANSACTION_END, z("F"), open[0]);
    EXPECT_EQ(w.call(g, XS_TRANSACTION_START, z("")).type, (uint32_t)XS_TRANSACTION_START);
    // The control domain is not limited.
    for (int i = 0; i < 12; ++i) {
        xs::Local_client c(w.xs());
        ASSERT_EQ(c.transaction_start(), Err::none);
        ASSERT_EQ(c.transaction_end(false), Err::none);
    }
}

TEST_F(XenstoreQuota, GivenTransactionWhenItTouchesMoreNodesThanAllowedThenEnospc)
{
    World& w = world(small([](xs::Quota& q) { q.transaction_nodes = 8; }));
    Guest& g = w.add_guest(3);
    Message m = w.call(g, XS_TRANSACTION_START, z(""));
    uint32_t tx = std::stoul(m.strings()[0]);
    Message last;
    int ok = 0;
    for (int i = 0; i < 10; ++i) {
        last = w.call(g, XS_READ, z("data/r" + std::to_string(i)), tx);
        ok += last.is_error("ENOENT") ? 1 : 0;
    }
    EXPECT_TRUE(last.is_error("ENOSPC"));
    EXPECT_GE(ok, 5);
}

TEST_F(XenstoreQuota, GivenTooManyPermissionsWhenSetByAGuestThenEnospc)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/p") + "v");
    EXPECT_EQ(w.call(g, XS_SET_PERMS, z({"data/p", "n3", "r1", "r2", "r4", "r5"})).payload,
              z("OK"));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z({"data/p", "n3", "r1", "r2", "r4", "r5", "r6"}))
                    .is_error("ENOSPC"));
}

TEST_F(XenstoreQuota, GivenLongRelativePathWhenUsedByAGuestThenEinvalPastPathMax)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    // Short components: a long name would break the node-size quota first.
    std::string rel = "data";
    while (rel.size() + 100 <= 2048)
        rel += "/" + std::string(99, 'p');
    rel += "/" + std::string(2048 - rel.size() - 1, 'q');
    ASSERT_EQ(rel.size(), 2048u);
    EXPECT_EQ(w.call(g, XS_WRITE, z(rel) + "v").payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_WRITE, z(rel + "p") + "v").is_error("EINVAL"));
}

TEST_F(XenstoreQuota, GivenGuestThatNeverReadsRepliesWhenItFloodsThenItStallsAndOthersAreServed)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Guest& h = w.add_guest(4);
    // g sends requests but never consumes its response ring.
    std::string req = Guest::frame(XS_READ, 1, 0, z("data"));
    size_t sent = 0;
    for (int i = 0; i < 2000; ++i) {
        sent += g.put_whole(req) ? 1 : 0;
        w.run();
    }
    const xs::Usage* u = w.xs().usage(3);
    EXPECT_LE(u->outstanding, 20u);
    EXPECT_LT(u->memory, (uint64_t)w.xs().config().quota.memory);
    EXPECT_LT(sent, 2000u); // its ring filled up once it was stalled
    // Others are unaffected.
    EXPECT_EQ(w.call(h, XS_WRITE, z("data/x") + "1").payload, z("OK"));
    // Once g reads, it is served again.
    g.drain();
    w.run();
    g.drain();
    EXPECT_GT(g.replies.size(), 20u);
}

TEST_F(XenstoreQuota, GivenGuestOverItsMemoryQuotaWhenEventsPileUpThenTheyAreDropped)
{
    World& w = world(small([](xs::Quota& q) { q.memory = 16 * 1024; }));
    Guest& g = w.add_guest(3);
    for (int i = 0; i < 100; ++i)
        w.call(g, XS_WATCH, z({"/local/domain/3", "token-" + std::to_string(i)}));
    w.run();
    g.drain();
    g.events.clear();
    // Stop reading; the control domain writes a lot below the watch.
    uint64_t before = w.mem.live_bytes;
    for (int i = 0; i < 200; ++i)
        ASSERT_EQ(w.dom0().write(str("/local/domain/3/k" + std::to_string(i)), "v"), Err::none);
    EXPECT_LE(w.xs().usage(3)->memory, 16u * 1024 + 4096);
    EXPECT_LT(w.mem.live_bytes - before, 200u * 1024);
}

TEST_F(XenstoreQuota, GivenGuestWhenFillingMemoryQuotaWithNodesThenEnomemAndOthersCarryOn)
{
    World& w = world(small([](xs::Quota& q) {
        q.memory = 64 * 1024;
        q.nodes = 0;
    }));
    Guest& g = w.add_guest(3);
    Guest& h = w.add_guest(4);
    std::string value(1500, 'm');
    Message last;
    int i = 0;
    for (; i < 200; ++i) {
        last = w.call(g, XS_WRITE, z("data/m" + std::to_string(i)) + value);
        if (last.type == XS_ERROR)
            break;
    }
    EXPECT_TRUE(last.is_error("ENOMEM"));
    EXPECT_LT(i, 60);
    EXPECT_EQ(w.call(h, XS_WRITE, z("data/x") + value).payload, z("OK"));
}
