// Typed copies between the hypervisor and the calling guest's virtual
// memory, fault-safe (arch guest_copy): a bad pointer gives false, which the
// hypercall turns into -EFAULT.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86_32/include/guest_copy.hpp"

template <typename T>
[[nodiscard]] bool copy_from_guest(T& dst, uint32_t gva)
{
    return arch::copy_from_guest_raw(&dst, gva, sizeof(T)) == 0;
}

template <typename T>
[[nodiscard]] bool copy_to_guest(uint32_t gva, const T& src)
{
    return arch::copy_to_guest_raw(gva, &src, sizeof(T)) == 0;
}

[[nodiscard]] inline bool copy_bytes_to_guest(uint32_t gva, const void* src, size_t n)
{
    return arch::copy_to_guest_raw(gva, src, n) == 0;
}

[[nodiscard]] inline bool copy_bytes_from_guest(void* dst, uint32_t gva, size_t n)
{
    return arch::copy_from_guest_raw(dst, gva, n) == 0;
}
