#include <gtest/gtest.h>

#include <random>

#include "arch/x86_32/time/time_scale.hpp"

namespace {

uint64_t reference(uint64_t a, uint64_t b)
{
    unsigned __int128 p = static_cast<unsigned __int128>(a) * b >> 32;
    return p >> 64 ? ~0ull : static_cast<uint64_t>(p);
}

TEST(TimeScale, MulShr32MatchesA128BitProduct)
{
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100000; ++i) {
        uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
        ASSERT_EQ(arch::mul_shr32(a, b), reference(a, b)) << a << " * " << b;
    }
    EXPECT_EQ(arch::mul_shr32(~0ull, ~0ull), ~0ull);
    EXPECT_EQ(arch::mul_shr32(1ull << 32, 5), 5u);
    EXPECT_EQ(arch::mul_shr32(0, ~0ull), 0u);
}

TEST(TimeScale, TscTicksToNanoseconds)
{
    const uint64_t tsc_hz = 2596376000ull;
    arch::Time_scale s = arch::Time_scale::make(tsc_hz, 1000000000ull);
    EXPECT_NEAR(static_cast<double>(s.apply(tsc_hz)), 1e9, 1.0);
    EXPECT_NEAR(static_cast<double>(s.apply(tsc_hz * 3600)), 3600e9, 3600.0);
}

TEST(TimeScale, NanosecondsToSlowAndFastClocks)
{
    arch::Time_scale apic = arch::Time_scale::make(1000000000ull, 62500000ull);
    EXPECT_EQ(apic.apply(1000000), 62500u);
    // A 233 MHz Pentium II TSC: more than one nanosecond per tick.
    arch::Time_scale p2 = arch::Time_scale::make(233000000ull, 1000000000ull);
    EXPECT_NEAR(static_cast<double>(p2.apply(233000000ull)), 1e9, 1.0);
}

TEST(TimeScale, SaturatesInsteadOfWrapping)
{
    arch::Time_scale s = arch::Time_scale::make(1000000000ull, 3000000000ull);
    EXPECT_EQ(s.apply(~0ull), ~0ull);
    EXPECT_EQ(arch::Time_scale::make(1, ~0ull).mult, ~0ull) << "ratio above 2^32";
    EXPECT_EQ(arch::Time_scale::make(0, 5).apply(100), 0u) << "unknown rate";
}

} // namespace

namespace {

// The guest-side formula of public/xen.h vcpu_time_info, independently.
uint64_t guest_ns(const arch::Xen_time_scale& s, uint64_t ticks)
{
    unsigned __int128 t = s.shift >= 0 ? static_cast<unsigned __int128>(ticks) << s.shift
                                       : ticks >> -s.shift;
    return static_cast<uint64_t>(t * s.mul >> 32);
}

TEST(XenTimeScale, OneSecondOfTicksIsOneSecondWithin1ppm)
{
    for (uint64_t hz : {1000000ull, 14318180ull, 999999999ull, 1000000000ull, 1000000001ull,
                        2400000000ull, 3999999999ull, 5000000000ull}) {
        arch::Xen_time_scale s = arch::xen_time_scale(hz);
        EXPECT_GE(s.mul, 1u << 31) << hz;
        uint64_t ns = guest_ns(s, hz);
        EXPECT_NEAR(static_cast<double>(ns), 1e9, 1e3) << hz;
        EXPECT_EQ(arch::apply_xen_scale(s, hz * 60), guest_ns(s, hz * 60)) << hz;
    }
}

TEST(XenTimeScale, ZeroRateGivesZeroScale)
{
    EXPECT_EQ(arch::xen_time_scale(0).mul, 0u);
}

} // namespace
