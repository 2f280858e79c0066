#include "arch/x86_32/mm/frametable.hpp"

#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/mm/mm.hpp"

namespace arch {
namespace {

constexpr uint32_t window_frames = (HV_FRAMETABLE_END - HV_FRAMETABLE_START) / sizeof(Page);
constexpr uint32_t ptes_per_l1 = 512;

Page* const table = reinterpret_cast<Page*>(HV_FRAMETABLE_START);
uint32_t table_frames_in_use;  // descriptors that exist: [0, this)
constinit Frame_allocator allocator;

constexpr uint32_t frames_for(uint64_t bytes) { return static_cast<uint32_t>((bytes + page_size - 1) >> page_shift); }

void zero_direct(uint64_t phys, uint32_t frames)
{
    uint32_t* p = phys_to_virt<uint32_t>(static_cast<uint32_t>(phys));
    uint32_t words = frames * (page_size / 4);
    asm volatile("rep stosl" : "+D"(p), "+c"(words) : "a"(0) : "memory");
}

// Frames for the table's own descriptors, in chunks as large as the map
// allows, from the top of memory: they are only reached through the
// frame-table window, so they need not be low.
bool back_table(Memory_map& avail, pte_t* l1, uint32_t table_frames, uint64_t limit)
{
    uint32_t done = 0;
    uint32_t chunk = ptes_per_l1;
    while (done < table_frames) {
        if (chunk > table_frames - done)
            chunk = table_frames - done;
        uint64_t pa = avail.take(static_cast<uint64_t>(chunk) << page_shift, page_size, limit);
        if (pa == Memory_map::no_addr) {
            if (chunk == 1)
                return false;
            chunk /= 2;
            continue;
        }
        for (uint32_t i = 0; i < chunk; ++i)
            l1[done + i] = (pa + (static_cast<uint64_t>(i) << page_shift)) | PTE_P | PTE_RW |
                           PTE_A | PTE_D | PTE_G;
        done += chunk;
    }
    return true;
}

void mark_frames(const Memory_map& ram, uint32_t nr)
{
    for (uint32_t f = 0; f < nr; ++f)
        init_page(table[f], Frame_state::absent);
    for (unsigned i = 0; i < ram.count(); ++i) {
        uint64_t s = ram[i].start >> page_shift;
        uint64_t e = ram[i].end >> page_shift;
        for (uint64_t f = s; f < e && f < nr; ++f)
            table[f].state = Frame_state::reserved;
    }
}

} // namespace

bool frame_table_init(const Memory_map& ram, Memory_map& avail, Frame_table_info& out)
{
    uint64_t top = ram.highest_end() >> page_shift;
    uint32_t nr = top > window_frames ? window_frames : static_cast<uint32_t>(top);
    uint32_t table_frames = frames_for(static_cast<uint64_t>(nr) * sizeof(Page));
    uint32_t l1_frames = (table_frames + ptes_per_l1 - 1) / ptes_per_l1;
    uint64_t limit = static_cast<uint64_t>(nr) << page_shift;

    // The L1 tables are written through the direct map, so they come from
    // below 72 MiB; the descriptors themselves may live anywhere.
    uint64_t l1_pa = avail.take(static_cast<uint64_t>(l1_frames) << page_shift, page_size,
                                HV_DIRECTMAP_SIZE);
    if (l1_pa == Memory_map::no_addr) {
        log::error("frame table: no %u frames below 72 MiB for its page tables", l1_frames);
        return false;
    }
    zero_direct(l1_pa, l1_frames);
    auto* l1 = phys_to_virt<pte_t>(static_cast<uint32_t>(l1_pa));
    if (!back_table(avail, l1, table_frames, limit)) {
        log::error("frame table: not enough RAM for %u frames of descriptors", table_frames);
        return false;
    }
    // These L2 slots were empty since boot: no stale translation to flush.
    for (uint32_t i = 0; i < l1_frames; ++i)
        boot_l2_high[l2_slot(HV_FRAMETABLE_START) + i] =
            (l1_pa + (static_cast<uint64_t>(i) << page_shift)) | PTE_P | PTE_RW;

    mark_frames(ram, nr);

    size_t words = Frame_allocator::bitmap_words(nr);
    uint32_t bitmap_frames = frames_for(words * 4);
    uint64_t bm_pa = avail.take(static_cast<uint64_t>(bitmap_frames) << page_shift, page_size,
                                HV_DIRECTMAP_SIZE);
    if (bm_pa == Memory_map::no_addr ||
        !allocator.init(table, nr, phys_to_virt<uint32_t>(static_cast<uint32_t>(bm_pa)), words)) {
        log::error("frame table: no %u frames below 72 MiB for the allocator bitmap", bitmap_frames);
        return false;
    }
    table_frames_in_use = nr;
    for (unsigned i = 0; i < avail.count(); ++i) {
        uint64_t s = avail[i].start >> page_shift;
        uint64_t e = avail[i].end >> page_shift;
        if (s < nr)
            (void)allocator.add_free(Mfn{static_cast<uint32_t>(s)},
                                     static_cast<uint32_t>((e < nr ? e : nr) - s));
    }
    out = {nr, table_frames, l1_frames, bitmap_frames};
    return true;
}

} // namespace arch

// Frames go back with a TLB stamp and come out only once no CPU can still
// reach them through a translation of their previous use.
Mfn alloc_frames(unsigned order, Zone z)
{
    Mfn m = arch::allocator.alloc(order, z);
    if (m != invalid_mfn)
        arch::tlb_flush_stale(m, 1u << order);
    return m;
}

Mfn alloc_frames_below(unsigned order, uint32_t limit)
{
    Mfn m = arch::allocator.alloc_below(order, limit);
    if (m != invalid_mfn)
        arch::tlb_flush_stale(m, 1u << order);
    return m;
}

bool free_frames(Mfn m, unsigned order)
{
    arch::tlb_stamp(m, 1u << order);
    return arch::allocator.free(m, order);
}
Page* mfn_to_page(Mfn m) { return raw(m) < arch::table_frames_in_use ? &arch::table[raw(m)] : nullptr; }
uint32_t max_mfn() { return arch::table_frames_in_use; }
Frame_allocator& frame_allocator() { return arch::allocator; }
