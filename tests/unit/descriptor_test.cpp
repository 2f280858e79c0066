#include "arch/x86_32/pv/descriptor.hpp"

#include <gtest/gtest.h>

namespace {
constexpr uint64_t seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (limit & 0xFFFFull) | (uint64_t{base & 0xFFFFFF} << 16) | (uint64_t{access} << 40) |
           (uint64_t{(limit >> 16) & 0xF} << 48) | (uint64_t{flags & 0xFu} << 52) |
           (uint64_t{base >> 24} << 56);
}
uint32_t dpl(uint64_t d) { return static_cast<uint32_t>(d >> 45) & 3; }
uint32_t limit_pages(uint64_t d) { return static_cast<uint32_t>((d & 0xFFFF) | ((d >> 32) & 0xF0000)); }
constexpr uint64_t call_gate(uint16_t sel, uint32_t off, uint8_t dpl_bits, uint8_t params = 0)
{
    return (off & 0xFFFFull) | (uint64_t{sel} << 16) | (uint64_t{params} << 32) |
           (uint64_t{0x8Cu | (dpl_bits << 5)} << 40) | (uint64_t{off >> 16} << 48);
}
} // namespace

TEST(Descriptor, NotPresentIsHarmless)
{
    uint64_t d = 0x0000123400005678ull; // P clear, garbage elsewhere
    EXPECT_TRUE(check_descriptor(d));
}

TEST(Descriptor, RingZeroDataSegmentBecomesRingOne)
{
    uint64_t d = seg(0, 0xFFFFF, 0x92, 0xC); // DPL 0 flat data, 4 GiB
    ASSERT_TRUE(check_descriptor(d));
    EXPECT_EQ(dpl(d), 1u);
}

TEST(Descriptor, FlatFourGigSegmentIsTruncatedBelowTheHypervisor)
{
    uint64_t d = seg(0, 0xFFFFF, 0xFA, 0xC); // ring-3 code, 4 GiB
    ASSERT_TRUE(check_descriptor(d));
    EXPECT_EQ(limit_pages(d), 0xF67FFu);
    EXPECT_EQ(dpl(d), 3u);
}

TEST(Descriptor, ByteGranularSegmentEndingBelowTheLimitIsKept)
{
    uint64_t d = seg(0x1000, 0xFFFF, 0xB2, 0x4);
    uint64_t before = d;
    ASSERT_TRUE(check_descriptor(d));
    EXPECT_EQ(d, before);
}

TEST(Descriptor, SegmentBasedInsideTheHypervisorIsRefused)
{
    uint64_t d = seg(0xF6800000, 0, 0xB2, 0xC);
    EXPECT_FALSE(check_descriptor(d));
    d = seg(0xFB800000, 0x10, 0xB2, 0xC);
    EXPECT_FALSE(check_descriptor(d));
}

TEST(Descriptor, ExpandDownSegmentsThatReachTheHypervisorAreRefused)
{
    uint64_t d = seg(0, 0x1000, 0xB6, 0xC); // expand-down data, limit 16 MiB
    EXPECT_FALSE(check_descriptor(d));
}

TEST(Descriptor, SystemDescriptorsOtherThanCallGatesAreRefused)
{
    for (uint8_t access : {0x89, 0x82, 0x8E, 0x8F, 0x85, 0x84}) { // TSS, LDT, int/trap/task gates, 16-bit call gate
        uint64_t d = seg(0x1000, 0x67, static_cast<uint8_t>(access | 0x20), 0);
        EXPECT_FALSE(check_descriptor(d)) << std::hex << int(access);
    }
}

TEST(Descriptor, CallGateToTheGuestKernelIsAllowedButNeverToRingZero)
{
    uint64_t d = call_gate(0x0008, 0xC0001000, 3); // selector with RPL 0
    ASSERT_TRUE(check_descriptor(d));
    EXPECT_EQ((d >> 16) & 3, 1u);
    uint64_t flat = call_gate(0xe019, 0xC0001000, 3);
    EXPECT_TRUE(check_descriptor(flat));
}

TEST(Descriptor, CallGatesIntoTheHypervisorOrCopyingParametersAreRefused)
{
    uint64_t hv = call_gate(0xe008, 0xFB900000, 3);
    EXPECT_FALSE(check_descriptor(hv));
    uint64_t null_sel = call_gate(0x0000, 0xC0001000, 3);
    EXPECT_FALSE(check_descriptor(null_sel));
    uint64_t params = call_gate(0x0008, 0xC0001000, 3, 2);
    EXPECT_FALSE(check_descriptor(params));
}

TEST(Descriptor, TypeZeroUpperHalfOfAGateIsAllowed)
{
    uint64_t d = uint64_t{0x8000} << 32; // present, system, type 0
    EXPECT_TRUE(check_descriptor(d));
}
