// Validation of guest segment descriptors (GDT and LDT entries installed by
// set_gdt, update_descriptor, or in frames typed as descriptor pages).
// Rules as Xen's x86_32 check_descriptor:
//   - a not-present descriptor is harmless;
//   - DPL 0 is raised to 1 (the guest kernel's ring): nothing a guest
//     installs can give ring 0;
//   - code/data segments must lie below GUEST_SEGMENT_MAX_ADDR (the end of
//     the read-only M2P, 0xF6800000); a limit reaching beyond is truncated
//     (expand-down data segments must not reach below it either);
//   - type 0 is allowed (the upper half of a call gate); of the system
//     types only 32-bit call gates are allowed, and only to a code selector
//     of the guest's own descriptor tables or the flat ring-1/3 code
//     segments, with no parameters copied;
//   - TSS, LDT, interrupt and trap gates, 16-bit gates are refused.
#pragma once
#include <cstdint>

constexpr uint32_t guest_segment_max_addr = 0xF6800000u;

// Checks and, where Xen does, fixes up 'd' in place. False: refuse it.
[[nodiscard]] bool check_descriptor(uint64_t& d);
