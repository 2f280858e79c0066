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
    EXPECT_TRUE(g.edx & (1u << 9));   // APIC: the host's, as Xen shows PV guests
    EXPECT_FALSE(g.edx & (1u << 3));  // PSE
    EXPECT_TRUE(g.edx & (1u << 6));   // PAE stays
    EXPECT_TRUE(g.edx & (1u << 25));  // SSE stays
    EXPECT_EQ(g.ebx >> 24, 0u) << "no initial APIC id";
    EXPECT_EQ((g.ebx >> 16) & 0xFF, 0x10u) << "the logical processor count stays, as Xen";
}

TEST(CpuidPolicy, TheApicBitFollowsTheHost)
{
    Cpuid_regs g = guest_cpuid(1, 0, Cpuid_regs{0x663, 0, 0, 0xFFFFFFFF & ~(1u << 9)}, 4, 0);
    EXPECT_FALSE(g.edx & (1u << 9));
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

TEST(CpuidPolicy, LongModeIsHiddenFromThe32BitGuestAndNxIsOffered)
{
    Cpuid_regs g = guest_cpuid(0x80000001, 0, Cpuid_regs{0, 0, 0xFFFFFFFF, 0xFFFFFFFF}, 4, 0);
    EXPECT_FALSE(g.edx & (1u << 29));
    EXPECT_TRUE(g.edx & (1u << 20)) << "EFER.NXE is on wherever the CPU has NX";
    EXPECT_TRUE(g.edx & (1u << 11)); // SYSCALL stays
}

TEST(CpuidPolicy, StructuredLeafKeepsOnlyHarmlessBits)
{
    Cpuid_regs g = guest_cpuid(7, 0, Cpuid_regs{1, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, 4, 0);
    EXPECT_EQ(g.ebx, (1u << 3) | (1u << 8) | (1u << 9) | (1u << 19) | (1u << 23));
    EXPECT_EQ(g.ecx, 0u);
    EXPECT_EQ(guest_cpuid(7, 1, Cpuid_regs{1, 1, 1, 1}, 4, 0).ebx, 0u);
}

namespace {
constexpr uint32_t cr4_tsd = 1u << 2, cr4_de = 1u << 3, cr4_pae = 1u << 5, cr4_pge = 1u << 7;
constexpr uint32_t cr4_osfxsr = 1u << 9, cr4_osxmmexcpt = 1u << 10, cr4_osxsave = 1u << 18;
// A leaf 1 with TSC, DE, FXSR, SSE and XSAVE on.
constexpr Cpuid_regs full_leaf1{0x663, 0, 1u << 26, (1u << 4) | (1u << 2) | (1u << 24) | (1u << 25)};
} // namespace

TEST(GuestCr4, GuestSeesTheHypervisorsSseBitsWhateverItWrites)
{
    uint32_t host = cr4_pae | cr4_pge | cr4_osfxsr | cr4_osxmmexcpt;
    EXPECT_EQ(guest_cr4(0, host, full_leaf1), cr4_pae | cr4_osfxsr | cr4_osxmmexcpt);
    // Linux's fpu__init_cpu_generic asks for OSFXSR|OSXMMEXCPT: accepted, no change.
    EXPECT_EQ(guest_cr4(cr4_pae | cr4_osfxsr | cr4_osxmmexcpt, host, full_leaf1),
              cr4_pae | cr4_osfxsr | cr4_osxmmexcpt);
    // Without them on the host the guest cannot turn them on.
    EXPECT_EQ(guest_cr4(cr4_osfxsr | cr4_osxmmexcpt, cr4_pae, full_leaf1), cr4_pae);
}

TEST(GuestCr4, OnlyTsdIsTheGuestsToSetUnderThisPolicy)
{
    uint32_t host = cr4_pae;
    EXPECT_EQ(guest_cr4(cr4_tsd, host, full_leaf1), cr4_pae | cr4_tsd);
    // DE and XSAVE are hidden from the guest's CPUID, so their bits are dropped.
    EXPECT_EQ(guest_cr4(cr4_de | cr4_osxsave, host, full_leaf1), cr4_pae);
    // PGE and anything else the guest names stay the hypervisor's.
    EXPECT_EQ(guest_cr4(cr4_pge | 0xFFF80000u, host, full_leaf1), cr4_pae);
    // No TSC, no TSD.
    EXPECT_EQ(guest_cr4(cr4_tsd, host, Cpuid_regs{}), cr4_pae);
}
