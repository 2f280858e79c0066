// The machine's memory as the boot code found it, for the privileged
// domain's view of the host (XENMEM_machine_memory_map).
#pragma once
#include "hypervisor/boot/memmap.hpp"

namespace arch {

// Every usable RAM range of the machine (page aligned, sorted).
const Memory_map& machine_ram_map();

} // namespace arch
