// The exception fix-up table: pairs {faulting eip, fix-up eip} that the
// linker collects from every .extable section (boot/xenith.ld). A #PF or
// #GP taken in ring 0 at a listed eip resumes at its fix-up instead of
// being fatal.
#pragma once
#include <cstdint>

namespace arch {

struct Extable_entry {
    uint32_t fault_eip;
    uint32_t fixup_eip;
};

// Returns the fix-up for 'eip', or 0 if there is none.
uint32_t search_extable(uint32_t eip);

} // namespace arch
