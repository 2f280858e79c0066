#include "arch/x86_32/mm/ioremap.hpp"

#include "arch/x86_32/include/frame_map.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/lib/spinlock.hpp"

namespace arch {
namespace {

constexpr uint32_t window_pages = (HV_IOREMAP_END - HV_IOREMAP_START) >> 12;
constexpr uint32_t l1_tables = window_pages / 512;

// Statically allocated so firmware tables can be read before any allocator.
alignas(4096) pte_t window_l1[l1_tables][512];
uint32_t next_page;
bool installed;
Spinlock lock;

void install()
{
    for (uint32_t i = 0; i < l1_tables; ++i)
        boot_l2_high[l2_slot(HV_IOREMAP_START) + i] = virt_to_phys(window_l1[i]) | PTE_P | PTE_RW;
    installed = true;
}

} // namespace

void* ioremap(uint64_t phys, size_t len, Cache cache)
{
    if (len == 0 || phys + len < phys || phys + len > (1ull << 52))
        return nullptr;
    uint64_t first = phys & ~0xFFFull;
    uint64_t pages = (phys + len - first + 0xFFF) >> 12;
    Lock_guard<Spinlock> g(lock);
    if (!installed)
        install();
    if (pages > window_pages - next_page)
        return nullptr;
    uint64_t flags = PTE_P | PTE_RW | PTE_G | (cache == Cache::uncached ? PTE_PCD | PTE_PWT : 0);
    for (uint64_t i = 0; i < pages; ++i) {
        uint32_t page = next_page + static_cast<uint32_t>(i);
        window_l1[page / 512][page % 512] = (first + (i << 12)) | flags;
        // A fresh slot was never mapped, but a stale global entry from an
        // earlier boot stage must not survive.
        invlpg(reinterpret_cast<void*>(HV_IOREMAP_START + (page << 12)));
    }
    uintptr_t va = HV_IOREMAP_START + (next_page << 12) + (phys & 0xFFF);
    next_page += static_cast<uint32_t>(pages);
    return reinterpret_cast<void*>(va);
}

// Frames mapped for good share the I/O window: few are asked for (one per
// registered vcpu_info) and none is ever given back.
void* map_frame_global(Mfn m) { return ioremap(mfn_to_paddr(m), page_size, Cache::write_back); }

} // namespace arch
