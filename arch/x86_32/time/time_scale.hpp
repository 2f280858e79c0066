// Fixed-point conversion between clock rates (TSC ticks, APIC timer ticks,
// nanoseconds) without 128-bit arithmetic, which i686 lacks. Portable.
#pragma once
#include <cstdint>

namespace arch {

// value * mult / 2^32, so 'mult' is a 32.32 fixed-point ratio.
struct Time_scale {
    uint64_t mult = 0;

    // from_hz ticks -> to_hz ticks; both nonzero, ratio below 2^32.
    static Time_scale make(uint64_t from_hz, uint64_t to_hz);
    // Saturates at UINT64_MAX instead of wrapping.
    uint64_t apply(uint64_t value) const;
};

// (a * b) >> 32 for a multiplier of more than 32 bits (out of line).
uint64_t mul_shr32_wide(uint64_t a, uint64_t b);

// (a * b) >> 32 with a full 128-bit intermediate, saturated to 64 bits.
// Inline for the common case, a multiplier below 2^32 (TSC ticks to
// nanoseconds on any CPU faster than 1 GHz): two 32x32->64 multiplies,
// and the result cannot overflow, where the general case takes four
// multiplies and a saturation test. The scheduler and the time code
// convert the TSC several times on every switch.
inline uint64_t mul_shr32(uint64_t a, uint64_t b)
{
    if (b >> 32)
        return mul_shr32_wide(a, b);
    auto bl = static_cast<uint32_t>(b);
    auto alo = static_cast<uint32_t>(a), ahi = static_cast<uint32_t>(a >> 32);
    // high <= (2^32 - 1)^2 and the low product's high word < 2^32: the
    // sum fits 64 bits.
#if defined(__i386__)
    // Two MULs and an add with carry. Written in C, GCC kept the
    // multiplier's high word (zero here) in both products and spilled the
    // 64-bit sum: about 20 instructions more for every clock reading.
    uint32_t lo, hi, carry_in;
    asm("mull %[b]\n\t"
        "movl %%edx, %[c]\n\t"
        "movl %[ahi], %%eax\n\t"
        "mull %[b]\n\t"
        "addl %[c], %%eax\n\t"
        "adcl $0, %%edx"
        : "=&a"(lo), "=&d"(hi), [c] "=&r"(carry_in)
        : "0"(alo), [ahi] "rm"(ahi), [b] "rm"(bl)
        : "cc");
    return (static_cast<uint64_t>(hi) << 32) | lo;
#else
    uint64_t carry_in = (static_cast<uint64_t>(alo) * bl) >> 32;
    return static_cast<uint64_t>(ahi) * bl + carry_in;
#endif
}

inline uint64_t Time_scale::apply(uint64_t value) const { return mul_shr32(value, mult); }

// Xen's vcpu_time_info scale (public/xen.h): ns = ((tsc << shift) * mul)
// >> 32, a negative shift shifting right, with mul in [2^31, 2^32) for
// the best precision.
struct Xen_time_scale {
    uint32_t mul = 0;
    int8_t shift = 0;
};
Xen_time_scale xen_time_scale(uint64_t tsc_hz);
uint64_t apply_xen_scale(const Xen_time_scale& s, uint64_t ticks);

} // namespace arch
