// Long mmu_update and mmuext_op batches make way for a pending event and
// are continued, as Xen's (MMU_UPDATE_PREEMPTED in the re-issued count,
// done_out holding the running total): every request is done once, the
// total done is right across the calls, also when a request fails after
// a continuation; a count that says "continued" adds to what done_out
// held; inside a multicall a batch makes way too: its entry's arguments in
// the list become the continuation's and the multicall is re-issued from
// that entry.
#include "console.hpp"
#include "pt_lib.hpp"
#include "test.hpp"
#include "upcall_probe.hpp"

namespace {

constexpr uint32_t preempted = 1u << 31; // Xen's MMU_UPDATE_PREEMPTED
constexpr uint32_t n_reqs = 200;

// done_out of the batch under test: what the hypervisor has reported so
// far, read by the upcall.
volatile uint32_t done;
uint32_t reported()
{
    return done;
}

mmu_update_t reqs[n_reqs];
uint32_t table, data;

// Request i writes slot i of the table: 'data' read-only, or nothing.
void fill_reqs(bool present)
{
    for (uint32_t i = 0; i < n_reqs; ++i)
        reqs[i] = {pt::maddr(table) + i * 8 + MMU_NORMAL_PT_UPDATE,
                   present ? pt::entry(data, pt::data_ro) : 0};
}

// Slots [0, n) hold 'want', slots [n, n_reqs) 'rest'.
bool table_holds(uint32_t n, uint64_t want, uint64_t rest = 0)
{
    const uint64_t* t = pt::window(0, table, false);
    bool ok = t != nullptr;
    for (uint32_t i = 0; ok && i < n_reqs; ++i)
        ok = t[i] == (i < n ? want : rest);
    pt::unwindow(0);
    return ok;
}

int32_t update(uint32_t count, uint32_t first = 0)
{
    return hc::mmu_update(reqs + first, count, const_cast<uint32_t*>(&done), DOMID_SELF);
}

void test_mmu_update()
{
    uint64_t e = pt::entry(data, pt::data_ro);
    done = 0;
    fill_reqs(true);
    upcall_probe::arm(reported);
    int32_t rc = update(n_reqs);
    upcall_probe::Seen seen = upcall_probe::disarm();
    CHECK_EQ(rc, 0, "mmu_update of 200 entries, an event pending: 0");
    CHECK(upcall_probe::part_way(seen, n_reqs),
          "  it stopped for the event part-way, was continued");
    CHECK_EQ(seen.progress, 16, "  after its first chunk of 16 requests (done_out said so)");
    CHECK_EQ(done, n_reqs, "  done_out: all 200 in the end");
    CHECK(table_holds(n_reqs, e), "  every entry written");

    // Undo them, request 150 refused (an entry with bit 52 set: -EINVAL).
    fill_reqs(false);
    reqs[150].val = e | (1ull << 52);
    done = 0;
    upcall_probe::arm(reported);
    rc = update(n_reqs);
    seen = upcall_probe::disarm();
    CHECK_EQ(rc, -XEN_EINVAL, "a batch of 200 whose request 150 is bad, an event pending: -EINVAL");
    CHECK(upcall_probe::part_way(seen, 150), "  it was continued part-way before the bad one");
    CHECK_EQ(done, 150, "  done_out: 150 over the calls");
    CHECK(table_holds(150, 0, e), "  the 150 before it undone, the rest not");
    fill_reqs(true);
    CHECK_EQ(update(n_reqs), 0, "the 200 entries again, no event");

    // The continued form from the guest: what done_out holds is added to.
    fill_reqs(false);
    done = 5;
    CHECK_EQ(update(2 | preempted), 0, "count 2 with MMU_UPDATE_PREEMPTED, done_out 5: 0");
    CHECK_EQ(done, 7, "  done_out 7 (Xen's running total)");
    done = 0;
    CHECK_EQ(update(n_reqs - 2, 2), 0, "  and the other 198");
    CHECK_EQ(done, n_reqs - 2, "  done_out 198");
    CHECK(table_holds(0, e), "  the table empty again");
    CHECK_EQ(hc::mmu_update(reqs, (1u << 20 | 1) | preempted, nullptr, DOMID_SELF), -XEN_EINVAL,
             "count 2^20 + 1 with MMU_UPDATE_PREEMPTED: -EINVAL, as without it");
    CHECK_EQ(hc::mmu_update(reqs, 1 | preempted, reinterpret_cast<uint32_t*>(0x1000), DOMID_SELF),
             -XEN_EFAULT, "count 1 continued with an unmapped done_out: -EFAULT");
}

void test_mmuext_op()
{
    constexpr uint32_t n = 40;
    static mmuext_op_t ops[n];
    for (auto& op : ops) {
        op = {};
        op.cmd = MMUEXT_INVLPG_LOCAL;
        op.arg1.linear_addr = pt::window_va(0);
    }
    done = 0;
    upcall_probe::arm(reported);
    int32_t rc = hc::mmuext_op(ops, n, const_cast<uint32_t*>(&done), DOMID_SELF);
    upcall_probe::Seen seen = upcall_probe::disarm();
    CHECK_EQ(rc, 0, "mmuext_op of 40 INVLPG_LOCAL, an event pending: 0");
    CHECK(upcall_probe::part_way(seen, n), "  it stopped for the event part-way, was continued");
    CHECK_EQ(seen.progress, 1, "  after its first op");
    CHECK_EQ(done, n, "  done_out: 40");

    // Pin, then a run of ops whose 21st unpins a table not pinned.
    uint32_t l1 = pt::alloc_mfn();
    CHECK(pt::clear(l1), "a fresh L1");
    ops[0] = {};
    ops[0].cmd = MMUEXT_PIN_L1_TABLE;
    ops[0].arg1.mfn = l1;
    ops[1] = ops[0];
    ops[1].cmd = MMUEXT_UNPIN_TABLE;
    ops[20] = ops[1];
    done = 0;
    upcall_probe::arm(reported);
    rc = hc::mmuext_op(ops, n, const_cast<uint32_t*>(&done), DOMID_SELF);
    seen = upcall_probe::disarm();
    CHECK_EQ(rc, -XEN_EINVAL, "pin, unpin, 18 INVLPG, unpin again, an event pending: -EINVAL");
    CHECK(upcall_probe::part_way(seen, 20), "  continued part-way");
    CHECK_EQ(done, 20, "  done_out: 20 over the calls");
    CHECK_EQ(pt::pin(1, l1), 0, "  the L1 was left unpinned: it pins again");
    CHECK_EQ(pt::unpin(l1), 0, "  and unpins");
}

// As Xen's do_multicall: an entry that makes way part-way gets its
// continuation's arguments written into the guest's list (the requests
// left, MMU_UPDATE_PREEMPTED in the count) and the multicall is re-issued
// from it; the entries after it run once, after it.
void test_in_multicall()
{
    fill_reqs(true);
    done = 0;
    multicall_entry_t calls[2] = {};
    calls[0].op = __HYPERVISOR_mmu_update;
    calls[0].result = 0x5A5A5A5A;
    calls[0].args[0] = hc::arg(reqs);
    calls[0].args[1] = n_reqs;
    calls[0].args[2] = hc::arg(const_cast<uint32_t*>(&done));
    calls[0].args[3] = DOMID_SELF;
    calls[1].op = __HYPERVISOR_xen_version;
    calls[1].args[0] = XENVER_version;
    upcall_probe::arm(reported);
    int32_t rc = hc::multicall(calls, 2);
    upcall_probe::Seen seen = upcall_probe::disarm();
    CHECK_EQ(rc, 0, "a multicall of a 200-entry mmu_update and xen_version, an event pending: 0");
    CHECK_EQ(static_cast<int32_t>(calls[0].result), 0, "  the batch: 0");
    CHECK(static_cast<int32_t>(calls[1].result) > 0, "  xen_version ran after it");
    CHECK(upcall_probe::part_way(seen, n_reqs), "  the upcall came part-way through the batch");
    CHECK_EQ(seen.progress, 16, "  after its first chunk of 16 requests");
    CHECK_EQ(calls[0].args[0], hc::arg(reqs + 16), "  the entry's list now starts at request 16");
    CHECK_EQ(calls[0].args[1], (n_reqs - 16) | preempted, "  its count: 184 | MMU_UPDATE_PREEMPTED");
    CHECK_EQ(done, n_reqs, "  done_out: all 200");
    CHECK(table_holds(n_reqs, pt::entry(data, pt::data_ro)), "  every entry written");
    fill_reqs(false);
    CHECK_EQ(update(n_reqs), 0, "  and cleared again");
}

} // namespace

void guest_main(start_info_t*)
{
    table = pt::alloc_mfn();
    data = pt::alloc_mfn();
    bool pinned = pt::clear(table) && pt::pin(1, table) == 0;
    CHECK(pinned, "a pinned L1 to write in");
    if (!pinned)
        return;
    test_mmu_update();
    test_mmuext_op();
    test_in_multicall();
    CHECK_EQ(pt::unpin(table), 0, "unpin it");
}
