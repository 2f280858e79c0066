// Which linear ranges a guest may name: everything below
// HYPERVISOR_VIRT_START (public/arch-x86/xen-x86_32.h). Portable, so the
// rule is unit-tested on the host.
#pragma once
#include <cstddef>
#include <cstdint>

#include "boot/layout.h"

namespace arch {

// True if [va, va + n) lies entirely below HV_VIRT_START without wrapping.
// An empty range is always acceptable.
constexpr bool guest_range_ok(uint32_t va, size_t n)
{
    if (n == 0)
        return true;
    // Compared without forming va + n, which could wrap.
    return n <= HV_VIRT_START && va <= HV_VIRT_START - n;
}

} // namespace arch
