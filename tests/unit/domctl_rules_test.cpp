// The machine-free rules of domctl/sysctl: createdomain checks (Xen's
// errnos for a PV domain), domain id choice, getdomaininfo flags, CPU
// bitmaps.
#include <cstring>
#include <set>

#include <gtest/gtest.h>

#include "hypervisor/domain/domctl_rules.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

xen_domctl_createdomain pv_request()
{
    xen_domctl_createdomain c{};
    c.max_vcpus = 2;
    c.max_evtchn_port = 1023;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(1);
    return c;
}

long check(const xen_domctl_createdomain& c)
{
    Createdomain_limits l;
    return createdomain_check(c, 32, l);
}

TEST(CreatedomainCheck, APlainPvRequestGetsTheDefaults)
{
    Createdomain_limits l;
    ASSERT_EQ(createdomain_check(pv_request(), 32, l), 0);
    EXPECT_EQ(l.max_vcpus, 2u);
    EXPECT_EQ(l.max_grant_frames, default_max_grant_frames);
    EXPECT_EQ(l.max_maptrack_frames, default_max_maptrack_frames);
    EXPECT_EQ(l.max_grant_version, 1u);
}

TEST(CreatedomainCheck, ExplicitGrantLimitsAreKept)
{
    auto c = pv_request();
    c.max_grant_frames = 4;
    c.max_maptrack_frames = 0;
    c.grant_opts = 2;
    Createdomain_limits l;
    ASSERT_EQ(createdomain_check(c, 32, l), 0);
    EXPECT_EQ(l.max_grant_frames, 4u);
    EXPECT_EQ(l.max_maptrack_frames, 0u);
    EXPECT_EQ(l.max_grant_version, 2u);
}

TEST(CreatedomainCheck, HvmAndOtherUnavailableFeaturesAreEinval)
{
    for (uint32_t f : {XEN_DOMCTL_CDF_hvm, XEN_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_iommu,
                       XEN_DOMCTL_CDF_vpmu, XEN_DOMCTL_CDF_nested_virt,
                       XEN_DOMCTL_CDF_s3_integrity, XEN_DOMCTL_CDF_trap_unmapped_accesses,
                       1u << 9}) {
        auto c = pv_request();
        c.flags = f;
        EXPECT_EQ(check(c), -XEN_EINVAL) << "flags " << f;
    }
}

TEST(CreatedomainCheck, HarmlessFlagsAreAccepted)
{
    auto c = pv_request();
    c.flags = XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain;
    EXPECT_EQ(check(c), 0);
}

TEST(CreatedomainCheck, VcpuCountOutOfRangeIsEinval)
{
    auto c = pv_request();
    c.max_vcpus = 0;
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c.max_vcpus = 33;
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c.max_vcpus = 32;
    EXPECT_EQ(check(c), 0);
}

TEST(CreatedomainCheck, GrantOptionsAreChecked)
{
    auto c = pv_request();
    c.grant_opts = 0; // version 0
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c.grant_opts = 3;
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c.grant_opts = 0x11; // bits beyond the version
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c = pv_request();
    c.max_grant_frames = 0;
    EXPECT_EQ(check(c), -XEN_EINVAL);
}

TEST(CreatedomainCheck, EmulatedDevicesBeyondThePitAreEopnotsupp)
{
    auto c = pv_request();
    c.arch.emulation_flags = XEN_X86_EMU_PIT;
    EXPECT_EQ(check(c), 0);
    c.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    EXPECT_EQ(check(c), -XEN_EOPNOTSUPP);
    c.arch.emulation_flags = 1u << 11;
    EXPECT_EQ(check(c), -XEN_EINVAL);
}

TEST(CreatedomainCheck, IommuVmtraceAltp2mMiscAndPoolAreRefused)
{
    auto c = pv_request();
    c.iommu_opts = XEN_DOMCTL_IOMMU_no_sharept;
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c = pv_request();
    c.vmtrace_size = 4096;
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c = pv_request();
    c.altp2m.nr = 1;
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c = pv_request();
    c.altp2m.opts = 4;
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c = pv_request();
    c.arch.misc_flags = 2;
    EXPECT_EQ(check(c), -XEN_EINVAL);
    c = pv_request();
    c.arch.misc_flags = XEN_X86_MSR_RELAXED;
    EXPECT_EQ(check(c), 0);
    c.cpupool_id = 1;
    EXPECT_EQ(check(c), -XEN_ENOENT);
}

bool in_set(uint16_t id, void* ctx) { return static_cast<std::set<uint16_t>*>(ctx)->count(id) != 0; }

TEST(DomidChoose, AnOrdinaryIdIsTakenAsAskedOrRefused)
{
    std::set<uint16_t> used{0, 5};
    EXPECT_EQ(domid_choose(7, 0, in_set, &used), 7);
    EXPECT_EQ(domid_choose(5, 0, in_set, &used), DOMID_INVALID);
}

TEST(DomidChoose, ZeroOrReservedSearchesAfterTheLastAndSkipsZero)
{
    std::set<uint16_t> used{0, 1, 2};
    EXPECT_EQ(domid_choose(0, 0, in_set, &used), 3);
    EXPECT_EQ(domid_choose(DOMID_FIRST_RESERVED, 0, in_set, &used), 3);
    EXPECT_EQ(domid_choose(0xFFFF, 10, in_set, &used), 11);
    // Wraps round to 1, never 0.
    EXPECT_EQ(domid_choose(0, DOMID_FIRST_RESERVED - 1, in_set, &used), 3);
}

TEST(DomidChoose, NoneFreeIsInvalid)
{
    std::set<uint16_t> used;
    for (uint32_t i = 0; i < DOMID_FIRST_RESERVED; ++i)
        used.insert(static_cast<uint16_t>(i));
    EXPECT_EQ(domid_choose(0, 5, in_set, &used), DOMID_INVALID);
}

TEST(DominfoFlags, BlockedAndRunningNeedAnOnlineVcpu)
{
    Dominfo_facts f;
    EXPECT_EQ(dominfo_flags(f) & 0xFFFF, 0u);
    f.online_vcpus = 1;
    EXPECT_EQ(dominfo_flags(f) & 0xFFFF, XEN_DOMINF_blocked);
    f.all_online_blocked = false;
    f.any_running = true;
    EXPECT_EQ(dominfo_flags(f) & 0xFFFF, XEN_DOMINF_running);
}

TEST(DominfoFlags, ShutdownCodeIsAllOnesUntilThereIsOne)
{
    Dominfo_facts f;
    EXPECT_EQ(dominfo_flags(f) >> XEN_DOMINF_shutdownshift, 0xFFFFu);
    f.shut_down = true;
    f.shutdown_code = 3;
    EXPECT_EQ(dominfo_flags(f), XEN_DOMINF_shutdown | 3u << XEN_DOMINF_shutdownshift);
}

TEST(DominfoFlags, PausedAndDying)
{
    Dominfo_facts f;
    f.controller_paused = true;
    f.dying = true;
    EXPECT_EQ(dominfo_flags(f) & 0xFFFF, XEN_DOMINF_paused | XEN_DOMINF_dying);
}

TEST(CpuBitmap, BitsBeyondNrBitsAreIgnoredBothWays)
{
    uint8_t in[2] = {0xFF, 0xFF};
    EXPECT_EQ(mask_from_bitmap(in, 3), 0x7u);
    EXPECT_EQ(mask_from_bitmap(in, 16), 0xFFFFu);
    uint8_t out[2] = {0xAA, 0xAA};
    mask_to_bitmap(0xFFFF, out, 12);
    EXPECT_EQ(out[0], 0xFF);
    EXPECT_EQ(out[1], 0x0F);
}

TEST(CpuBitmap, BytesBeyondTheMaskAreZero)
{
    uint8_t out[10];
    std::memset(out, 0xAA, sizeof out);
    mask_to_bitmap(~0ull, out, 80);
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(out[i], 0xFF);
    EXPECT_EQ(out[8], 0);
    EXPECT_EQ(out[9], 0);
    EXPECT_EQ(bitmap_bytes(80), 10u);
}

} // namespace
