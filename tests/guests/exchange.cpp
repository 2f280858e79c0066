// XENMEM_exchange as Linux's xen_create_contiguous_region makes it (swiotlb,
// DMA buffers): 2^order pages of the kernel's memory are unmapped, their
// frames traded for one contiguous extent below an address limit, and
// mapped again. Then every way the call refuses, each leaving the frames
// the domain gave as they were.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"

namespace {

constexpr uint32_t nr_pages = 16;
alignas(4096) uint8_t region[nr_pages][4096];
xen_pfn_t in_list[nr_pages], out_list[nr_pages];

const uint32_t* m2p() { return reinterpret_cast<const uint32_t*>(MACH2PHYS_VIRT_START); }
uint32_t pfn_of(uint32_t i) { return virt_to_pfn(region[i]); }
uint32_t va_of(uint32_t i) { return hc::arg(region[i]); }

bool zap(uint32_t first, uint32_t n)
{
    bool ok = true;
    for (uint32_t i = first; i < first + n; ++i) {
        in_list[i - first] = pfn_to_mfn(pfn_of(i));
        ok = ok && hc::update_va_mapping(va_of(i), 0, UVMF_INVLPG) == 0;
    }
    return ok;
}

// Map pages [first, first + n) to mfn0.. and record them, as Linux's
// xen_remap_exchanged_ptes does.
bool remap(uint32_t first, uint32_t n, const uint32_t* mfns)
{
    bool ok = true;
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t pfn = pfn_of(first + i);
        set_p2m(pfn, mfns[i]);
        mmu_update_t u = {(uint64_t{mfns[i]} << 12) | MMU_MACHPHYS_UPDATE, pfn};
        ok = ok && hc::mmu_update(&u, 1, nullptr, DOMID_SELF) == 0;
        ok = ok && hc::update_va_mapping(va_of(first + i), (uint64_t{mfns[i]} << 12) | pte_kernel_rw,
                                         UVMF_INVLPG) == 0;
    }
    return ok;
}

xen_memory_exchange_t make(uint32_t in_n, uint32_t in_order, uint32_t out_n, uint32_t out_order,
                           uint32_t bits)
{
    xen_memory_exchange_t x = {};
    set_xen_guest_handle(x.in.extent_start, in_list);
    x.in.nr_extents = in_n;
    x.in.extent_order = in_order;
    x.in.domid = DOMID_SELF;
    set_xen_guest_handle(x.out.extent_start, out_list);
    x.out.nr_extents = out_n;
    x.out.extent_order = out_order;
    x.out.mem_flags = XENMEMF_address_bits(bits);
    x.out.domid = DOMID_SELF;
    return x;
}

int32_t reservation()
{
    static domid_t self = DOMID_SELF;
    return hc::memory_op(XENMEM_current_reservation, &self);
}

void test_contiguous(uint32_t order, uint32_t bits)
{
    uint32_t n = 1u << order;
    int32_t before = reservation();
    CHECK(zap(0, n), "unmap the pages to trade");
    xen_memory_exchange_t x = make(n, 0, 1, order, bits);
    out_list[0] = pfn_of(0);
    CHECK_EQ(hc::memory_op(XENMEM_exchange, &x), 0, "XENMEM_exchange of single pages for one extent: 0");
    CHECK_EQ(x.nr_exchanged, n, "  nr_exchanged counts every in-extent");
    uint32_t mfn = out_list[0];
    CHECK_EQ(mfn % n, 0, "  the extent is aligned to its size");
    CHECK(uint64_t{mfn + n} <= (uint64_t{1} << (bits - 12)), "  and lies below the address limit");
    bool m2p_ok = true;
    for (uint32_t i = 0; i < n; ++i)
        m2p_ok = m2p_ok && m2p()[mfn + i] == pfn_of(i);
    CHECK(m2p_ok, "  the M2P names the guest pfns the caller gave");
    CHECK_EQ(reservation(), before, "  the domain's page count is unchanged");
    uint32_t mfns[nr_pages];
    for (uint32_t i = 0; i < n; ++i)
        mfns[i] = mfn + i;
    CHECK(remap(0, n, mfns), "  the new frames map again");
    bool zero = true;
    for (uint32_t i = 0; i < n; ++i)
        zero = zero && region[i][0] == 0 && region[i][4095] == 0;
    CHECK(zero, "  and arrive zeroed");
    region[n - 1][100] = 0x5A;
    CHECK_EQ(region[n - 1][100], 0x5A, "  and are writable");
}

// One refused exchange over pages [0, n): the same rc every time, nothing
// changed for the frames given.
void refused(xen_memory_exchange_t x, int32_t want, uint32_t want_done, const char* what)
{
    uint32_t before[nr_pages];
    for (uint32_t i = 0; i < nr_pages; ++i)
        before[i] = pfn_to_mfn(pfn_of(i));
    CHECK_EQ(hc::memory_op(XENMEM_exchange, &x), want, what);
    CHECK_EQ(x.nr_exchanged, want_done, "  nr_exchanged as Xen reports it");
    bool same = true;
    for (uint32_t i = 0; i < nr_pages; ++i)
        same = same && m2p()[before[i]] == pfn_of(i);
    CHECK(same, "  every frame given is still the domain's");
}

void test_refusals()
{
    // Pages 4..7 are mapped: none of these calls may take them.
    for (uint32_t i = 0; i < 4; ++i)
        in_list[i] = pfn_to_mfn(pfn_of(4 + i));
    xen_memory_exchange_t x = make(4, 0, 1, 2, 32);
    x.nr_exchanged = 5;
    refused(x, -XEN_EINVAL, 5, "nr_exchanged beyond the in list: -EINVAL");
    refused(make(4, 0, 1, 1, 32), -XEN_EINVAL, 0, "in and out covering different sizes: -EINVAL");
    x = make(4, 0, 1, 2, 32);
    x.out.domid = 0;
    refused(x, -XEN_EINVAL, 0, "in DOMID_SELF, out domain 0 (the same, spelt differently): -EINVAL");
    refused(make(1, 0, 1, 12, 32), -XEN_EPERM, 0, "an extent order above the domain's maximum: -EPERM");
    refused(make(4, 0, 1, 2, 32), -XEN_EINVAL, 0, "frames still mapped: -EINVAL");
    x = make(4, 0, 1, 2, 32);
    x.in.domid = x.out.domid = 77;
    refused(x, -XEN_ESRCH, 0, "a domain that does not exist: -ESRCH");
    x = make(4, 0, 1, 2, 32);
    x.out.mem_flags |= XENMEMF_node(3);
    refused(x, -XEN_EINVAL, 0, "a NUMA node the machine does not have: -EINVAL");
    x = make(4, 0, 1, 2, 32);
    set_xen_guest_handle(x.in.extent_start, reinterpret_cast<xen_pfn_t*>(0xF5800000u));
    refused(x, -XEN_EFAULT, 0, "an in list in the hypervisor's area: -EFAULT");
    x = make(4, 0, 1, 2, 32);
    set_xen_guest_handle(x.out.extent_start, reinterpret_cast<xen_pfn_t*>(0xFFFFF000u));
    refused(x, -XEN_EFAULT, 0, "an out list in the hypervisor's area: -EFAULT");
    CHECK_EQ(hc::memory_op(XENMEM_exchange, reinterpret_cast<void*>(0xF6000000u)), -XEN_EFAULT,
             "the argument itself in the hypervisor's area: -EFAULT");

    // A frame of the hypervisor's own (the M2P's first chunk) offered in.
    static xen_pfn_t chunk[1];
    xen_machphys_mfn_list_t l = {};
    l.max_extents = 1;
    set_xen_guest_handle(l.extent_start, chunk);
    CHECK_EQ(hc::memory_op(XENMEM_machphys_mfn_list, &l), 0, "find an M2P frame");
    in_list[0] = chunk[0];
    refused(make(1, 0, 1, 0, 0), -XEN_EINVAL, 0, "a frame the domain does not own: -EINVAL");
}

void test_no_memory_below_limit()
{
    // Pages 8..11 unmapped, offered for an extent below 8 KiB: none exists.
    CHECK(zap(8, 4), "unmap four more pages");
    xen_memory_exchange_t x = make(4, 0, 1, 2, 13);
    out_list[0] = pfn_of(8);
    CHECK_EQ(hc::memory_op(XENMEM_exchange, &x), -XEN_ENOMEM, "no extent below the limit: -ENOMEM");
    CHECK_EQ(x.nr_exchanged, 0, "  nothing exchanged");
    bool ours = true;
    for (uint32_t i = 0; i < 4; ++i)
        ours = ours && m2p()[in_list[i]] == pfn_of(8 + i);
    CHECK(ours, "  the frames given are the domain's again");
    // They are: the same pages map back.
    uint32_t mfns[4] = {in_list[0], in_list[1], in_list[2], in_list[3]};
    CHECK(remap(8, 4, mfns), "  and map again");
}

void test_partial()
{
    // Two chunks of two pages each; the second holds a page still mapped
    // (12 and 13 unmapped, 14 unmapped, 15 left mapped).
    CHECK(zap(12, 3), "unmap three pages, leave the fourth mapped");
    in_list[3] = pfn_to_mfn(pfn_of(15));
    xen_memory_exchange_t x = make(4, 0, 2, 1, 32);
    out_list[0] = pfn_of(12);
    out_list[1] = pfn_of(14);
    uint32_t kept[2] = {in_list[2], in_list[3]};
    CHECK_EQ(hc::memory_op(XENMEM_exchange, &x), -XEN_EINVAL, "a chunk with a mapped frame: -EINVAL");
    CHECK_EQ(x.nr_exchanged, 2, "  the chunk before it is done: nr_exchanged 2");
    uint32_t mfn = out_list[0];
    CHECK(mfn % 2 == 0 && m2p()[mfn] == pfn_of(12) && m2p()[mfn + 1] == pfn_of(13),
          "  its new extent is in the M2P at the pfns given");
    CHECK(m2p()[kept[0]] == pfn_of(14) && m2p()[kept[1]] == pfn_of(15),
          "  the failed chunk's frames are still the domain's");
    uint32_t mfns[3] = {mfn, mfn + 1, kept[0]};
    CHECK(remap(12, 3, mfns), "  everything maps again");
}

} // namespace

void guest_main(start_info_t*)
{
    test_contiguous(2, 32);
    test_contiguous(3, 30);
    test_refusals();
    test_no_memory_below_limit();
    test_partial();
}
