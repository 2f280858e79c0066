// Out of memory at every allocation in turn: each request fails cleanly
// (ENOMEM, or done) and the store stays consistent, its accounting exact,
// and nothing leaks.
#include "tests/unit/xenstore_fixture.hpp"
#include "tools/lib/xenstore/domain_tree.hpp"

using namespace xstest;

namespace {

// A little of everything, from the toolstack and from a guest.
void scenario(World& w, Guest& g)
{
    auto ok_or_enomem = [](Err e) {
        EXPECT_TRUE(e == Err::none || e == Err::enomem) << xs::err_name(e);
    };
    ok_or_enomem(w.dom0().write("/local/domain/3/data/a/b", "v"));
    ok_or_enomem(w.dom0().watch("/local/domain/3", "w"));
    xs::Domain_info info;
    info.domid = 9;
    info.name = "n";
    Err built = build_domain_tree(w.xs(), info);
    EXPECT_TRUE(built == Err::none || built == Err::enomem || built == Err::eagain);
    for (uint32_t type : {uint32_t(XS_WRITE), uint32_t(XS_WATCH), uint32_t(XS_TRANSACTION_START),
                          uint32_t(XS_READ), uint32_t(XS_RM), uint32_t(XS_SET_PERMS)}) {
        std::string body;
        switch (type) {
        case XS_WRITE: body = z("data/x/y") + "1"; break;
        case XS_WATCH: body = z({"data", "t"}); break;
        case XS_TRANSACTION_START: body = z(""); break;
        case XS_READ: body = z("data/x/y"); break;
        case XS_RM: body = z("data/a"); break;
        case XS_SET_PERMS: body = z({"data/x", "n3", "r0"}); break;
        }
        // The guest's request may wait for memory; it must not be lost or
        // answered twice.
        uint32_t id = g.next_req++;
        g.put_whole(Guest::frame(type, id, 0, body));
        w.run();
        g.drain();
    }
    // Replies to earlier requests may arrive late: find this one's.
    auto ask = [&](uint32_t type, const std::string& body, uint32_t tx) {
        uint32_t id = g.next_req++;
        g.put_whole(Guest::frame(type, id, tx, body));
        for (int i = 0; i < 4; ++i) {
            w.run();
            g.drain();
        }
        for (const Message& m : g.replies)
            if (m.req_id == id)
                return m;
        return Message{};
    };
    Message t = ask(XS_TRANSACTION_START, z(""), 0);
    if (t.type == XS_TRANSACTION_START) {
        uint32_t tx = std::stoul(t.strings()[0]);
        ask(XS_WRITE, z("data/in-tx") + "1", tx);
        ask(XS_RM, z("data/x"), tx);
        ask(XS_TRANSACTION_END, z("T"), tx);
    }
    ok_or_enomem(w.dom0().rm("/local/domain/3/data/a"));
    ok_or_enomem(w.xs().release(3));
}

} // namespace

TEST(XenstoreMemory, GivenEachAllocationFailingInTurnWhenServingThenConsistentAndNoLeaks)
{
    // The number of allocations the scenario makes when nothing fails.
    size_t total;
    {
        World w;
        Guest& g = w.add_guest(3);
        size_t before = w.mem.total_blocks;
        scenario(w, g);
        total = w.mem.total_blocks - before;
        w.expect_consistent();
    }
    ASSERT_GT(total, 50u);
    for (size_t k = 0; k < total; k += (k < 200 ? 1 : 7)) {
        World w;
        Guest& g = w.add_guest(3);
        w.mem.fail_after = static_cast<long>(k);
        scenario(w, g);
        // With memory back (the check needs some too), the store is
        // consistent and serves again.
        w.mem.fail_after = -1;
        w.expect_consistent();
        w.run();
        EXPECT_EQ(w.dom0().write("/after", "1"), Err::none) << k;
        EXPECT_EQ(w.dom0_read("/after"), "1");
        w.expect_consistent();
        if (::testing::Test::HasFailure()) {
            ADD_FAILURE() << "failing from allocation " << k;
            break;
        }
    }
}

TEST(XenstoreMemory, GivenHeapLimitWhenAGuestFillsItThenTheControlDomainStillGetsAnswers)
{
    World w;
    Guest& g = w.add_guest(3);
    w.mem.limit = w.mem.live_bytes + 64 * 1024;
    for (int i = 0; i < 400; ++i)
        w.call(g, XS_WRITE,
               z("data/d" + std::to_string(i / 40) + "/n" + std::to_string(i)) +
                   std::string(300, 'x'));
    // The heap is full; requests get ENOMEM, never silence.
    Err e = w.dom0().write("/x", "1");
    EXPECT_TRUE(e == Err::none || e == Err::enomem);
    EXPECT_TRUE(w.call(g, XS_WRITE, z("data/more") + std::string(1000, 'y')).type != 0);
    w.mem.limit = 0;
    w.expect_consistent();
}
