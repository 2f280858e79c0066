// The machine-to-phys table (M2P): one 32-bit guest frame number per machine
// frame, mapped read-only for every guest at MACH2PHYS_VIRT_START
// (public/arch-x86/xen-x86_32.h). Its backing frames come from the direct
// map, where the hypervisor writes them; guests see 2 MiB read-only pages.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"

namespace arch {

// Xen's INVALID_M2P_ENTRY: the frame belongs to no guest's pseudo-physical map.
constexpr uint32_t m2p_invalid = 0xFFFFFFFFu;

// Boot, after memory_init(), before any guest L2 copies the hypervisor's
// slots. False (logged) if the backing cannot be allocated.
[[nodiscard]] bool m2p_init();

void m2p_set(Mfn m, uint32_t gfn);
uint32_t m2p_get(Mfn m);
bool is_m2p_frame(Mfn m);

// XENMEM_machphys_mfn_list: the first frame of each 2 MiB chunk.
unsigned m2p_chunks();
Mfn m2p_chunk(unsigned i);

} // namespace arch
