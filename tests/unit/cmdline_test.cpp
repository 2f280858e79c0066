#include "hypervisor/boot/cmdline.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {
Boot_options parse(const char* s, bool skip = false)
{
    Boot_options o;
    parse_cmdline(s, skip, o);
    return o;
}
std::string diags(const Boot_options& o)
{
    std::string all;
    for (unsigned i = 0; i < o.diagnostic_count; ++i)
        all += std::string(o.diagnostics[i]) + "\n";
    return all;
}
} // namespace

TEST(Cmdline, DefaultsWhenEmpty)
{
    Boot_options o = parse("");
    EXPECT_TRUE(o.console_com1);
    EXPECT_EQ(o.com1.baud, 115200u);
    EXPECT_EQ(o.loglvl, Log_level::info);
    EXPECT_FALSE(o.noreboot);
    EXPECT_EQ(o.maxcpus, 0u);
    EXPECT_FALSE(o.dom0_mem.set);
    EXPECT_EQ(o.diagnostic_count, 0u);
}

TEST(Cmdline, SkipsImageNameOnlyWhenAsked)
{
    EXPECT_EQ(parse("/boot/xenith.elf noreboot", true).diagnostic_count, 0u);
    EXPECT_EQ(parse("/boot/xenith.elf noreboot", false).diagnostic_count, 1u);
}

TEST(Cmdline, ParsesXenOptionNames)
{
    Boot_options o = parse("console=com1,vga com1=9600/1843200,7e2,0x2e8,4 loglvl=debug/warning "
                           "dom0_mem=min:32M,max:1G,256M noreboot maxcpus=3");
    EXPECT_EQ(diags(o), "");
    EXPECT_TRUE(o.console_com1);
    EXPECT_TRUE(o.console_vga);
    EXPECT_EQ(o.com1.baud, 9600u);
    EXPECT_EQ(o.com1.data_bits, 7);
    EXPECT_EQ(o.com1.parity, 'e');
    EXPECT_EQ(o.com1.stop_bits, 2);
    EXPECT_EQ(o.com1.io_base, 0x2e8);
    EXPECT_EQ(o.com1.irq, 4);
    EXPECT_EQ(o.loglvl, Log_level::debug);
    EXPECT_TRUE(o.dom0_mem.set);
    EXPECT_EQ(o.dom0_mem.amount, 256ull << 20);
    EXPECT_EQ(o.dom0_mem.min, 32ull << 20);
    EXPECT_EQ(o.dom0_mem.max, 1ull << 30);
    EXPECT_TRUE(o.noreboot);
    EXPECT_EQ(o.maxcpus, 3u);
}

TEST(Cmdline, UnknownOptionsAreReportedNotFatal)
{
    Boot_options o = parse("frobnicate=7 noreboot");
    EXPECT_EQ(diags(o), "unknown option 'frobnicate' ignored\n");
    EXPECT_TRUE(o.noreboot);
}

TEST(Cmdline, MalformedValuesKeepDefaults)
{
    Boot_options o = parse("maxcpus=two loglvl=loud com1=fast dom0_mem=12Q console=lpt1 noreboot=maybe");
    EXPECT_EQ(o.diagnostic_count, 6u);
    EXPECT_EQ(o.maxcpus, 0u);
    EXPECT_EQ(o.loglvl, Log_level::info);
    EXPECT_EQ(o.com1.baud, 115200u);
    EXPECT_FALSE(o.dom0_mem.set);
    EXPECT_TRUE(o.console_com1);
    EXPECT_FALSE(o.noreboot);
    EXPECT_NE(diags(o).find("option 'maxcpus': malformed value 'two', default kept"), std::string::npos);
}

TEST(Cmdline, RejectsOutOfRangeAndInconsistentValues)
{
    EXPECT_EQ(parse("maxcpus=0").diagnostic_count, 1u);
    EXPECT_EQ(parse("dom0_mem=min:2G,max:1G").diagnostic_count, 1u);
    EXPECT_EQ(parse("com1=115200,9n1").diagnostic_count, 1u);
    EXPECT_EQ(parse("com1=115200,8n1,0x0").diagnostic_count, 1u);
    EXPECT_EQ(parse("=x").diagnostic_count, 1u);
}

TEST(Cmdline, SizesDefaultToKibibytesLikeXen)
{
    uint64_t v = 0;
    EXPECT_TRUE(parse_size("64", 2, v));
    EXPECT_EQ(v, 64u << 10);
    EXPECT_TRUE(parse_size("512B", 4, v));
    EXPECT_EQ(v, 512u);
    EXPECT_TRUE(parse_size("3G", 2, v));
    EXPECT_EQ(v, 3ull << 30);
    EXPECT_FALSE(parse_size("", 0, v));
    EXPECT_FALSE(parse_size("99999999999999999999", 20, v));
    EXPECT_FALSE(parse_size("20000000T", 9, v));
    EXPECT_FALSE(parse_size("1MB", 3, v));
}

TEST(Cmdline, DiagnosticsAreBounded)
{
    std::string s;
    for (int i = 0; i < 40; ++i)
        s += "junk" + std::to_string(i) + " ";
    EXPECT_EQ(parse(s.c_str()).diagnostic_count, Boot_options::max_diagnostics);
}

TEST(Cmdline, OnlyGrub2LeavesTheImageNameOut)
{
    EXPECT_FALSE(loader_prefixes_image_name("GRUB 2.06-13+deb12u1"));
    EXPECT_TRUE(loader_prefixes_image_name("qemu"));
    EXPECT_TRUE(loader_prefixes_image_name("GRUB 0.97"));
    EXPECT_TRUE(loader_prefixes_image_name("GRUB"));
    EXPECT_TRUE(loader_prefixes_image_name(nullptr));
}

TEST(Cmdline, FaultTestIsOffByDefault)
{
    EXPECT_EQ(parse("").hv_fault_test, Fault_test::none);
}

TEST(Cmdline, FaultTestAcceptsEachException)
{
    const struct {
        const char* arg;
        Fault_test want;
    } cases[] = {{"hv_fault_test=de", Fault_test::de}, {"hv_fault_test=ud", Fault_test::ud},
                 {"hv_fault_test=gp", Fault_test::gp}, {"hv_fault_test=pf", Fault_test::pf},
                 {"hv_fault_test=df", Fault_test::df}, {"hv_fault_test=panic", Fault_test::panic},
                 {"hv_fault_test=ap_gp", Fault_test::ap_gp}};
    for (const auto& c : cases) {
        Boot_options o = parse(c.arg);
        EXPECT_EQ(diags(o), "") << c.arg;
        EXPECT_EQ(o.hv_fault_test, c.want) << c.arg;
        EXPECT_EQ(std::string("hv_fault_test=") + fault_test_name(o.hv_fault_test), c.arg);
    }
}

TEST(Cmdline, FaultTestRejectsUnknownOrMissingValue)
{
    for (const char* arg : {"hv_fault_test=nmi", "hv_fault_test", "hv_fault_test=", "hv_fault_test=DE",
                            "hv_fault_test=pff", "hv_fault_test=ap"}) {
        Boot_options o = parse(arg);
        EXPECT_EQ(o.hv_fault_test, Fault_test::none) << arg;
        EXPECT_EQ(o.diagnostic_count, 1u) << arg;
    }
    Boot_options o = parse("hv_fault_test=pf hv_fault_test=bogus");
    EXPECT_EQ(o.hv_fault_test, Fault_test::pf);
    EXPECT_NE(diags(o).find("option 'hv_fault_test': malformed value 'bogus', default kept"),
              std::string::npos);
}

TEST(Cmdline, Dom0MaxVcpusTakesANumberOrARangeAsXen)
{
    Boot_options o = parse("dom0_max_vcpus=4");
    EXPECT_EQ(o.dom0_vcpus_min, 4u);
    EXPECT_EQ(o.dom0_vcpus_max, 4u);
    o = parse("dom0_max_vcpus=2-8");
    EXPECT_EQ(o.dom0_vcpus_min, 2u);
    EXPECT_EQ(o.dom0_vcpus_max, 8u);
    o = parse("dom0_max_vcpus=-3");
    EXPECT_EQ(o.dom0_vcpus_min, 0u);
    EXPECT_EQ(o.dom0_vcpus_max, 3u);
    o = parse("dom0_max_vcpus=2-");
    EXPECT_EQ(o.dom0_vcpus_min, 2u);
    EXPECT_EQ(o.dom0_vcpus_max, 0u);
    EXPECT_EQ(o.diagnostic_count, 0u) << diags(o);
}

TEST(Cmdline, Dom0MaxVcpusRefusesZeroReversedAndJunk)
{
    for (const char* bad : {"dom0_max_vcpus=0", "dom0_max_vcpus=5-2", "dom0_max_vcpus=x",
                            "dom0_max_vcpus=1-2-3", "dom0_max_vcpus=", "dom0_max_vcpus=99999"}) {
        Boot_options o = parse(bad);
        EXPECT_EQ(o.dom0_vcpus_min, 0u) << bad;
        EXPECT_EQ(o.dom0_vcpus_max, 0u) << bad;
        EXPECT_EQ(o.diagnostic_count, 1u) << bad << ": " << diags(o);
    }
}

TEST(Cmdline, ConsoleTimestampsTakesBootOrNone)
{
    EXPECT_FALSE(parse("").console_timestamps);
    EXPECT_TRUE(parse("console_timestamps=boot").console_timestamps);
    EXPECT_FALSE(parse("console_timestamps=boot console_timestamps=none").console_timestamps);
    Boot_options o = parse("console_timestamps=date");
    EXPECT_FALSE(o.console_timestamps);
    EXPECT_NE(diags(o).find("console_timestamps"), std::string::npos);
    EXPECT_NE(diags(parse("console_timestamps")).find("console_timestamps"), std::string::npos);
}
