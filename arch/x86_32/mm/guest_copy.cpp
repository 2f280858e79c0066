#include "arch/x86_32/include/guest_copy.hpp"

#include "arch/x86_32/include/guest_range.hpp"

extern "C" uint32_t xenith_copy_bytes(void* dst, const void* src, uint32_t n);

namespace arch {

size_t copy_from_guest_raw(void* dst, uint32_t guest_va, size_t n)
{
    if (!guest_range_ok(guest_va, n))
        return n;
    return xenith_copy_bytes(dst, reinterpret_cast<const void*>(guest_va), n);
}

size_t copy_to_guest_raw(uint32_t guest_va, const void* src, size_t n)
{
    if (!guest_range_ok(guest_va, n))
        return n;
    return xenith_copy_bytes(reinterpret_cast<void*>(guest_va), src, n);
}

} // namespace arch
