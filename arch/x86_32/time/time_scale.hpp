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

// (a * b) >> 32 with a full 128-bit intermediate, saturated to 64 bits.
uint64_t mul_shr32(uint64_t a, uint64_t b);

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
