// The machine's frames as the rest of the hypervisor sees them: the frame
// table (one Page per machine frame, at HV_FRAMETABLE_START) and the frame
// allocator over it. Set up once at boot by arch::memory_init()
// (arch/x86_32/boot/mm_boot.hpp); defined on the arch side.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_alloc.hpp"
#include "hypervisor/mm/page.hpp"

// A block of 2^order frames aligned to its size, or invalid_mfn. Zone::direct
// frames are reachable through the direct map; others through the map
// cache (arch/x86_32/mm/mapcache.hpp).
[[nodiscard]] Mfn alloc_frames(unsigned order, Zone z);
// The same, wholly below machine frame 'limit'.
[[nodiscard]] Mfn alloc_frames_below(unsigned order, uint32_t limit);
// Refuses (false, logged by the caller if it cares) a double free, a wrong
// order, a reserved or out-of-range frame.
[[nodiscard]] bool free_frames(Mfn m, unsigned order);

// Descriptors exist for frames [0, max_mfn()); nullptr beyond.
Page* mfn_to_page(Mfn m);
uint32_t max_mfn();
Frame_allocator& frame_allocator();
