// HYPERVISOR_memory_op: the memory map, reservation queries for DOMID_SELF
// and a missing domain, and giving a page back and getting one again; long
// reservation calls stop for a pending event and are continued, and the
// start extent in cmd's high bits. How the reservation calls answer bad
// arguments is in memory_errors.cpp.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "upcall_probe.hpp"

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
    CHECK_EQ(hc::memory_op(XENMEM_memory_map, nullptr), -XEN_EFAULT,
             "XENMEM_memory_map, NULL: -EFAULT");

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
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, list, 1), 1,
             "XENMEM_populate_physmap: 1 done");
    const uint32_t mfn = list[0];
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &self), pages, "  back to the old count");
    set_p2m(pfn, mfn);
    mmu_update_t m2p = {(uint64_t{mfn} << 12) | MMU_MACHPHYS_UPDATE, pfn};
    CHECK_EQ(hc::mmu_update(&m2p, 1, nullptr, DOMID_SELF), 0,
             "MMU_MACHPHYS_UPDATE for the new frame");
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
// 64 pages given back and populated again, each call with an event
// pending: the upcall finds part of the extents done (the reservation
// between its values before and after), and the call is continued to the
// end. Then cmd's start extent (bits 6 and up, what a continuation sets)
// from the guest.
constexpr uint32_t n_pages = 64;
alignas(4096) uint8_t pages64[n_pages][4096];
int32_t before;
domid_t self = DOMID_SELF;
uint32_t given_back()
{
    return static_cast<uint32_t>(before - hc::memory_op(XENMEM_current_reservation, &self));
}
uint32_t populated()
{
    return n_pages - given_back();
}

// Puts frame 'mfn' behind the image's page: p2m, M2P and the mapping.
bool map_page(uint8_t* page, uint32_t mfn)
{
    uint32_t pfn = virt_to_pfn(page);
    set_p2m(pfn, mfn);
    mmu_update_t m2p = {(uint64_t{mfn} << 12) | MMU_MACHPHYS_UPDATE, pfn};
    return hc::mmu_update(&m2p, 1, nullptr, DOMID_SELF) == 0 &&
           hc::update_va_mapping(hc::arg(page), (uint64_t{mfn} << 12) | pte_kernel_rw,
                                 UVMF_INVLPG) == 0;
}

void test_continued()
{
    static xen_pfn_t list[n_pages];
    bool unmapped = true;
    for (uint32_t i = 0; i < n_pages; ++i) {
        unmapped = unmapped && hc::update_va_mapping(hc::arg(pages64[i]), 0, UVMF_INVLPG) == 0;
        list[i] = pfn_to_mfn(virt_to_pfn(pages64[i]));
    }
    CHECK(unmapped, "unmap 64 pages of the image");
    before = hc::memory_op(XENMEM_current_reservation, &self);
    upcall_probe::arm(given_back);
    int32_t rc = reservation_op(XENMEM_decrease_reservation, list, n_pages);
    upcall_probe::Seen seen = upcall_probe::disarm();
    CHECK_EQ(rc, static_cast<int32_t>(n_pages),
             "decrease_reservation of 64, an event pending: 64 done");
    CHECK(upcall_probe::part_way(seen, n_pages),
          "  it stopped for the event part-way, was continued");
    CHECK_EQ(seen.progress, 1, "  after its first extent");
    CHECK_EQ(given_back(), n_pages, "  64 pages fewer");

    for (uint32_t i = 0; i < n_pages; ++i)
        list[i] = virt_to_pfn(pages64[i]);
    upcall_probe::arm(populated);
    rc = reservation_op(XENMEM_populate_physmap, list, n_pages);
    seen = upcall_probe::disarm();
    CHECK_EQ(rc, static_cast<int32_t>(n_pages),
             "populate_physmap of 64, an event pending: 64 done");
    CHECK(upcall_probe::part_way(seen, n_pages), "  continued part-way");
    CHECK_EQ(seen.progress, 1, "  after its first extent");
    CHECK_EQ(given_back(), 0, "  the reservation as before");
    bool mapped = true;
    for (uint32_t i = 0; i < n_pages; ++i) {
        mapped = mapped && map_page(pages64[i], list[i]);
        pages64[i][0] = static_cast<uint8_t>(i);
    }
    CHECK(mapped, "  the 64 new frames mapped where the old ones were");

    // A start extent from the guest: the extents before it are not looked
    // at, and the count returned includes them.
    for (uint32_t i = 0; i < 4; ++i) {
        CHECK_EQ(hc::update_va_mapping(hc::arg(pages64[i]), 0, UVMF_INVLPG), 0, "unmap a page");
        list[i] = pfn_to_mfn(virt_to_pfn(pages64[i]));
    }
    list[0] = list[1] = 0xFFFFFFFu; // not ours: would stop the call
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation | (2u << 6), list, 4), 4,
             "decrease_reservation of 4 from extent 2 (two bad before it): 4");
    CHECK_EQ(given_back(), 2, "  two pages fewer");
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation | (4u << 6), list, 4), 4,
             "a start at the end: 4, nothing done");
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation | (9u << 6), list, 4), 9,
             "a start past the end: the start, nothing done");
    CHECK_EQ(given_back(), 2, "  still two fewer");
    list[2] = virt_to_pfn(pages64[2]);
    list[3] = virt_to_pfn(pages64[3]);
    CHECK_EQ(reservation_op(XENMEM_populate_physmap | (2u << 6), list, 4), 4,
             "populate_physmap of the two from extent 2: 4");
    CHECK_EQ(given_back(), 0, "  the reservation as before");
    CHECK_EQ(hc::memory_op(XENMEM_maximum_ram_page | (1u << 6), nullptr), -XEN_EINVAL,
             "XENMEM_maximum_ram_page with a start extent: -EINVAL, as Xen");
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation | (1u << 6), &self), -XEN_EINVAL,
             "XENMEM_current_reservation with a start extent: -EINVAL");
    CHECK_EQ(hc::memory_op(XENMEM_exchange | (1u << 6), nullptr), -XEN_EINVAL,
             "XENMEM_exchange with a start extent: -EINVAL");
    static xen_e820_entry_t e820[4];
    xen_memory_map_t map = {4, 0};
    set_xen_guest_handle(map.buffer, e820);
    CHECK_EQ(hc::memory_op(XENMEM_memory_map | (1u << 6), &map), -XEN_ENOSYS,
             "XENMEM_memory_map with a start extent: -ENOSYS (an arch op sees the whole cmd)");
    // Pages 0 and 1 kept their frames; 2 and 3 have new ones.
    for (uint32_t i = 0; i < 4; ++i)
        CHECK(map_page(pages64[i], i < 2 ? pfn_to_mfn(virt_to_pfn(pages64[i])) : list[i]),
              "  map the page again");
    CHECK(pages64[0][0] == 0 && pages64[1][0] == 1, "  pages 0 and 1 kept what they held");
}
} // namespace

void guest_main(start_info_t* si)
{
    test_queries(si);
    test_reservation();
    test_continued();
}
