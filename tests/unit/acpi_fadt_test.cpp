#include <gtest/gtest.h>

#include <random>

#include "acpi_fixture.hpp"
#include "arch/x86_32/acpi/fadt.hpp"

namespace {

acpi::Table table_in(Fake_memory& mem, const char* sig) { return acpi::load_table(mem, mem.phys_of(sig), sig); }

bool s5_of(const std::vector<uint8_t>& aml, acpi::Sleep_type& out)
{
    return acpi::find_s5(aml.data(), static_cast<uint32_t>(aml.size()), out);
}

TEST(AcpiFadt, QemuPcRevision1HasPm1aAndNoResetRegister)
{
    Fake_memory mem(qemu_pc_regions);
    acpi::Fadt f;
    ASSERT_TRUE(acpi::parse_fadt(table_in(mem, "FACP"), f));
    EXPECT_EQ(f.revision, 1);
    EXPECT_EQ(f.dsdt, mem.phys_of("DSDT"));
    EXPECT_EQ(f.pm1a_cnt.space, acpi::Gas::io);
    EXPECT_EQ(f.pm1a_cnt.address, 0x604u);
    EXPECT_EQ(f.pm1a_cnt.bit_width, 16);
    EXPECT_FALSE(f.pm1b_cnt.present());
    EXPECT_EQ(f.pm_tmr.space, acpi::Gas::io);
    EXPECT_EQ(f.pm_tmr.address, 0x608u);
    EXPECT_EQ(f.pm_tmr.bit_width, 32);
    EXPECT_EQ(f.smi_cmd, 0xB2u);
    EXPECT_EQ(f.acpi_enable, 0xF1);
    EXPECT_FALSE(f.reset_supported()) << "the bytes after a 116-byte FADT belong to the next table";
}

TEST(AcpiFadt, QemuQ35Revision3HasResetRegisterAndXBlocks)
{
    Fake_memory mem(qemu_q35_regions);
    acpi::Fadt f;
    ASSERT_TRUE(acpi::parse_fadt(table_in(mem, "FACP"), f));
    EXPECT_EQ(f.revision, 3);
    EXPECT_EQ(f.dsdt, mem.phys_of("DSDT"));
    EXPECT_EQ(f.pm1a_cnt.space, acpi::Gas::io);
    EXPECT_EQ(f.pm1a_cnt.address, 0x604u);
    EXPECT_EQ(f.pm_tmr.address, 0x608u);
    ASSERT_TRUE(f.reset_supported());
    EXPECT_EQ(f.reset_reg.space, acpi::Gas::io);
    EXPECT_EQ(f.reset_reg.address, 0xCF9u);
    EXPECT_EQ(f.reset_value, 0x0F);
    EXPECT_TRUE(f.iapc_boot_arch & acpi::Fadt::boot_arch_8042);
}

TEST(AcpiFadt, XFieldsWinOverTheLegacyOnes)
{
    Fake_memory mem(qemu_q35_regions);
    uint64_t at = mem.phys_of("FACP");
    uint8_t* p = mem.at(at);
    put64(p + 140, 0x123456789ull);                       // X_DSDT
    const uint8_t x_pm1a[12] = {0, 32, 0, 3, 0, 0x10, 0xD0, 0xFE, 0, 0, 0, 0};
    std::memcpy(p + 172, x_pm1a, sizeof x_pm1a);          // MMIO PM1a
    refresh_checksum(p);
    acpi::Fadt f;
    ASSERT_TRUE(acpi::parse_fadt(table_in(mem, "FACP"), f));
    EXPECT_EQ(f.dsdt, 0x123456789ull);
    EXPECT_EQ(f.pm1a_cnt.space, acpi::Gas::memory);
    EXPECT_EQ(f.pm1a_cnt.address, 0xFED01000u);
    EXPECT_EQ(f.pm1a_cnt.access_size, 3);
}

TEST(AcpiFadt, ResetRegisterNeedsItsFlag)
{
    Fake_memory mem(qemu_q35_regions);
    uint8_t* p = mem.at(mem.phys_of("FACP"));
    p[113] = static_cast<uint8_t>(p[113] & ~(1u << 2));   // flags bit 10
    refresh_checksum(p);
    acpi::Fadt f;
    ASSERT_TRUE(acpi::parse_fadt(table_in(mem, "FACP"), f));
    EXPECT_FALSE(f.reset_supported());
}

TEST(AcpiFadt, TooShortOrWrongSignatureIsRejected)
{
    std::vector<uint8_t> t = make_table("FACP", 1, std::vector<uint8_t>(116 - 36 - 1, 0));
    acpi::Table tt{t.data(), static_cast<uint32_t>(t.size()), 0};
    acpi::Fadt f;
    EXPECT_FALSE(acpi::parse_fadt(tt, f));
    Fake_memory mem(qemu_pc_regions);
    EXPECT_FALSE(acpi::parse_fadt(table_in(mem, "APIC"), f));
}

TEST(AcpiFadt, Revision3TableCutBeforeTheResetRegisterHasNone)
{
    std::vector<uint8_t> body(120 - 36, 0);
    body[112 - 36 + 1] = 1u << 2;                          // RESET_REG_SUP
    std::vector<uint8_t> t = make_table("FACP", 3, body);
    acpi::Table tt{t.data(), static_cast<uint32_t>(t.size()), 0};
    acpi::Fadt f;
    ASSERT_TRUE(acpi::parse_fadt(tt, f));
    EXPECT_FALSE(f.reset_supported());
    EXPECT_FALSE(f.pm1a_cnt.present());
}

TEST(AcpiS5, QemuDsdtsDeclareS5AsTypeZero)
{
    for (bool q35 : {false, true}) {
        Fake_memory mem = q35 ? Fake_memory(qemu_q35_regions) : Fake_memory(qemu_pc_regions);
        acpi::Table d = table_in(mem, "DSDT");
        ASSERT_TRUE(d.valid());
        acpi::Sleep_type s{9, 9};
        ASSERT_TRUE(acpi::find_s5(d.data + 36, d.length - 36, s));
        EXPECT_EQ(s.a, 0);
        EXPECT_EQ(s.b, 0);
        // Renaming the object proves the real one was found.
        std::vector<uint8_t> aml(d.data + 36, d.data + d.length);
        for (size_t i = 0; i + 4 <= aml.size(); ++i)
            if (std::memcmp(&aml[i], "_S5_", 4) == 0)
                aml[i + 2] = '4';
        EXPECT_FALSE(s5_of(aml, s));
    }
}

TEST(AcpiS5, BytePrefixValuesRootPrefixAndExtraElements)
{
    acpi::Sleep_type s;
    ASSERT_TRUE(s5_of({0x10, 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, 0x07, 0x0A, 0x05, 0x00, 0x00}, s));
    EXPECT_EQ(s.a, 7);
    EXPECT_EQ(s.b, 5);
    ASSERT_TRUE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x01, 0x0A, 0x06, 0x00, 0x00}, s));
    EXPECT_EQ(s.a, 1);
    EXPECT_EQ(s.b, 6);
}

TEST(AcpiS5, MultiBytePkgLength)
{
    // Lead byte 0x40: one following byte; length = 0x0 | 0x01 << 4 = 16.
    std::vector<uint8_t> aml = {0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x01, 0x02, 0x0A, 0x03, 0x0A, 0x04};
    aml.resize(aml.size() + 9, 0);   // 16 bytes from the PkgLength on
    acpi::Sleep_type s;
    ASSERT_TRUE(s5_of(aml, s));
    EXPECT_EQ(s.a, 3);
    EXPECT_EQ(s.b, 4);
}

TEST(AcpiS5, OneElementLegacyFormPacksBothTypes)
{
    acpi::Sleep_type s;
    ASSERT_TRUE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0B, 0x05, 0x07}, s));
    EXPECT_EQ(s.a, 5);
    EXPECT_EQ(s.b, 7);
}

TEST(AcpiS5, ReferenceThatIsNotANameDeclarationIsSkipped)
{
    // A method calling _S5_ first, then the real declaration.
    acpi::Sleep_type s;
    ASSERT_TRUE(s5_of({0x70, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0A, 0x01,
                       0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A, 0x02, 0x01}, s));
    EXPECT_EQ(s.a, 2);
    EXPECT_EQ(s.b, 1);
}

TEST(AcpiS5, GarbagePackagesAreRejected)
{
    acpi::Sleep_type s;
    // Not a PackageOp.
    EXPECT_FALSE(s5_of({0x08, '_', 'S', '5', '_', 0x0A, 0x05}, s));
    // PkgLength beyond the end of the AML.
    EXPECT_FALSE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x3F, 0x02, 0x0A, 0x01, 0x0A, 0x02}, s));
    // No elements.
    EXPECT_FALSE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00}, s));
    // An element that is not an integer (a StringPrefix).
    EXPECT_FALSE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0D, 'a', 0x00, 0x00}, s));
    // SLP_TYP values do not fit three bits.
    EXPECT_FALSE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A, 0x08, 0x0A, 0x00}, s));
    EXPECT_FALSE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xFF, 0x00}, s));
    // Elements claimed but the package ends first.
    EXPECT_FALSE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x0A, 0x01, 0x0A, 0x02}, s));
    // PkgLength smaller than its own encoding.
    EXPECT_FALSE(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x00, 0x02, 0x00, 0x00}, s));
}

TEST(AcpiS5, EveryTruncationOfAValidPackageFailsCleanly)
{
    const std::vector<uint8_t> full = {0x08, '_', 'S', '5', '_', 0x12, 0x0B, 0x04,
                                       0x0C, 0x03, 0x00, 0x00, 0x00, 0x0A, 0x02, 0x00, 0x00};
    acpi::Sleep_type s;
    ASSERT_TRUE(s5_of(full, s));
    EXPECT_EQ(s.a, 3);
    for (size_t n = 0; n < full.size(); ++n) {
        // Exactly-sized heap copies so a read past the end is a real overrun.
        std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
        EXPECT_FALSE(s5_of(cut, s)) << "length " << n;
    }
}

TEST(AcpiS5, RandomBytesAroundTheNameNeverYieldOutOfRangeTypes)
{
    std::mt19937 rng(12345);
    unsigned found = 0;
    for (int iter = 0; iter < 20000; ++iter) {
        std::vector<uint8_t> aml = {0x08, '_', 'S', '5', '_', 0x12};
        size_t extra = rng() % 12;
        for (size_t i = 0; i < extra; ++i)
            aml.push_back(static_cast<uint8_t>(rng() % 3 == 0 ? rng() % 16 : rng()));
        acpi::Sleep_type s{0, 0};
        if (s5_of(aml, s)) {
            ++found;
            EXPECT_LE(s.a, 7);
            EXPECT_LE(s.b, 7);
        }
    }
    EXPECT_GT(found, 0u) << "the generator should hit some valid packages";
}

} // namespace
