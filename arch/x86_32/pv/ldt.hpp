// Guest local descriptor tables (MMUEXT_SET_LDT). The LDT's frames are
// typed as descriptor pages (every entry checked, never writable by the
// guest) and mapped into the running CPU's LDT window, which the LDT
// descriptor in the reserved GDT page points at.
#pragma once
#include <cstdint>

struct Vcpu;

namespace arch {

constexpr uint32_t max_ldt_entries = 8192;

// Boot, before any guest L2 copies the hypervisor's slots.
void ldt_init();

// MMUEXT_SET_LDT (and VCPUOP_initialise): base (page aligned) and entry
// count, the frames found through v's own page tables; 0 entries unloads
// it. Returns 0 or a negative Xen errno.
[[nodiscard]] long set_ldt(Vcpu& v, uint32_t base, uint32_t ents);

// Loads v's LDT on this CPU (context switch).
void load_ldt(Vcpu& v);

} // namespace arch
