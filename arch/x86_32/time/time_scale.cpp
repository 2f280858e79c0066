#include "arch/x86_32/time/time_scale.hpp"

namespace arch {

uint64_t mul_shr32_wide(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xFFFFFFFF, ah = a >> 32;
    uint64_t bl = b & 0xFFFFFFFF, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    // Bits 32..95 of the product, assembled with carries, then bits 96..127.
    uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFF) + (hl & 0xFFFFFFFF);
    uint64_t high = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    if (high >> 32)
        return ~0ull;
    return high << 32 | (mid & 0xFFFFFFFF);
}

Time_scale Time_scale::make(uint64_t from_hz, uint64_t to_hz)
{
    Time_scale s;
    if (from_hz == 0)
        return s;
    // to_hz * 2^32 / from_hz by long division in two 32-bit steps, so
    // to_hz may use all 64 bits without overflowing the shift.
    uint64_t q_hi = to_hz / from_hz;
    uint64_t r = to_hz % from_hz;
    uint64_t q_lo = 0;
    for (int i = 0; i < 32; ++i) {
        bool carry = r >> 63;
        r <<= 1;
        q_lo <<= 1;
        if (carry || r >= from_hz) {
            r -= from_hz;
            q_lo |= 1;
        }
    }
    s.mult = q_hi >= (1ull << 32) ? ~0ull : q_hi << 32 | q_lo;
    return s;
}

Xen_time_scale xen_time_scale(uint64_t tsc_hz)
{
    Xen_time_scale s;
    if (tsc_hz == 0)
        return s;
    // Scale the tick rate by powers of two until ns per scaled tick is in
    // [1/2, 1): then 2^32 * ns_per_s / rate fits 32 bits with its top bit set.
    constexpr uint64_t ns_per_s = 1000000000ull;
    uint64_t rate = tsc_hz;
    int shift = 0;
    while (rate <= ns_per_s) {
        rate <<= 1;
        ++shift;
    }
    while (rate > 2 * ns_per_s) {
        rate >>= 1;
        --shift;
    }
    s.mul = static_cast<uint32_t>(Time_scale::make(rate, ns_per_s).mult);
    s.shift = static_cast<int8_t>(shift);
    return s;
}

uint64_t apply_xen_scale(const Xen_time_scale& s, uint64_t ticks)
{
    ticks = s.shift >= 0 ? ticks << s.shift : ticks >> -s.shift;
    return mul_shr32(ticks, s.mul);
}

} // namespace arch
