// Typed copies between the hypervisor and the calling guest's virtual
// memory, fault-safe (arch guest_copy): a bad pointer gives false, which the
// hypercall turns into -EFAULT.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "arch/x86_32/include/guest_copy.hpp"

// Arguments of a few words (an event port, a poll request) are read with
// inline loads: a call into the general copy cost a hypercall about 35
// instructions per argument. Always inlined: the loads' fix-up entries
// must not point into an out-of-line copy the linker may discard.
template <typename T>
[[nodiscard, gnu::always_inline]] inline bool copy_from_guest(T& dst, uint32_t gva)
{
    if constexpr (sizeof(T) % 4 == 0 && sizeof(T) <= 24) { // up to a gnttab_copy_t
        // Each word goes straight into dst (through a buffer the compiler
        // kept it on the stack and copied it again): when false, dst may
        // hold part of the guest's bytes.
        constexpr size_t words = sizeof(T) / 4;
        if (!arch::guest_range_ok(gva, sizeof(T)))
            return false;
        uint32_t faulted = 0;
        auto* out = reinterpret_cast<unsigned char*>(&dst);
#pragma GCC unroll 6
        for (size_t i = 0; i < words; ++i) {
            uint32_t w = arch::load_guest_u32_noting(gva + 4 * i, faulted);
            __builtin_memcpy(out + 4 * i, &w, 4);
        }
        return faulted == 0;
    } else {
        return arch::copy_from_guest_raw(&dst, gva, sizeof(T)) == 0;
    }
}

// A status or result of two or four bytes is one inline store (a grant
// op's status after every op of a batch).
template <typename T>
[[nodiscard]] bool copy_to_guest(uint32_t gva, const T& src)
{
    if constexpr (sizeof(T) == 4 || sizeof(T) == 2) {
        using Word = std::conditional_t<sizeof(T) == 4, uint32_t, uint16_t>;
        Word v;
        __builtin_memcpy(&v, &src, sizeof(T));
        return arch::put_guest(gva, v);
    } else {
        return arch::copy_to_guest_raw(gva, &src, sizeof(T)) == 0;
    }
}

[[nodiscard]] inline bool copy_bytes_to_guest(uint32_t gva, const void* src, size_t n)
{
    return arch::copy_to_guest_raw(gva, src, n) == 0;
}

[[nodiscard]] inline bool copy_bytes_from_guest(void* dst, uint32_t gva, size_t n)
{
    return arch::copy_from_guest_raw(dst, gva, n) == 0;
}
