#include "arch/x86_32/include/guest_range.hpp"

#include <gtest/gtest.h>

using arch::guest_range_ok;

TEST(GuestRange, AcceptsRangesBelowHypervisorStart)
{
    EXPECT_TRUE(guest_range_ok(0, 1));
    EXPECT_TRUE(guest_range_ok(0x00400000, 4096));
    EXPECT_TRUE(guest_range_ok(HV_VIRT_START - 16, 16));
    EXPECT_TRUE(guest_range_ok(0, HV_VIRT_START));
}

TEST(GuestRange, EmptyRangeIsAlwaysAcceptable)
{
    EXPECT_TRUE(guest_range_ok(HV_VIRT_START, 0));
    EXPECT_TRUE(guest_range_ok(0xFFFFFFFFu, 0));
}

TEST(GuestRange, RefusesRangesReachingTheHypervisor)
{
    EXPECT_FALSE(guest_range_ok(HV_VIRT_START - 16, 17));
    EXPECT_FALSE(guest_range_ok(HV_VIRT_START, 1));
    EXPECT_FALSE(guest_range_ok(0, HV_VIRT_START + 1u));
    EXPECT_FALSE(guest_range_ok(0xFB800000u, 4));
}

TEST(GuestRange, RefusesWrappingRanges)
{
    EXPECT_FALSE(guest_range_ok(0xFFFFFFF0u, 0x20));
    EXPECT_FALSE(guest_range_ok(0x1000, SIZE_MAX));
    EXPECT_FALSE(guest_range_ok(0xFFFFFFFFu, 1));
}
