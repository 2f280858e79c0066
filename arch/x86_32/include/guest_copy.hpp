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

// The fix-up of a guest access at label 1: a #PF or #GP there sets
// %[faulted] to 1 and resumes after it (label 2). The fix-up code lives in
// .text.fixup, out of the straight line.
#define XENITH_GUEST_ACCESS_FIXUP \
    "2:\n" \
    ".pushsection .text.fixup, \"ax\"\n" \
    "3: movl $1, %[faulted]\n" \
    "   jmp 2b\n" \
    ".popsection\n" \
    ".pushsection .extable, \"a\"\n" \
    ".align 4\n" \
    ".long 1b, 3b\n" \
    ".popsection"

// One 16- or 32-bit store into guest memory; false if refused or it
// faulted. The store is inline, with its own fix-up table entry: multicall
// writes every entry's result with it, a grant op its status, and a call
// into copy_bytes.S cost a third of a multicall entry's own overhead.
template <typename T>
[[nodiscard]] inline bool put_guest(uint32_t guest_va, T value)
{
    static_assert(sizeof(T) == 2 || sizeof(T) == 4);
    if (!guest_range_ok(guest_va, sizeof(T)))
        return false;
    uint32_t faulted = 0;
    asm volatile("1: mov%z[val] %[val], (%[dst])\n" XENITH_GUEST_ACCESS_FIXUP
                 : [faulted] "+r"(faulted)
                 : [dst] "r"(guest_va), [val] "r"(value)
                 : "memory");
    return faulted == 0;
}

// One 32-bit load from guest memory at an address the caller has range
// checked (guest_range_ok). A fault sets 'faulted' to 1 and leaves it
// alone otherwise, so several loads are checked once. Inline, as
// put_guest.
[[nodiscard, gnu::always_inline]] inline uint32_t load_guest_u32_noting(uint32_t guest_va,
                                                                      uint32_t& faulted)
{
    // After a fault the value is whatever the register held: the caller
    // throws it away.
    uint32_t v;
    asm volatile("1: movl (%[src]), %[val]\n" XENITH_GUEST_ACCESS_FIXUP
                 : [faulted] "+r"(faulted), [val] "=r"(v)
                 : [src] "r"(guest_va)
                 : "memory");
    return v;
}

} // namespace arch
