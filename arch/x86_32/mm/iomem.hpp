// Which frames outside RAM (device memory, firmware areas) a domain may map
// (Xen's iomem_caps, dom0_setup_permissions): the hardware domain all but
// the hypervisor's own devices, the local APIC, every IO-APIC and the MSI
// address window, whose registers would let it take interrupts and other
// CPUs from the hypervisor, and what the firmware calls unusable. Other
// domains get none (no iomem_permission domctl yet).
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"

struct Domain;

namespace arch {

// False if the domain's set cannot hold the ranges.
[[nodiscard]] bool iomem_init_hardware_domain(Domain& d);
bool iomem_permitted(const Domain& d, Mfn m);

} // namespace arch
