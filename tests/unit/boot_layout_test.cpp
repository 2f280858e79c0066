#include "hypervisor/boot/boot_layout.hpp"
#include "hypervisor/boot/start_info.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {
constexpr uint32_t MiB = 1u << 20;

Boot_layout layout_of(const Boot_layout_request& r)
{
    Boot_layout l{};
    EXPECT_EQ(compute_boot_layout(r, l), Boot_layout_error::none);
    return l;
}
} // namespace

TEST(BootLayout, ElementsFollowTheKernelInXenOrderEachPageAligned)
{
    Boot_layout l = layout_of({0xC0000000, 0xC0100000, 0xC0123456, 5000, 16384, true});
    EXPECT_EQ(l.v_start, 0xC0000000u);
    EXPECT_EQ(l.ramdisk_start, 0xC0124000u);
    EXPECT_EQ(l.p2m_start, 0xC0126000u);                  // 5000 bytes -> 2 pages
    EXPECT_EQ(l.start_info, l.p2m_start + 16 * 4096);     // 16384 * 4 bytes
    EXPECT_EQ(l.store_page, 0u);
    EXPECT_EQ(l.console_page, 0u);
    EXPECT_EQ(l.pt_base, l.start_info + 4096);
    EXPECT_EQ(l.stack_page, l.pt_base + l.nr_pt_frames * 4096);
}

TEST(BootLayout, DomUGetsStoreAndConsolePagesBeforeTheTables)
{
    Boot_layout l = layout_of({0xC0000000, 0xC0000000, 0xC0010000, 0, 8192, false});
    EXPECT_EQ(l.store_page, l.start_info + 4096);
    EXPECT_EQ(l.console_page, l.start_info + 8192);
    EXPECT_EQ(l.pt_base, l.start_info + 3 * 4096);
}

TEST(BootLayout, RegionIsFourMibAlignedWithHalfMibPadding)
{
    for (uint32_t kend : {0xC0010000u, 0xC03A0000u, 0xC03F0000u, 0xC0B00000u}) {
        Boot_layout l = layout_of({0xC0000000, 0xC0000000, kend, 0, 65536, true});
        EXPECT_EQ(l.v_end % (4 * MiB), 0u);
        EXPECT_GE(l.v_end - (l.stack_page + 4096), 512u * 1024);
        EXPECT_EQ(l.region_pages, (l.v_end - l.v_start) / 4096);
    }
}

TEST(BootLayout, TablesCoverTheWholeRegionIncludingThemselves)
{
    Boot_layout l = layout_of({0xC0000000, 0xC0000000, 0xC1000000, 32 * MiB, 262144, true});
    uint32_t two_mib_chunks = (l.v_end - l.v_start) / (2 * MiB);
    EXPECT_EQ(l.nr_l1, two_mib_chunks);
    EXPECT_EQ(l.nr_l2, 1u); // all in slot 3
    EXPECT_EQ(l.nr_pt_frames, 1 + l.nr_l2 + l.nr_l1);
}

TEST(BootLayout, LowKernelStillGetsTheSlotThreeDirectory)
{
    Boot_layout l = layout_of({0x00000000, 0x00100000, 0x00200000, 0, 4096, true});
    EXPECT_EQ(l.v_start, 0u);
    EXPECT_EQ(l.nr_l2, 2u);
}

TEST(BootLayout, RefusesTooLittleMemory)
{
    Boot_layout l{};
    EXPECT_EQ(compute_boot_layout({0xC0000000, 0xC0000000, 0xC0400000, 0, 1024, true}, l),
              Boot_layout_error::too_little_memory);
}

TEST(BootLayout, RefusesEmptyKernelAndRegionsReachingTheHypervisor)
{
    Boot_layout l{};
    EXPECT_EQ(compute_boot_layout({0xC0000000, 0xC0100000, 0xC0100000, 0, 4096, true}, l),
              Boot_layout_error::bad_kernel_range);
    EXPECT_EQ(compute_boot_layout({0xF5000000, 0xF5000000, 0xF5700000, 0, 1u << 20, true}, l),
              Boot_layout_error::hits_hypervisor);
    EXPECT_EQ(compute_boot_layout({0xC0000000, 0xC0000000, 0xC0100000, 0xFFFFFFFFull, 1u << 20, true}, l),
              Boot_layout_error::hits_hypervisor);
}

TEST(BootLayout, RegionStartsAtVirtBaseBelowTheImageWithPfnZeroThere)
{
    // Linux 5.4 i386: VIRT_BASE 0xC0000000, image linked at 0xC1000000.
    Boot_layout l = layout_of({0xC0000000, 0xC1000000, 0xC1719000, 0, 32768, true});
    EXPECT_EQ(l.v_start, 0xC0000000u);
    EXPECT_EQ(l.p2m_start, 0xC1719000u);
    EXPECT_EQ(l.region_pages, (l.v_end - 0xC0000000u) / 4096);
    // The gap below the image is part of the region and of its tables.
    EXPECT_EQ(l.nr_l1, (l.v_end - 0xC0000000u) / (2 * MiB));
}

TEST(BootLayout, VirtBaseNeedNotBeSuperpageAligned)
{
    Boot_layout l = layout_of({0xC0201000, 0xC0201000, 0xC0300000, 0, 8192, true});
    EXPECT_EQ(l.v_start, 0xC0201000u);
    EXPECT_EQ(l.v_end % (4 * MiB), 0u);
    EXPECT_EQ(l.region_pages, (l.v_end - l.v_start) / 4096);
    EXPECT_EQ(l.nr_l1, (l.v_end - 0xC0200000u) / (2 * MiB));
}

TEST(BootLayout, RefusesVirtBaseAboveTheImageOrOffAPageBoundary)
{
    Boot_layout l{};
    EXPECT_EQ(compute_boot_layout({0xC0200000, 0xC0100000, 0xC0300000, 0, 8192, true}, l),
              Boot_layout_error::bad_kernel_range);
    EXPECT_EQ(compute_boot_layout({0xC0000010, 0xC0100000, 0xC0300000, 0, 8192, true}, l),
              Boot_layout_error::unaligned_virt_base);
}

TEST(BootLayout, ZeroVirtBaseWithAHighImageNeedsTheWholeLowRegion)
{
    // Xen's libelf takes an unset VIRT_BASE as 0: pfn 0 is at address 0 and
    // the region reaches the image, more than a small domain has.
    Boot_layout l{};
    EXPECT_EQ(compute_boot_layout({0, 0xC0000000, 0xC0100000, 0, 65536, true}, l),
              Boot_layout_error::too_little_memory);
}

TEST(BootLayout, AnUnmappedRamdiskFollowsTheRegionInPfnsNotInAddresses)
{
    // Linux declares XEN_ELFNOTE_MOD_START_PFN: its initramfs is not mapped.
    Boot_layout_request r{0xC0000000, 0xC1000000, 0xC1719000, 3u << 20, 32768, true, true};
    Boot_layout l = layout_of(r);
    EXPECT_EQ(l.p2m_start, 0xC1719000u) << "no ramdisk between the kernel and the p2m";
    EXPECT_EQ(l.ramdisk_pfn, l.region_pages);
    Boot_layout mapped = layout_of({0xC0000000, 0xC1000000, 0xC1719000, 3u << 20, 32768, true});
    EXPECT_EQ(mapped.ramdisk_pfn, 0u);
    EXPECT_EQ(mapped.p2m_start, 0xC1719000u + (3u << 20));
}

TEST(BootLayout, AnUnmappedRamdiskStillCountsAgainstTheDomainsMemory)
{
    Boot_layout l{};
    Boot_layout_request fits{0xC0000000, 0xC0000000, 0xC0100000, 0, 2048, true, true};
    ASSERT_EQ(compute_boot_layout(fits, l), Boot_layout_error::none);
    uint32_t spare = 2048 - l.region_pages;
    fits.ramdisk_len = uint64_t{spare} * 4096;
    EXPECT_EQ(compute_boot_layout(fits, l), Boot_layout_error::none) << "exactly the pages left";
    fits.ramdisk_len += 1;
    EXPECT_EQ(compute_boot_layout(fits, l), Boot_layout_error::too_little_memory);
}

// boot_tables: what both builders write (dom0's guest_image.cpp, the
// toolstack's boot_tables.cpp).
TEST(BootTables, L3ThenTheL2sInSlotOrderThenOneL1Per2MiB)
{
    Boot_layout l = layout_of({0xC0000000, 0xC0100000, 0xC0400000, 0, 16384, false});
    Boot_tables t = boot_tables(l);
    EXPECT_EQ(t.l2_va[0], 0u);
    EXPECT_EQ(t.l2_va[1], 0u);
    EXPECT_EQ(t.l2_va[2], 0u);
    EXPECT_EQ(t.l2_va[3], l.pt_base + 4096); // the region is in slot 3
    EXPECT_EQ(t.first_l1_va, l.pt_base + 2 * 4096);
    EXPECT_EQ(t.first_chunk, 0xC0000000u);
    EXPECT_EQ(t.nr_chunks, l.nr_l1);
    EXPECT_EQ(1 + 1 + t.nr_chunks, l.nr_pt_frames);
}

TEST(BootTables, ARegionBelowSlot3StillGetsTheSlot3L2Last)
{
    Boot_layout l = layout_of({0x40000000, 0x40100000, 0x40200000, 0, 8192, false});
    Boot_tables t = boot_tables(l);
    EXPECT_EQ(t.l2_va[1], l.pt_base + 4096);
    EXPECT_EQ(t.l2_va[3], l.pt_base + 2 * 4096);
    EXPECT_EQ(t.l2_va[0] | t.l2_va[2], 0u);
    EXPECT_EQ(t.first_l1_va, l.pt_base + 3 * 4096);
}

TEST(BootTables, OnlyTheTablesOwnPagesAreReadOnly)
{
    Boot_layout l = layout_of({0xC0000000, 0xC0100000, 0xC0400000, 0, 16384, false});
    EXPECT_EQ(boot_l1_flags(l, l.pt_base - 4096), boot_l1_data_flags);
    for (uint32_t i = 0; i < l.nr_pt_frames; ++i)
        EXPECT_EQ(boot_l1_flags(l, l.pt_base + i * 4096), boot_l1_table_flags);
    EXPECT_EQ(boot_l1_flags(l, l.stack_page), boot_l1_data_flags);
    EXPECT_EQ(boot_l1_table_flags & 2, 0u);
    EXPECT_EQ(boot_l1_data_flags & 2, 2u);
}

// boot_start_info: start_info's layout fields, shared by both builders.
TEST(BootStartInfo, NamesTheLayoutAndAMappedModuleByAddress)
{
    Boot_layout l = layout_of({0xC0000000, 0xC0100000, 0xC0200000, 5000, 8192, false});
    start_info_t si = boot_start_info(l, 8192, 5000, "root=/dev/xvda");
    EXPECT_STREQ(si.magic, "xen-3.0-x86_32p");
    EXPECT_EQ(si.nr_pages, 8192u);
    EXPECT_EQ(si.pt_base, l.pt_base);
    EXPECT_EQ(si.nr_pt_frames, l.nr_pt_frames);
    EXPECT_EQ(si.mfn_list, l.p2m_start);
    EXPECT_EQ(si.mod_start, l.ramdisk_start);
    EXPECT_EQ(si.mod_len, 5000u);
    EXPECT_EQ(si.flags, 0u);
    EXPECT_EQ(si.shared_info, 0u); // the caller's
    EXPECT_STREQ(reinterpret_cast<const char*>(si.cmd_line), "root=/dev/xvda");
}

TEST(BootStartInfo, AnUnmappedModuleIsAPfnWithSifModStartPfn)
{
    Boot_layout_request r{0xC0000000, 0xC0100000, 0xC0200000, 5000, 8192, false};
    r.ramdisk_unmapped = true;
    Boot_layout l = layout_of(r);
    start_info_t si = boot_start_info(l, 8192, 5000, nullptr);
    EXPECT_EQ(si.mod_start, l.region_pages);
    EXPECT_EQ(si.flags, static_cast<uint32_t>(SIF_MOD_START_PFN));
    EXPECT_EQ(si.cmd_line[0], 0);
}

TEST(BootStartInfo, NoModuleAndALongCommandLineTruncated)
{
    Boot_layout l = layout_of({0xC0000000, 0xC0100000, 0xC0200000, 0, 8192, true});
    std::string lng(2000, 'x');
    start_info_t si = boot_start_info(l, 8192, 0, lng.c_str());
    EXPECT_EQ(si.mod_start, 0u);
    EXPECT_EQ(si.mod_len, 0u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(si.cmd_line)).size(),
              size_t{MAX_GUEST_CMDLINE - 1});
}
