// HYPERVISOR_memory_op: the memory map, reservation queries for DOMID_SELF
// and a missing domain, and giving a page back and getting one again. How
// the reservation calls answer bad arguments is in pending.cpp.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"

namespace {
alignas(4096) uint8_t victim[4096]; // the page given back and repopulated

int32_t reservation_op(uint32_t op, xen_pfn_t* list, uint32_t n)
{
    xen_memory_reservation_t r = {};
    set_xen_guest_handle(r.extent_start, list);
    r.nr_extents = n;
    r.domid = DOMID_SELF;
    return hc::memory_op(op, &r);
}

void test_queries(start_info_t* si)
{
    static xen_e820_entry_t e820[16];
    xen_memory_map_t map = {16, 0};
    set_xen_guest_handle(map.buffer, e820);
    int32_t rc = hc::memory_op(XENMEM_memory_map, &map);
    // A PV domain without a map set by the toolstack gets -ENOSYS (Xen's
    // backwards-compatible answer); otherwise entries were written.
    CHECK(rc == 0 || rc == -XEN_ENOSYS, "XENMEM_memory_map: 0 or -ENOSYS");
    if (rc == 0)
        CHECK(map.nr_entries >= 1 && map.nr_entries <= 16, "  1..16 entries written");
    CHECK_EQ(hc::memory_op(XENMEM_memory_map, nullptr), -XEN_EFAULT, "XENMEM_memory_map, NULL: -EFAULT");

    CHECK(hc::memory_op(XENMEM_maximum_ram_page, nullptr) > 0, "XENMEM_maximum_ram_page > 0");

    static domid_t dom = DOMID_SELF;
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &dom), si->nr_pages,
             "XENMEM_current_reservation(DOMID_SELF) == start_info.nr_pages");
    CHECK(hc::memory_op(XENMEM_maximum_reservation, &dom) >= static_cast<int32_t>(si->nr_pages),
          "XENMEM_maximum_reservation(DOMID_SELF) >= nr_pages");
    dom = 0x1234;
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &dom), -XEN_ESRCH,
             "XENMEM_current_reservation(missing domain): -ESRCH");
    CHECK_EQ(hc::memory_op(XENMEM_maximum_reservation, &dom), -XEN_ESRCH,
             "XENMEM_maximum_reservation(missing domain): -ESRCH");
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, reinterpret_cast<void*>(0x1000)),
             -XEN_EFAULT, "XENMEM_current_reservation, unmapped: -EFAULT");
    CHECK_EQ(hc::memory_op(63, nullptr), -XEN_ENOSYS, "unknown XENMEM op 63: -ENOSYS");
}

void test_reservation()
{
    static domid_t self = DOMID_SELF;
    const int32_t pages = hc::memory_op(XENMEM_current_reservation, &self);
    const uint32_t va = hc::arg(victim);
    const uint32_t pfn = virt_to_pfn(victim);
    static xen_pfn_t list[1];

    // Give the page back: unmap it first, then its (machine) frame goes.
    CHECK_EQ(hc::update_va_mapping(va, 0, UVMF_INVLPG), 0, "unmap the victim page");
    list[0] = pfn_to_mfn(pfn);
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation, list, 1), 1,
             "XENMEM_decrease_reservation of one owned frame: 1 done");
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &self), pages - 1, "  one page fewer");
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation, list, 1), 0,
             "decrease_reservation of a frame no longer owned: 0 done");
    set_p2m(pfn, ~0u);

    // Populate the hole again: Xen returns the new frame in the list.
    list[0] = pfn;
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, list, 1), 1, "XENMEM_populate_physmap: 1 done");
    const uint32_t mfn = list[0];
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &self), pages, "  back to the old count");
    set_p2m(pfn, mfn);
    mmu_update_t m2p = {(uint64_t{mfn} << 12) | MMU_MACHPHYS_UPDATE, pfn};
    CHECK_EQ(hc::mmu_update(&m2p, 1, nullptr, DOMID_SELF), 0, "MMU_MACHPHYS_UPDATE for the new frame");
    CHECK_EQ(hc::update_va_mapping(va, (uint64_t{mfn} << 12) | pte_kernel_rw, UVMF_INVLPG), 0,
             "map the new frame");
    victim[0] = 0x5a;
    victim[4095] = 0xa5;
    CHECK(victim[0] == 0x5a && victim[4095] == 0xa5, "  the new page is writable");

    // increase_reservation adds a frame outside the p2m; give it back.
    list[0] = 0;
    CHECK_EQ(reservation_op(XENMEM_increase_reservation, list, 1), 1,
             "XENMEM_increase_reservation: 1 done");
    CHECK(list[0] != 0 && list[0] != mfn, "  returns a fresh frame");
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &self), pages + 1, "  one page more");
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation, list, 1), 1, "  and it can be given back");
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &self), pages, "  back to the old count");
}
} // namespace

void guest_main(start_info_t* si)
{
    test_queries(si);
    test_reservation();
}
