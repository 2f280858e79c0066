#include "tools/dom0/dom0_dma.hpp"

#include "hypercall.hpp"
#include "shared.hpp"

namespace dom0 {

namespace {

alignas(4096) uint8_t pool[Dma_pool::nr_pages][net::page_size];

// Device-visible memory of a 32-bit device stays below 4 GiB (the legacy
// virtio queue address is a 32-bit page number; this is also what old
// PCI masters need).
constexpr unsigned dma_address_bits = 32;

uint32_t va_of(size_t i)
{
    return hc::arg(pool[i]);
}

} // namespace

bool Dma_pool::make_contiguous(size_t first, unsigned order, uint32_t& mfn)
{
    const size_t n = size_t{1} << order;
    xen_pfn_t in[1u << max_order];
    xen_pfn_t out[1] = {0};
    for (size_t i = 0; i < n; ++i) {
        in[i] = pfn_to_mfn(virt_to_pfn(pool[first + i]));
        // XENMEM_exchange takes only frames nobody maps.
        if (hc::update_va_mapping(va_of(first + i), 0, UVMF_INVLPG) != 0)
            return false;
    }
    xen_memory_exchange_t x = {};
    set_xen_guest_handle(x.in.extent_start, in);
    x.in.nr_extents = n;
    x.in.extent_order = 0;
    x.in.domid = DOMID_SELF;
    set_xen_guest_handle(x.out.extent_start, out);
    x.out.nr_extents = 1;
    x.out.extent_order = order;
    x.out.mem_flags = XENMEMF_address_bits(dma_address_bits);
    x.out.domid = DOMID_SELF;
    const bool traded = hc::memory_op(XENMEM_exchange, &x) == 0 && x.nr_exchanged == n;
    // Traded or not, the pages are mapped again: to the new extent, or (a
    // refusal leaves the frames with us) to the old frames.
    bool ok = true;
    for (size_t i = 0; i < n; ++i) {
        const uint32_t pfn = virt_to_pfn(pool[first + i]);
        const uint32_t m =
            traded ? static_cast<uint32_t>(out[0] + i) : static_cast<uint32_t>(in[i]);
        if (traded) {
            set_p2m(pfn, m);
            mmu_update_t u = {(uint64_t{m} << 12) | MMU_MACHPHYS_UPDATE, pfn};
            ok = hc::mmu_update(&u, 1, nullptr, DOMID_SELF) == 0 && ok;
        }
        const uint64_t pte = (uint64_t{m} << 12) | pte_kernel_rw;
        if (hc::update_va_mapping(va_of(first + i), pte, UVMF_INVLPG) != 0)
            ok = false;
    }
    mfn = static_cast<uint32_t>(out[0]);
    return traded && ok;
}

bool Dma_pool::alloc(size_t pages, net::Dma_region& out)
{
    if (pages == 0 || pages > (size_t{1} << max_order))
        return false;
    unsigned order = 0;
    while ((size_t{1} << order) < pages)
        ++order;
    const size_t n = size_t{1} << order;
    if (n > nr_pages - next_)
        return false;
    const size_t first = next_;
    next_ += n; // even on failure: a half-traded run is not handed out again
    uint32_t mfn = 0;
    if (order == 0)
        mfn = pfn_to_mfn(virt_to_pfn(pool[first]));
    else if (!make_contiguous(first, order, mfn))
        return false;
    __builtin_memset(pool[first], 0, n * net::page_size);
    out.va = pool[first];
    out.ma = uint64_t{mfn} << 12;
    return true;
}

} // namespace dom0
