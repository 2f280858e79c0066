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
#pragma once
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/mm/frame.hpp"

namespace arch {

constexpr unsigned mapcache_slots_per_cpu = 16;

// The slow halves of map_frame/unmap_frame (frames above the direct map).
[[nodiscard]] void* map_frame_slot(Mfn m);
void unmap_frame_slot(const void* va);

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
    template <typename T>
    T* as() const { return static_cast<T*>(va_); }

private:
    void* va_;
};

} // namespace arch
