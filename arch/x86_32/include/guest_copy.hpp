// Copies between hypervisor memory and a guest's linear address space.
// Guests run on the same page tables as the hypervisor, so these are plain
// moves; a fault on the guest side ends the copy through the exception
// fix-up table instead of crashing the hypervisor.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86_32/include/guest_range.hpp"

namespace arch {

// Both return the number of bytes NOT copied: 0 on success, n when the
// range reaches HYPERVISOR_VIRT_START or wraps (checked before any access),
// otherwise how much was left when the guest side faulted.
[[nodiscard]] size_t copy_from_guest_raw(void* dst, uint32_t guest_va, size_t n);
[[nodiscard]] size_t copy_to_guest_raw(uint32_t guest_va, const void* src, size_t n);
} // namespace arch

// copy_bytes.S: one aligned store, 0 when done, 1 when it faulted.
extern "C" uint32_t xenith_put_u32(uint32_t* dst, uint32_t value);

namespace arch {

// One 32-bit store into guest memory; false if refused or it faulted.
// Inline: multicall writes every entry's result with it.
[[nodiscard]] inline bool put_guest_u32(uint32_t guest_va, uint32_t value)
{
    return guest_range_ok(guest_va, 4) &&
           xenith_put_u32(reinterpret_cast<uint32_t*>(guest_va), value) == 0;
}

} // namespace arch
