// Temporary mappings of any machine frame, including frames above 4 GiB and
// above the direct map, through per-CPU slots in the map cache window
// (HV_MAPCACHE_START..END, boot/layout.h).
//
// Each CPU owns a fixed run of slots, so mapping needs no lock and no
// cross-CPU TLB shootdown: a slot is only ever used, changed and flushed
// (local INVLPG) by its own CPU. A mapping is therefore only valid on the
// CPU that made it, and must be undone there, before that CPU blocks or
// switches context. Frames inside the direct map are returned directly.
// An undone mapping stays in its slot's PTE until the slot is needed for
// another frame (flushed then): mapping a frame again soon, in its
// preferred slot, writes no PTE.
//
// The last four slots of each CPU's run are the L2 window (map_l2_window):
// walks of the current address space read the L2 an L3 entry names there.
#pragma once
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/mm/frame.hpp"

namespace arch {

// Each CPU's run of slots in the window: the map cache's, then the L2
// window's, one per PAE L3 entry.
constexpr unsigned mapcache_run = 16;
constexpr unsigned mapcache_slots_per_cpu = 12;
constexpr unsigned l2_window_first = mapcache_slots_per_cpu;
static_assert(l2_window_first + 4 == mapcache_run);

namespace mapcache {
// The per-CPU state, for the inline hit below (mapcache.cpp owns it).
// in_use[cpu] bit i: slot i of that CPU holds a mapping. tag[slot]: the
// frame the slot's PTE still maps (invalid_mfn: none); an unmapped slot
// keeps its PTE, so mapping the same frame there again writes none.
extern uint32_t in_use[max_cpus];
extern Mfn tag[max_cpus * mapcache_run];

// A slot is claimed and given back by one bit operation on this CPU's
// mask: one instruction, so an interrupt handler that maps frames too
// (and always unmaps them before it returns) sees the bit either before
// or after, never half-changed, and no masking of interrupts is needed.
// Other CPUs never touch the mask, so no lock prefix either.
inline bool claim(uint32_t& mask, uint32_t bit)
{
    bool was;
    asm volatile("btsl %2, %0" : "+m"(mask), "=@ccc"(was) : "r"(bit) : "memory");
    return !was;
}
// Whether the slot was in use (clearing a clear bit changes nothing).
inline bool release(uint32_t& mask, uint32_t bit)
{
    bool was;
    asm volatile("btrl %2, %0" : "+m"(mask), "=@ccc"(was) : "r"(bit) : "memory");
    return was;
}
inline uintptr_t slot_va(uint32_t slot)
{
    return HV_MAPCACHE_START + (slot << page_shift);
}

// The miss: the frame's preferred slot 'i' is taken (claimed false) or
// maps another frame (claimed true).
[[nodiscard]] void* map_miss(Mfn m, uint32_t i, bool claimed);
[[gnu::cold]] void bad_unmap(const void* va, unsigned cpu);
// The L2 window's slot 'slot' maps another frame than 'l2': it maps l2 now.
void window_miss(uint32_t slot, Mfn l2);
} // namespace mapcache

// Maps a frame above the direct map. The hit, which is most calls (a
// table mapped again soon, in its preferred slot, free and still holding
// it), is inline: a dozen instructions where the call, with its frame and
// the caller's, cost twice that and more.
[[nodiscard]] inline void* map_frame_slot(Mfn m)
{
    if (m == invalid_mfn) // any other 32-bit frame number is below 2^52
        return nullptr;
    unsigned cpu = this_cpu().index;
    // Each frame has a preferred slot among the first eight, where a
    // recent mapping of it may still be: taken as it is when free. (The
    // others are taken when a preferred one is in use.)
    uint32_t i = raw(m) % 8;
    if (!mapcache::claim(mapcache::in_use[cpu], i))
        return mapcache::map_miss(m, i, false);
    uint32_t slot = cpu * mapcache_run + i;
    if (mapcache::tag[slot] != m)
        return mapcache::map_miss(m, i, true);
    return reinterpret_cast<void*>(mapcache::slot_va(slot));
}
inline void unmap_frame_slot(const void* va)
{
    uintptr_t a = reinterpret_cast<uintptr_t>(va);
    uint32_t slot = static_cast<uint32_t>(a - HV_MAPCACHE_START) >> page_shift;
    unsigned cpu = this_cpu().index;
    // One test covers another CPU's slot and an address outside the
    // window: below it the subtraction wraps, above it the slot is past
    // the last CPU's (the window holds max_cpus runs of slots). The PTE
    // stays (tag): only this CPU's hypervisor code uses the slot, and only
    // through a later map_frame, which rewrites it first for any other
    // frame.
    // An L2 window slot's bit is never set: unmapping one is refused too.
    if (slot / mapcache_run != cpu ||
        !mapcache::release(mapcache::in_use[cpu], slot % mapcache_run))
        mapcache::bad_unmap(va, cpu);
}

// Installs the map cache's L1 tables into boot_l2_high. Boot, once, before
// any guest L2 is made from boot_l2_high.
void mapcache_init();

// A writable mapping of 'm', or nullptr (and a logged warning) when this
// CPU's slots are all in use or 'm' is invalid.
// Inline for the direct map, where most frames of a small machine are.
[[nodiscard]] inline void* map_frame(Mfn m)
{
    if (raw(m) < (HV_DIRECTMAP_SIZE >> page_shift))
        return phys_to_virt<void>(raw(m) << page_shift);
    return map_frame_slot(m);
}
// Undoes map_frame(); 'va' may point anywhere inside the mapped frame.
inline void unmap_frame(const void* va)
{
    if (reinterpret_cast<uintptr_t>(va) < HV_DIRECTMAP_START) // else handed out directly
        unmap_frame_slot(va);
}

// The L2 that L3 entry 'l3_slot' (0..3) of the current vCPU's tables names,
// frame 'l2', read-only, for a walk of that address space (update_va_mapping
// and the writable page-table fault find the L1 that maps an address so):
// no claim and no release, as only such walks use the window, never from
// an interrupt handler, and one at a time. Valid until the next call on
// this CPU for the same L3 slot; the slot's PTE is rewritten only when it
// named another frame. A walk through the map cache cost twice as much.
[[nodiscard]] inline const uint64_t* map_l2_window(unsigned l3_slot, Mfn l2)
{
    if (raw(l2) < (HV_DIRECTMAP_SIZE >> page_shift))
        return phys_to_virt<const uint64_t>(raw(l2) << page_shift);
    uint32_t slot = this_cpu().index * mapcache_run + l2_window_first + (l3_slot & 3);
    if (mapcache::tag[slot] != l2)
        mapcache::window_miss(slot, l2);
    return reinterpret_cast<const uint64_t*>(mapcache::slot_va(slot));
}

// Free slots left for the calling CPU (for tests and diagnostics).
unsigned mapcache_free_slots();

class [[nodiscard]] Frame_mapping {
public:
    explicit Frame_mapping(Mfn m) : va_(map_frame(m)) {}
    ~Frame_mapping()
    {
        if (va_)
            unmap_frame(va_);
    }
    Frame_mapping(const Frame_mapping&) = delete;
    Frame_mapping& operator=(const Frame_mapping&) = delete;

    explicit operator bool() const { return va_ != nullptr; }
    void* get() const { return va_; }
    template <typename T> T* as() const { return static_cast<T*>(va_); }

private:
    void* va_;
};

} // namespace arch
