// Attacks on page-table validation, each refused with Xen's errno while
// the hypervisor and the guest carry on: writable mappings of page tables,
// tables of the wrong level, the M2P writable, hypervisor frames, reserved
// bits, linear (self-referencing) tables, double pins, unpins of tables in
// use, a base pointer that is no L3, a large batch with one bad entry,
// foreign domain names, and a writable translation left cached after its
// entry went (mmu_update does not flush, as in Xen).
#include "console.hpp"
#include "pt_lib.hpp"
#include "test.hpp"

namespace {

uint32_t scratch_va() { return pt::window_va(1); }

// Try to map 'e' at the scratch window; restore the window afterwards.
int32_t try_map(uint64_t e)
{
    int32_t rc = hc::update_va_mapping(scratch_va(), e, UVMF_INVLPG);
    pt::unwindow(1);
    return rc;
}

void test_writable_tables()
{
    uint32_t l1 = pt::alloc_mfn();
    CHECK(pt::clear(l1), "prepare an empty L1");
    CHECK_EQ(pt::pin(1, l1), 0, "pin it");
    CHECK_EQ(try_map(pt::entry(l1, pt::data_rw)), -XEN_EBUSY,
             "update_va_mapping of a pinned L1 writable: -EBUSY");
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(l1, pt::data_rw)), -XEN_EBUSY,
             "L1 entry mapping its own L1 writable: -EBUSY");
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(l1, pt::data_ro)), 0,
             "  read-only it is allowed");
    CHECK_EQ(pt::set_entry(l1, 0, 0), 0, "  and removed");
    CHECK_EQ(try_map(pt::entry(pt::boot_l3(), pt::data_rw)), -XEN_EBUSY,
             "the current L3 writable: -EBUSY");
    CHECK_EQ(try_map(pt::entry(pt::boot_top_l2(), pt::data_rw)), -XEN_EBUSY,
             "the current top L2 writable: -EBUSY");
    // Pinning a frame that is mapped writable must fail too.
    uint32_t l1b = pt::alloc_mfn();
    CHECK(pt::clear(l1b), "prepare a second L1");
    int32_t rc;
    pt::window(0, l1b, true, &rc);
    CHECK_EQ(pt::pin(1, l1b), -XEN_EINVAL, "pin of a frame mapped writable: -EINVAL");
    pt::unwindow(0);
    CHECK_EQ(pt::pin(1, l1b), 0, "  once unmapped it pins");
    CHECK_EQ(pt::unpin(l1b), 0, "  and unpins");
    CHECK_EQ(pt::unpin(l1), 0, "unpin the first L1");
}

void test_wrong_level()
{
    uint32_t l1 = pt::alloc_mfn(), l2 = pt::alloc_mfn(), l3 = pt::alloc_mfn();
    CHECK(pt::clear(l1) && pt::clear(l2), "prepare L1 and L2");
    CHECK_EQ(pt::pin(1, l1), 0, "pin L1");
    CHECK_EQ(pt::pin(2, l2), 0, "pin L2");
    CHECK_EQ(pt::pin(2, l1), -XEN_EINVAL, "pin an L1 as L2: -EINVAL");
    CHECK_EQ(pt::pin(1, l2), -XEN_EINVAL, "pin an L2 as L1: -EINVAL");
    CHECK_EQ(pt::pin(3, l1), -XEN_EINVAL, "pin an L1 as L3: -EINVAL");
    uint64_t l3e[4] = {pt::entry(l1, pt::l3_flags), 0, 0, 0};
    CHECK(pt::fill(l3, 0, l3e, 4), "an L3 whose slot 0 points to an L1");
    CHECK_EQ(pt::pin(3, l3), -XEN_EINVAL, "  pinning it: -EINVAL");
    CHECK_EQ(pt::set_entry(l2, 0, pt::entry(l2, pt::l2_flags)), -XEN_EINVAL,
             "L2 entry -> itself writable (linear, RW): -EINVAL");
    CHECK_EQ(pt::set_entry(l2, 0, pt::entry(l2, pt::P | pt::US | pt::A)), 0,
             "L2 entry -> itself read-only (linear): 0");
    CHECK_EQ(pt::set_entry(l2, 0, 0), 0, "  removed");
    CHECK_EQ(pt::set_entry(l2, 1, pt::entry(pt::boot_l3(), pt::l2_flags)), -XEN_EINVAL,
             "L2 entry -> an L3: -EINVAL");
    CHECK_EQ(pt::set_entry(pt::boot_l3(), 0, pt::entry(l1, pt::l3_flags)), -XEN_EINVAL,
             "L3 entry -> an L1: -EINVAL");
    CHECK_EQ(pt::set_entry(pt::boot_l3(), 0, pt::entry(pt::boot_l3(), pt::l3_flags)),
             -XEN_EINVAL, "L3 entry -> itself (linear L3): -EINVAL");
    CHECK_EQ(pt::set_entry(pt::boot_l3(), 3, 0), -XEN_EINVAL,
             "changing L3 slot 3 (the hypervisor's L2): -EINVAL");
    CHECK_EQ(pt::set_entry(pt::boot_top_l2(), 428, 0), -XEN_EPERM,
             "writing a hypervisor slot of the top L2: -EPERM");
    CHECK_EQ(pt::unpin(l1), 0, "unpin L1");
    CHECK_EQ(pt::unpin(l2), 0, "unpin L2");
}

void test_forbidden_frames()
{
    static xen_pfn_t m2p[4];
    xen_machphys_mfn_list_t l = {4, {}, 0};
    set_xen_guest_handle(l.extent_start, m2p);
    CHECK_EQ(hc::memory_op(XENMEM_machphys_mfn_list, &l), 0, "XENMEM_machphys_mfn_list: 0");
    CHECK_EQ(try_map(pt::entry(m2p[0], pt::data_rw)), -XEN_EBUSY, "the M2P writable: -EBUSY");
    CHECK_EQ(try_map(pt::entry(m2p[0], pt::data_ro)), 0, "  read-only for dom0: 0");
    // The hypervisor image is loaded at 1 MiB (frame 0x100).
    CHECK_EQ(try_map(pt::entry(0x100, pt::data_rw)), -XEN_EBUSY,
             "the hypervisor's first image frame writable: -EBUSY");
    CHECK_EQ(try_map(pt::entry(0x100, pt::data_ro)), -XEN_EBUSY, "  read-only: -EBUSY");
    // The hypervisor's L2 slots (428..511) as the validator filled them in:
    // any that points to a page table of its own (PSE clear) must be refused.
    const uint64_t* top = pt::window(0, pt::boot_top_l2(), false);
    uint32_t hv_table = 0;
    for (uint32_t i = pt::guest_top_l2_slots; i < 512 && !hv_table; ++i)
        if ((top[i] & pt::P) && !(top[i] & (1u << 7)))
            hv_table = static_cast<uint32_t>(top[i] >> 12);
    pt::unwindow(0);
    CHECK(hv_table != 0, "the top L2 shows a hypervisor page table in slots 428..511");
    CHECK_EQ(try_map(pt::entry(hv_table, pt::data_ro)), -XEN_EBUSY,
             "  mapping that hypervisor page table read-only: -EBUSY");
    CHECK_EQ(hc::update_va_mapping(HYPERVISOR_VIRT_START, 0, UVMF_INVLPG), -XEN_EINVAL,
             "update_va_mapping of a hypervisor address: -EINVAL");
}

void test_reserved_bits()
{
    uint32_t data = pt::alloc_mfn();
    CHECK_EQ(try_map(pt::entry(data, pt::data_rw)), 0, "a plain writable mapping: 0");
    CHECK_EQ(try_map(pt::entry(data, pt::data_rw) | (1ull << 52)), -XEN_EINVAL,
             "L1 entry with bit 52 set: -EINVAL");
    CHECK_EQ(try_map(pt::entry(data, pt::data_rw) | (1ull << 63)), -XEN_EINVAL,
             "L1 entry with NX while EFER.NXE is off: -EINVAL");
    // Xen's compat mask for a 32-bit guest's L3: RW/US/A/D accepted (the CPU
    // runs on a copy without them), cache-control bits refused. Slot 0 of
    // the live L3 maps nothing the guest uses.
    const uint64_t* live = reinterpret_cast<const uint64_t*>(guest_start_info()->pt_base);
    uint64_t slot0 = live[0];
    CHECK_EQ(pt::set_entry(pt::boot_l3(), 0, pt::entry(pt::alloc_mfn(), pt::l3_flags | pt::RW | pt::A)), 0,
             "L3 entry of the live L3 with RW|A: 0, as Xen's compat mask");
    // A live change takes effect at once: slot 0 -> L2 -> L1 -> a marked frame.
    uint32_t l2 = pt::alloc_mfn(), l1 = pt::alloc_mfn(), marked = pt::alloc_mfn();
    int32_t rc;
    uint32_t* w = reinterpret_cast<uint32_t*>(pt::window(0, marked, true, &rc));
    w[0] = 0x600DF00D;
    pt::unwindow(0);
    uint64_t l1e = pt::entry(marked, pt::data_ro), l2e = pt::entry(l1, pt::l2_flags);
    CHECK(pt::fill(l1, 1, &l1e, 1) && pt::fill(l2, 0, &l2e, 1), "  an L2 and L1 mapping a marked frame");
    CHECK_EQ(pt::set_entry(pt::boot_l3(), 0, pt::entry(l2, pt::l3_flags)), 0, "  slot 0 of the live L3 names them");
    CHECK_EQ(*reinterpret_cast<volatile uint32_t*>(0x1000u), 0x600DF00Du,
             "  the CPU walks the new entry right after the mmu_update");
    CHECK_EQ(pt::set_entry(pt::boot_l3(), 0, slot0), 0, "  and back");
    CHECK_EQ(pt::set_entry(pt::boot_l3(), 0, pt::entry(pt::alloc_mfn(), pt::l3_flags | (1u << 3))),
             -XEN_EINVAL, "L3 entry with PWT: -EINVAL");
    CHECK_EQ(pt::set_entry(pt::boot_top_l2(), 0, pt::entry(pt::alloc_mfn(), pt::l2_flags | (1u << 7))),
             -XEN_EINVAL, "L2 entry with PSE (no superpages for PV): -EINVAL");
    mmu_update_t u = {pt::maddr(pt::boot_l3()) + 4 + MMU_NORMAL_PT_UPDATE, 0};
    CHECK_EQ(hc::mmu_update(&u, 1, nullptr, DOMID_SELF), -XEN_EINVAL,
             "mmu_update at a misaligned entry address: -EINVAL");
}

void test_pins_and_baseptr()
{
    uint32_t l1 = pt::alloc_mfn(), data = pt::alloc_mfn();
    CHECK(pt::clear(l1), "prepare an L1");
    CHECK_EQ(pt::pin(1, l1), 0, "pin it");
    CHECK_EQ(pt::pin(1, l1), -XEN_EINVAL, "pin it again: -EINVAL");
    CHECK_EQ(pt::unpin(data), -XEN_EINVAL, "unpin a frame never pinned: -EINVAL");
    CHECK_EQ(pt::unpin(0x100), -XEN_EINVAL, "unpin a hypervisor frame: -EINVAL");
    CHECK_EQ(pt::pin(1, 0x100), -XEN_EINVAL, "pin a hypervisor frame: -EINVAL");
    CHECK_EQ(pt::ext(MMUEXT_PIN_L4_TABLE, l1), -XEN_EINVAL, "pin an L4 on PAE: -EINVAL");
    CHECK_EQ(pt::new_baseptr(l1), -XEN_EINVAL, "new_baseptr to an L1: -EINVAL");
    CHECK_EQ(pt::new_baseptr(data), -XEN_EINVAL, "new_baseptr to a zeroed data frame (no slot 3): -EINVAL");
    CHECK_EQ(pt::new_baseptr(0x100), -XEN_EINVAL, "new_baseptr to a hypervisor frame: -EINVAL");
    CHECK_EQ(pt::unpin(l1), 0, "unpin the L1");
    // The current L3 is pinned by the builder: unpinning it is allowed, the
    // base pointer keeps it an L3, and it can be pinned again.
    CHECK_EQ(pt::unpin(pt::boot_l3()), 0, "unpin the L3 in use (the base pointer keeps it): 0");
    CHECK_EQ(try_map(pt::entry(pt::boot_l3(), pt::data_rw)), -XEN_EBUSY,
             "  it is still a page table: writable mapping -EBUSY");
    CHECK_EQ(pt::pin(3, pt::boot_l3()), 0, "  and pins again: 0");
    // A second L3 cannot share the bootstrap top L2 (slot 3 is per L3).
    uint32_t l3 = pt::alloc_mfn();
    uint64_t l3e[4] = {0, 0, 0, pt::entry(pt::boot_top_l2(), pt::l3_flags)};
    CHECK(pt::fill(l3, 0, l3e, 4), "an L3 sharing the top L2");
    CHECK_EQ(pt::pin(3, l3), -XEN_EINVAL, "  pinning it: -EINVAL");
    CHECK_EQ(pt::new_baseptr(l3), -XEN_EINVAL, "  new_baseptr to it: -EINVAL");
}

void test_batch()
{
    constexpr uint32_t n = 2048, bad = 1000;
    static mmu_update_t reqs[n];
    uint32_t l1s[4];
    for (auto& m : l1s) {
        m = pt::alloc_mfn();
        CHECK(pt::clear(m) && pt::pin(1, m) == 0, "pin an L1 for the batch");
    }
    uint32_t data = pt::alloc_mfn();
    for (uint32_t i = 0; i < n; ++i)
        reqs[i] = {pt::maddr(l1s[i / 512]) + (i % 512) * 8, pt::entry(data, pt::data_ro)};
    reqs[bad].val = pt::entry(0x100, pt::data_ro);
    uint32_t done = 12345;
    CHECK_EQ(hc::mmu_update(reqs, n, &done, DOMID_SELF), -XEN_EBUSY,
             "2048-entry batch with a hypervisor frame at 1000: -EBUSY");
    CHECK_EQ(done, bad, "  done = 1000");
    const uint64_t* t = pt::window(0, l1s[1], false);
    CHECK(t[bad % 512 - 1] == reqs[bad - 1].val && t[bad % 512] == 0,
          "  entries before it written, the bad one not");
    pt::unwindow(0);
    reqs[bad].val = pt::entry(data, pt::data_ro);
    done = 0;
    CHECK_EQ(hc::mmu_update(reqs + bad, n - bad, &done, DOMID_SELF), 0, "the rest of the batch: 0");
    CHECK_EQ(done, n - bad, "  all done");
    for (uint32_t i = 0; i < n; ++i)
        reqs[i].val = 0;
    CHECK_EQ(hc::mmu_update(reqs, n, nullptr, DOMID_SELF), 0, "clear all 2048: 0");
    // One request on one's own tables takes a shorter path: the same answers.
    mmu_update_t one = {pt::maddr(l1s[0]) + 8, pt::entry(data, pt::data_ro)};
    done = 7;
    CHECK_EQ(hc::mmu_update(&one, 1, &done, DOMID_SELF), 0, "a single request: 0");
    CHECK_EQ(done, 1u, "  done = 1");
    one.val = pt::entry(0x100, pt::data_ro);
    CHECK_EQ(hc::mmu_update(&one, 1, &done, DOMID_SELF), -XEN_EBUSY,
             "a single request mapping a hypervisor frame: -EBUSY");
    CHECK_EQ(done, 0u, "  done = 0");
    t = pt::window(0, l1s[0], false);
    CHECK(t[1] == pt::entry(data, pt::data_ro), "  the entry keeps its old value");
    pt::unwindow(0);
    one.val = 0;
    CHECK_EQ(hc::mmu_update(&one, 1, reinterpret_cast<uint32_t*>(HYPERVISOR_VIRT_START), DOMID_SELF),
             -XEN_EFAULT, "a single request whose done count is in the hypervisor: -EFAULT");
    t = pt::window(0, l1s[0], false);
    CHECK(t[1] == 0, "  the update itself was made (as Xen: the count is written last)");
    pt::unwindow(0);
    one = {pt::maddr(l1s[0]) + 8 + 4, 0};
    CHECK_EQ(hc::mmu_update(&one, 1, &done, DOMID_SELF), -XEN_EINVAL,
             "a single request at a misaligned entry: -EINVAL");
    CHECK_EQ(hc::mmu_update(reinterpret_cast<mmu_update_t*>(HYPERVISOR_VIRT_START), 1, &done,
                            DOMID_SELF),
             -XEN_EFAULT, "a single request read from the hypervisor: -EFAULT");
    CHECK_EQ(done, 0u, "  done = 0");
    for (auto m : l1s)
        CHECK_EQ(pt::unpin(m), 0, "unpin a batch L1");
    mmu_update_t u = {pt::maddr(l1s[0]) + 3 /* reserved command 3 */, 0};
    CHECK_EQ(hc::mmu_update(&u, 1, nullptr, DOMID_SELF), -XEN_ENOSYS, "unknown mmu_update command: -ENOSYS");
    CHECK_EQ(hc::mmu_update(reinterpret_cast<mmu_update_t*>(HYPERVISOR_VIRT_START), 2, &done,
                            DOMID_SELF),
             -XEN_EFAULT, "request list in the hypervisor: -EFAULT");
}

void test_foreign()
{
    uint32_t l1 = pt::alloc_mfn();
    CHECK(pt::clear(l1) && pt::pin(1, l1) == 0, "pin an L1");
    uint32_t data = pt::alloc_mfn();
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(data, pt::data_ro), 0x1234), -XEN_ESRCH,
             "mmu_update naming a missing domain: -ESRCH");
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(data, pt::data_ro), DOMID_XEN), -XEN_ESRCH,
             "mmu_update naming DOMID_XEN: -ESRCH");
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(data, pt::data_ro), 0), -XEN_ESRCH,
             "mmu_update naming itself by id: -ESRCH");
    // DOMID_IO owns the non-RAM frames: RAM is not its to map.
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(data, pt::data_ro), DOMID_IO), -XEN_EBUSY,
             "DOMID_IO mapping a RAM frame: -EBUSY");
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(0xB8, pt::data_rw), DOMID_IO), 0,
             "DOMID_IO mapping VGA memory (frame 0xb8): 0");
    CHECK_EQ(pt::set_entry(l1, 0, 0), 0, "  unmapped");
    CHECK_EQ(pt::ext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0x1234), -XEN_ESRCH, "mmuext_op naming a missing domain: -ESRCH");
    CHECK_EQ(pt::ext(MMUEXT_TLB_FLUSH_LOCAL, 0, DOMID_SELF), 0, "  DOMID_SELF: 0");
    CHECK_EQ(pt::unpin(l1), 0, "unpin");
}

// The L1 entry that maps 'va' in the image (the top GiB): its table's
// frame and slot, read through the bootstrap top L2.
void image_l1_slot(uint32_t va, uint32_t& l1, uint32_t& slot)
{
    const uint64_t* l2 = pt::window(0, pt::boot_top_l2(), false);
    l1 = static_cast<uint32_t>(l2[(va >> 21) & 511] >> 12);
    pt::unwindow(0);
    slot = (va >> 12) & 511;
}

// An L1 entry update does not flush the TLB (Xen's rule: the guest
// flushes). A writable translation of frame f can then outlive its entry;
// the hypervisor must flush it before f becomes a page table, or a store
// through it would forge an entry of a validated L1.
void test_stale_writable()
{
    uint32_t f = pt::alloc_mfn();
    CHECK(pt::clear(f), "prepare a frame");
    volatile uint64_t* x = reinterpret_cast<volatile uint64_t*>(scratch_va());
    uint32_t l1, slot;
    image_l1_slot(scratch_va(), l1, slot);
    uint64_t own = pt::entry(pfn_to_mfn(virt_to_pfn(const_cast<uint64_t*>(x))), pt::data_rw);
    CHECK_EQ(pt::set_entry(l1, slot, pt::entry(f, pt::data_rw)), 0,
             "map the frame writable with mmu_update");
    CHECK_EQ(pt::ext(MMUEXT_INVLPG_LOCAL, scratch_va()), 0, "  and flush that address");
    x[0] = 0x5a5a5a5a;
    CHECK_EQ(pt::set_entry(l1, slot, own), 0, "put the address's own frame back (no flush)");
    bool stale = x[0] == 0x5a5a5a5a;
    CHECK(stale, "  the CPU still uses the old writable translation (the case tested)");
    x[0] = 0;
    CHECK_EQ(pt::pin(1, f), 0, "pin the frame as an L1 (no writable entry maps it)");
    uint64_t forged = pt::entry(0x100, pt::data_rw);
    x[1] = forged; // through the old translation, were it still cached
    CHECK(x[1] == forged, "  a store there now reaches the address's own frame");
    const uint64_t* t = pt::window(0, f, false);
    CHECK(t[1] == 0, "  and the validated L1 is unchanged: the pin flushed the translation");
    pt::unwindow(0);
    x[1] = 0;
    CHECK_EQ(pt::unpin(f), 0, "unpin it");
}

} // namespace

void guest_main(start_info_t*)
{
    test_writable_tables();
    test_wrong_level();
    test_forbidden_frames();
    test_reserved_bits();
    test_pins_and_baseptr();
    test_batch();
    test_foreign();
    test_stale_writable();
    printf("pt_attacks: the hypervisor survived every attack\n");
}
