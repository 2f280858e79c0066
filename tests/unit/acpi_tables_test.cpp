#include <gtest/gtest.h>

#include "acpi_fixture.hpp"

namespace {

acpi::Rsdp find_rsdp(Fake_memory& mem)
{
    std::vector<uint8_t> area = mem.bios_area();
    acpi::Rsdp r;
    EXPECT_TRUE(acpi::scan_rsdp(area.data(), area.size(), 0xE0000, r));
    return r;
}

// A version 2 RSDP pointing at both an RSDT and an XSDT.
std::vector<uint8_t> rsdp_v2(uint32_t rsdt, uint64_t xsdt)
{
    std::vector<uint8_t> r(36);
    std::memcpy(r.data(), "RSD PTR ", 8);
    std::memcpy(r.data() + 9, "XENITH", 6);
    r[15] = 2;
    put32(r.data() + 16, rsdt);
    put32(r.data() + 20, 36);
    put64(r.data() + 24, xsdt);
    fix_checksum(r.data(), 20, 8);
    fix_checksum(r.data(), 36, 32);
    return r;
}

std::vector<uint8_t> xsdt_of(const std::vector<uint64_t>& entries)
{
    std::vector<uint8_t> body(entries.size() * 8);
    for (size_t i = 0; i < entries.size(); ++i)
        put64(body.data() + 8 * i, entries[i]);
    return make_table("XSDT", 1, body);
}

TEST(AcpiRsdp, QemuPcRsdpIsFoundInTheBiosAreaWithItsOemId)
{
    Fake_memory mem(qemu_pc_regions);
    acpi::Rsdp r = find_rsdp(mem);
    EXPECT_EQ(r.phys, qemu_pc_regions[0].phys);
    EXPECT_EQ(r.revision, 0);
    EXPECT_STREQ(r.oem_id, "BOCHS ");
    EXPECT_EQ(r.rsdt, mem.phys_of("RSDT"));
    EXPECT_EQ(r.xsdt, 0u);
}

TEST(AcpiRsdp, BadV1ChecksumIsRejected)
{
    Fake_memory mem(qemu_q35_regions);
    ++*mem.at(qemu_q35_regions[0].phys + 16);
    std::vector<uint8_t> area = mem.bios_area();
    acpi::Rsdp r;
    EXPECT_FALSE(acpi::scan_rsdp(area.data(), area.size(), 0xE0000, r));
}

TEST(AcpiRsdp, OnlySixteenByteAlignedCandidatesAreConsidered)
{
    std::vector<uint8_t> good = rsdp_v2(0x1000, 0x2000);
    std::vector<uint8_t> area(256);
    std::memcpy(area.data() + 8, good.data(), good.size());
    acpi::Rsdp r;
    EXPECT_FALSE(acpi::scan_rsdp(area.data(), area.size(), 0, r));
    std::memcpy(area.data() + 32, good.data(), good.size());
    ASSERT_TRUE(acpi::scan_rsdp(area.data(), area.size(), 0x100, r));
    EXPECT_EQ(r.phys, 0x120u);
    EXPECT_EQ(r.xsdt, 0x2000u);
}

TEST(AcpiRsdp, V2NeedsItsExtendedChecksumAndASaneLength)
{
    acpi::Rsdp r;
    std::vector<uint8_t> v = rsdp_v2(0x1000, 0x2000);
    ASSERT_TRUE(acpi::parse_rsdp(v.data(), v.size(), 0, r));

    std::vector<uint8_t> bad_ext = v;
    ++bad_ext[33];
    EXPECT_FALSE(acpi::parse_rsdp(bad_ext.data(), bad_ext.size(), 0, r));

    std::vector<uint8_t> short_len = v;
    put32(short_len.data() + 20, 20);
    fix_checksum(short_len.data(), 36, 32);
    EXPECT_FALSE(acpi::parse_rsdp(short_len.data(), short_len.size(), 0, r));

    std::vector<uint8_t> long_len = v;
    put32(long_len.data() + 20, 4096);
    fix_checksum(long_len.data(), 36, 32);
    EXPECT_FALSE(acpi::parse_rsdp(long_len.data(), long_len.size(), 0, r));

    EXPECT_FALSE(acpi::parse_rsdp(v.data(), 30, 0, r)) << "truncated v2 structure";
}

TEST(AcpiRoot, QemuRsdtListsItsTablesAndEachIsFoundBySignature)
{
    for (bool q35 : {false, true}) {
        Fake_memory mem = q35 ? Fake_memory(qemu_q35_regions) : Fake_memory(qemu_pc_regions);
        acpi::Root root;
        ASSERT_TRUE(root.init(mem, find_rsdp(mem)));
        EXPECT_FALSE(root.uses_xsdt());
        EXPECT_EQ(root.entries(), q35 ? 5u : 4u);
        for (const char* sig : {"FACP", "APIC", "HPET", "WAET"}) {
            acpi::Table t = root.find(sig);
            ASSERT_TRUE(t.valid()) << sig;
            EXPECT_TRUE(t.has_signature(sig));
            EXPECT_EQ(t.phys, mem.phys_of(sig));
        }
        EXPECT_EQ(root.find("MCFG").valid(), q35);
        EXPECT_FALSE(root.find("SSDT").valid());
        EXPECT_FALSE(root.find("APIC", 1).valid()) << "there is only one MADT";
    }
}

TEST(AcpiRoot, TableWithBadChecksumIsSkippedButOthersStillFound)
{
    Fake_memory mem(qemu_pc_regions);
    ++*mem.at(mem.phys_of("APIC") + 40);
    acpi::Root root;
    ASSERT_TRUE(root.init(mem, find_rsdp(mem)));
    EXPECT_FALSE(root.find("APIC").valid());
    EXPECT_TRUE(root.find("FACP").valid());
}

TEST(AcpiRoot, RsdtWithBadChecksumGivesNoRoot)
{
    Fake_memory mem(qemu_pc_regions);
    ++*mem.at(mem.phys_of("RSDT") + 36);
    acpi::Root root;
    EXPECT_FALSE(root.init(mem, find_rsdp(mem)));
    EXPECT_EQ(root.entries(), 0u);
    EXPECT_FALSE(root.find("FACP").valid());
}

TEST(AcpiLoadTable, LengthsShorterThanTheHeaderOrBeyondTheMappingAreRejected)
{
    Fake_memory mem(qemu_pc_regions);
    uint64_t madt = mem.phys_of("APIC");
    ASSERT_TRUE(acpi::load_table(mem, madt, "APIC").valid());
    ASSERT_FALSE(acpi::load_table(mem, madt, "FACP").valid()) << "signature must match";

    put32(mem.at(madt + 4), 20);
    fix_checksum(mem.at(madt), 20, 9);   // the first 20 bytes alone sum to 0
    EXPECT_FALSE(acpi::load_table(mem, madt).valid()) << "length below the header";

    put32(mem.at(madt + 4), 0x100000);
    EXPECT_FALSE(acpi::load_table(mem, madt).valid()) << "length past the end of memory";

    put32(mem.at(madt + 4), 0xFFFFFFF0);
    EXPECT_FALSE(acpi::load_table(mem, madt).valid()) << "absurd length";
    EXPECT_FALSE(acpi::load_table(mem, 0).valid());
    EXPECT_FALSE(acpi::load_table(mem, 0x12345000).valid()) << "unmapped address";
}

TEST(AcpiLoadTable, TruncatedTableWhoseLengthClaimsMoreThanMappedIsRejected)
{
    std::vector<uint8_t> t = make_table("TEST", 1, std::vector<uint8_t>(64, 0xAA));
    Fake_memory mem;
    mem.add(0x1000, std::vector<uint8_t>(t.begin(), t.end() - 1));
    EXPECT_FALSE(acpi::load_table(mem, 0x1000).valid());
    Fake_memory whole;
    whole.add(0x1000, t);
    acpi::Table ok = acpi::load_table(whole, 0x1000);
    ASSERT_TRUE(ok.valid());
    EXPECT_EQ(ok.length, t.size());
}

class AcpiXsdt : public ::testing::Test {
protected:
    // The q35 tables, plus an RSDP v2 and an XSDT that lists only the MADT:
    // finding the FADT then proves which root was used.
    void SetUp() override
    {
        rsdt = mem.phys_of("RSDT");
        mem.add(0x9000, xsdt_of({mem.phys_of("APIC"), mem.phys_of("HPET")}));
    }
    Fake_memory mem{qemu_q35_regions};
    uint32_t rsdt = 0;
};

TEST_F(AcpiXsdt, XsdtIsPreferredWhenValid)
{
    std::vector<uint8_t> r = rsdp_v2(rsdt, 0x9000);
    acpi::Rsdp rsdp;
    ASSERT_TRUE(acpi::parse_rsdp(r.data(), r.size(), 0xF0000, rsdp));
    acpi::Root root;
    ASSERT_TRUE(root.init(mem, rsdp));
    EXPECT_TRUE(root.uses_xsdt());
    EXPECT_EQ(root.entries(), 2u);
    EXPECT_TRUE(root.find("APIC").valid());
    EXPECT_FALSE(root.find("FACP").valid());
}

TEST_F(AcpiXsdt, CorruptXsdtFallsBackToRsdt)
{
    ++*mem.at(0x9000 + 40);
    std::vector<uint8_t> r = rsdp_v2(rsdt, 0x9000);
    acpi::Rsdp rsdp;
    ASSERT_TRUE(acpi::parse_rsdp(r.data(), r.size(), 0xF0000, rsdp));
    acpi::Root root;
    ASSERT_TRUE(root.init(mem, rsdp));
    EXPECT_FALSE(root.uses_xsdt());
    EXPECT_TRUE(root.find("FACP").valid());
}

TEST_F(AcpiXsdt, SecondInstanceOfASignatureIsReachable)
{
    mem.add(0xA000, xsdt_of({mem.phys_of("HPET"), mem.phys_of("APIC"), mem.phys_of("HPET")}));
    std::vector<uint8_t> r = rsdp_v2(rsdt, 0xA000);
    acpi::Rsdp rsdp;
    ASSERT_TRUE(acpi::parse_rsdp(r.data(), r.size(), 0xF0000, rsdp));
    acpi::Root root;
    ASSERT_TRUE(root.init(mem, rsdp));
    EXPECT_TRUE(root.find("HPET", 1).valid());
    EXPECT_FALSE(root.find("HPET", 2).valid());
    EXPECT_EQ(root.entry(3), 0u) << "out of range entry";
}

} // namespace
