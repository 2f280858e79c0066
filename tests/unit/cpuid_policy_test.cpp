#include "arch/x86_32/pv/cpuid_policy.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

TEST(CpuidPolicy, Leaf1HidesWhatThePvGuestMustNotUseAndSetsTheHypervisorBit)
{
    Cpuid_regs host{0x000306A9, 0x03100800, 0xFFFFFFFF & ~(1u << 31), 0xFFFFFFFF};
    Cpuid_regs g = guest_cpuid(1, 0, host, 4, 0);
    EXPECT_EQ(g.eax, host.eax);
    EXPECT_TRUE(g.ecx & (1u << 31));
    EXPECT_FALSE(g.ecx & (1u << 5));  // VMX
    EXPECT_FALSE(g.ecx & (1u << 26)); // XSAVE
    EXPECT_FALSE(g.edx & (1u << 9));  // APIC
    EXPECT_FALSE(g.edx & (1u << 3));  // PSE
    EXPECT_TRUE(g.edx & (1u << 6));   // PAE stays
    EXPECT_TRUE(g.edx & (1u << 25));  // SSE stays
    EXPECT_EQ(g.ebx >> 16, 0u);
}

TEST(CpuidPolicy, XenSignatureLeaves)
{
    Cpuid_regs g = guest_cpuid(0x40000000, 0, Cpuid_regs{}, 4, 0);
    char s[13] = {};
    std::memcpy(s, &g.ebx, 4);
    std::memcpy(s + 4, &g.ecx, 4);
    std::memcpy(s + 8, &g.edx, 4);
    EXPECT_EQ(std::string(s), "XenVMMXenVMM");
    EXPECT_EQ(g.eax, 0x40000002u);
    EXPECT_EQ(guest_cpuid(0x40000001, 0, Cpuid_regs{}, 4, 0).eax, 0x00040000u);
    EXPECT_EQ(guest_cpuid(0x40000002, 0, Cpuid_regs{}, 4, 0).eax, 1u);
    EXPECT_EQ(guest_cpuid(0x40000100, 0, Cpuid_regs{1, 2, 3, 4}, 4, 0).eax, 0u);
}

TEST(CpuidPolicy, LongModeAndNxAreHiddenFromThe32BitGuest)
{
    Cpuid_regs g = guest_cpuid(0x80000001, 0, Cpuid_regs{0, 0, 0xFFFFFFFF, 0xFFFFFFFF}, 4, 0);
    EXPECT_FALSE(g.edx & (1u << 29));
    EXPECT_FALSE(g.edx & (1u << 20));
    EXPECT_TRUE(g.edx & (1u << 11)); // SYSCALL stays
}

TEST(CpuidPolicy, StructuredLeafKeepsOnlyHarmlessBits)
{
    Cpuid_regs g = guest_cpuid(7, 0, Cpuid_regs{1, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, 4, 0);
    EXPECT_EQ(g.ebx, (1u << 3) | (1u << 8) | (1u << 9) | (1u << 19) | (1u << 23));
    EXPECT_EQ(g.ecx, 0u);
    EXPECT_EQ(guest_cpuid(7, 1, Cpuid_regs{1, 1, 1, 1}, 4, 0).ebx, 0u);
}
