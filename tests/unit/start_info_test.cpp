// boot_start_info: start_info's layout fields, shared by both builders.
#include "hypervisor/boot/start_info.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

Boot_layout layout_of(const Boot_layout_request& r)
{
    Boot_layout l{};
    EXPECT_EQ(compute_boot_layout(r, l), Boot_layout_error::none);
    return l;
}

} // namespace

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
