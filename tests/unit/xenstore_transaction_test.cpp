// TRANSACTION_START / TRANSACTION_END: isolation, commit, abort, and
// EAGAIN when a node the transaction read changed meanwhile.
#include "tests/unit/xenstore_fixture.hpp"

using namespace xstest;

namespace {

class XenstoreTransaction : public Xenstore_test {
protected:
    uint32_t start(Guest& g)
    {
        Message m = world().call(g, XS_TRANSACTION_START, z(""));
        EXPECT_EQ(m.type, (uint32_t)XS_TRANSACTION_START);
        return static_cast<uint32_t>(std::stoul(m.strings().at(0)));
    }
    Message end(Guest& g, uint32_t tx, bool commit)
    {
        return world().call(g, XS_TRANSACTION_END, z(commit ? "T" : "F"), tx);
    }
};

} // namespace

TEST_F(XenstoreTransaction, GivenTransactionWhenWritingThenOthersSeeNothingUntilCommit)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    uint32_t tx = start(g);
    EXPECT_NE(tx, 0u);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/x") + "in-tx", tx).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/x"), "<ENOENT>");
    EXPECT_EQ(w.call(g, XS_READ, z("data/x"), tx).payload, "in-tx");
    EXPECT_EQ(end(g, tx, true).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/x"), "in-tx");
}

TEST_F(XenstoreTransaction, GivenTransactionWhenAbandonedThenNothingChanges)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/keep") + "1");
    uint32_t tx = start(g);
    w.call(g, XS_WRITE, z("data/x") + "2", tx);
    w.call(g, XS_RM, z("data/keep"), tx);
    EXPECT_EQ(end(g, tx, false).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/x"), "<ENOENT>");
    EXPECT_EQ(w.read(g, "data/keep"), "1");
    EXPECT_TRUE(end(g, tx, true).is_error("ENOENT")); // it is gone
}

TEST_F(XenstoreTransaction, GivenNodeReadInTransactionWhenChangedOutsideThenCommitFailsWithEagain)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/a") + "1");
    uint32_t tx = start(g);
    EXPECT_EQ(w.call(g, XS_READ, z("data/a"), tx).payload, "1");
    w.call(g, XS_WRITE, z("data/b") + "x", tx);
    ASSERT_EQ(w.dom0().write("/local/domain/3/data/a", "2"), Err::none);
    EXPECT_TRUE(end(g, tx, true).is_error("EAGAIN"));
    EXPECT_EQ(w.read(g, "data/b"), "<ENOENT>");
    EXPECT_EQ(w.read(g, "data/a"), "2");
}

TEST_F(XenstoreTransaction, GivenNodeReadAsMissingWhenCreatedOutsideThenEagain)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    uint32_t tx = start(g);
    EXPECT_TRUE(w.call(g, XS_READ, z("data/n"), tx).is_error("ENOENT"));
    w.call(g, XS_WRITE, z("data/other") + "x", tx);
    w.call(g, XS_WRITE, z("data/n") + "outside");
    EXPECT_TRUE(end(g, tx, true).is_error("EAGAIN"));
}

TEST_F(XenstoreTransaction, GivenNodeReadWhenDeletedOutsideThenEagain)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/a") + "1");
    uint32_t tx = start(g);
    w.call(g, XS_READ, z("data/a"), tx);
    w.call(g, XS_RM, z("data/a"));
    EXPECT_TRUE(end(g, tx, true).is_error("EAGAIN"));
}

TEST_F(XenstoreTransaction, GivenUnrelatedChangeOutsideWhenCommittingThenItSucceeds)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/a") + "1");
    w.call(g, XS_WRITE, z("data/u") + "1");
    uint32_t tx = start(g);
    w.call(g, XS_READ, z("data/a"), tx);
    w.call(g, XS_WRITE, z("data/a/child") + "c", tx);
    ASSERT_EQ(w.dom0().write("/local/domain/3/data/u", "2"), Err::none);
    EXPECT_EQ(end(g, tx, true).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/a/child"), "c");
    EXPECT_EQ(w.read(g, "data/u"), "2");
}

TEST_F(XenstoreTransaction,
       GivenTwoTransactionsWritingTheSameDirectoryWhenBothCommitThenTheSecondGetsEagain)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Guest& h = w.add_guest(4);
    xs::Perm shared[] = {{0, xs::perm_none, 0},
                         {3, xs::perm_write | xs::perm_read, 0},
                         {4, xs::perm_write | xs::perm_read, 0}};
    ASSERT_EQ(w.dom0().mkdir("/shared"), Err::none);
    ASSERT_EQ(w.dom0().set_perms("/shared", shared, 3), Err::none);
    uint32_t t1 = start(g);
    uint32_t t2 = start(h);
    EXPECT_EQ(w.call(g, XS_WRITE, z("/shared/from3") + "1", t1).payload, z("OK"));
    EXPECT_EQ(w.call(h, XS_WRITE, z("/shared/from4") + "1", t2).payload, z("OK"));
    EXPECT_EQ(end(g, t1, true).payload, z("OK"));
    EXPECT_TRUE(end(h, t2, true).is_error("EAGAIN"));
    toolstack::Text names(w.alloc());
    ASSERT_EQ(w.dom0().directory("/shared", names), Err::none);
    EXPECT_EQ(text(names), z("from3"));
}

TEST_F(XenstoreTransaction, GivenRemovalInTransactionWhenCommittedThenSubtreeAndCountsGo)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/t/a") + "1");
    w.call(g, XS_WRITE, z("data/t/b") + "1");
    uint32_t nodes = w.xs().usage(3)->nodes;
    uint32_t tx = start(g);
    EXPECT_EQ(w.call(g, XS_RM, z("data/t"), tx).payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_READ, z("data/t/a"), tx).is_error("ENOENT"));
    EXPECT_EQ(w.read(g, "data/t/a"), "1");
    EXPECT_EQ(end(g, tx, true).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/t/a"), "<ENOENT>");
    EXPECT_EQ(w.xs().usage(3)->nodes, nodes - 3);
}

TEST_F(XenstoreTransaction, GivenWatchWhenTransactionCommitsThenEventsFireOnlyThen)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    ASSERT_EQ(w.dom0().watch("/local/domain/3/data", "t"), Err::none);
    toolstack::Text p(w.alloc()), t(w.alloc());
    while (w.dom0().next_event(p, t)) {
    }
    uint32_t tx = start(g);
    w.call(g, XS_WRITE, z("data/x") + "1", tx);
    EXPECT_FALSE(w.dom0().next_event(p, t));
    end(g, tx, true);
    ASSERT_TRUE(w.dom0().next_event(p, t));
    EXPECT_EQ(text(p), "/local/domain/3/data/x");
    EXPECT_FALSE(w.dom0().next_event(p, t));
    // Abandoned: nothing.
    tx = start(g);
    w.call(g, XS_WRITE, z("data/y") + "1", tx);
    end(g, tx, false);
    EXPECT_FALSE(w.dom0().next_event(p, t));
}

TEST_F(XenstoreTransaction, GivenOpenTransactionWhenStartingAnotherInsideItThenEbusy)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    uint32_t tx = start(g);
    EXPECT_TRUE(w.call(g, XS_TRANSACTION_START, z(""), tx).is_error("EBUSY"));
    EXPECT_TRUE(w.call(g, XS_TRANSACTION_START, z(""), tx + 100).is_error("ENOENT"));
    uint32_t second = start(g);
    EXPECT_NE(second, tx);
}

TEST_F(XenstoreTransaction, GivenEndWithBadArgumentWhenSentThenEinvalAndTheTransactionStays)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    uint32_t tx = start(g);
    EXPECT_TRUE(w.call(g, XS_TRANSACTION_END, z("X"), tx).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_TRANSACTION_END, "T", tx).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_TRANSACTION_END, z("T")).is_error("ENOENT")); // tx_id 0
    EXPECT_EQ(end(g, tx, true).payload, z("OK"));
}

TEST_F(XenstoreTransaction, GivenWatchRequestWhenItCarriesATxIdThenTheIdIsIgnored)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_EQ(w.call(g, XS_WATCH, z({"data", "t"}), 999).payload, z("OK"));
}

TEST_F(XenstoreTransaction, GivenToolstackTransactionWhenBuildingThenLocalClientCommits)
{
    World& w = world();
    ASSERT_EQ(w.dom0().transaction_start(), Err::none);
    EXPECT_NE(w.dom0().transaction(), 0u);
    ASSERT_EQ(w.dom0().write("/vm/x/name", "n"), Err::none);
    EXPECT_EQ(w.dom0().transaction_start(), Err::ebusy);
    ASSERT_EQ(w.dom0().transaction_end(true), Err::none);
    EXPECT_EQ(w.dom0_read("/vm/x/name"), "n");
}

TEST_F(XenstoreTransaction, GivenManyTransactionsWhenIdsAreHandedOutThenLiveOnesAreNeverReused)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    uint32_t a = start(g);
    for (int i = 0; i < 50; ++i)
        end(g, start(g), false);
    uint32_t b = start(g);
    EXPECT_NE(a, b);
    EXPECT_EQ(end(g, a, true).payload, z("OK"));
    EXPECT_EQ(end(g, b, true).payload, z("OK"));
}
