// The machine's memory as the boot code found it, for the privileged
// domain's view of the host (XENMEM_machine_memory_map).
#pragma once
#include "hypervisor/boot/e820.hpp"
#include "hypervisor/boot/memmap.hpp"

namespace arch {

// Every usable RAM range of the machine (page aligned, sorted).
const Memory_map& machine_ram_map();
// The firmware's whole map with its types, as the loader passed it.
const E820_map& machine_e820();

} // namespace arch
