// What a domain holds of the x86 machine beyond the core's view of it
// (Xen's struct arch_domain): the I/O ports it reaches directly and the
// latches of the port pairs the hypervisor mediates for it.
#pragma once
#include <cstdint>

#include "hypervisor/lib/rangeset.hpp"

namespace arch {

struct Arch_domain {
    // Ports the domain's port I/O reaches directly (Xen's ioports rangeset,
    // ioports_access_permitted); empty for a domain given none.
    Rangeset io_ports;
    // Machine frames outside RAM it may map (Xen's iomem_caps,
    // iomem_access_permitted); empty for a domain given none.
    Rangeset io_mem;
    // XEN_X86_EMU_* it was created with (a PV domain: PIT or nothing).
    uint32_t emulation_flags = 0;
    // The RTC index the domain last wrote to port 0x70 (Xen's cmos_idx).
    uint8_t cmos_index = 0;
    // The dword it last wrote to CONFIG_ADDRESS, port 0xCF8 (Xen's pci_cf8).
    uint32_t pci_cf8 = 0;
};

} // namespace arch
