#include <gtest/gtest.h>

#include <random>

#include "arch/x86_32/time_scale.hpp"

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
