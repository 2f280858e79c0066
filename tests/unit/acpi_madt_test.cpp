#include <gtest/gtest.h>

#include <memory>

#include "acpi_fixture.hpp"
#include "arch/x86_32/acpi/madt.hpp"

namespace {

// The Madt is large (fixed arrays); keep it off the test's stack.
std::unique_ptr<acpi::Madt> parse(const acpi::Table& t, bool* ok = nullptr)
{
    auto m = std::make_unique<acpi::Madt>();
    bool r = acpi::parse_madt(t, *m);
    if (ok)
        *ok = r;
    return m;
}

acpi::Table table_in(Fake_memory& mem, const char* sig) { return acpi::load_table(mem, mem.phys_of(sig), sig); }

// An MADT body: local APIC address 0xFEE00000, PCAT_COMPAT, then entries.
std::vector<uint8_t> madt(const std::vector<std::vector<uint8_t>>& entries)
{
    std::vector<uint8_t> body = {0x00, 0x00, 0xE0, 0xFE, 0x01, 0, 0, 0};
    for (const auto& e : entries)
        body.insert(body.end(), e.begin(), e.end());
    return make_table("APIC", 5, body);
}

acpi::Table as_table(std::vector<uint8_t>& bytes) { return {bytes.data(), static_cast<uint32_t>(bytes.size()), 0}; }

TEST(AcpiMadt, QemuPcTwoCpusOneIoApicAndIsaOverrides)
{
    Fake_memory mem(qemu_pc_regions);
    bool ok;
    auto m = parse(table_in(mem, "APIC"), &ok);
    ASSERT_TRUE(ok);
    EXPECT_EQ(m->lapic_address, 0xFEE00000u);
    EXPECT_EQ(m->flags & 1, 1u) << "PCAT_COMPAT";
    ASSERT_EQ(m->cpu_count, 2u);
    EXPECT_EQ(m->enabled_cpus(), 2u);
    for (unsigned i = 0; i < 2; ++i) {
        EXPECT_EQ(m->cpus[i].apic_id, i);
        EXPECT_FALSE(m->cpus[i].x2apic);
    }
    ASSERT_EQ(m->ioapic_count, 1u);
    EXPECT_EQ(m->ioapics[0].address, 0xFEC00000u);
    EXPECT_EQ(m->ioapics[0].gsi_base, 0u);
    EXPECT_EQ(m->override_count, 5u);
    ASSERT_EQ(m->nmi_count, 1u);
    EXPECT_EQ(m->nmis[0].kind, acpi::Madt_nmi::Kind::local);
    EXPECT_EQ(m->nmis[0].uid, 0xFFu);
    EXPECT_EQ(m->nmis[0].lint, 1);
    EXPECT_EQ(m->dropped, 0u);
}

TEST(AcpiMadt, QemuQ35ListsFourCpus)
{
    Fake_memory mem(qemu_q35_regions);
    bool ok;
    auto m = parse(table_in(mem, "APIC"), &ok);
    ASSERT_TRUE(ok);
    ASSERT_EQ(m->cpu_count, 4u);
    EXPECT_EQ(m->cpus[3].apic_id, 3u);
    EXPECT_EQ(m->enabled_cpus(), 4u);
}

TEST(AcpiMadt, IsaRoutesFollowQemuOverrides)
{
    Fake_memory mem(qemu_pc_regions);
    auto m = parse(table_in(mem, "APIC"));
    acpi::Isa_route timer = acpi::isa_route(*m, 0);
    EXPECT_EQ(timer.gsi, 2u);
    EXPECT_EQ(timer.trigger, acpi::Trigger::edge);
    EXPECT_EQ(timer.polarity, acpi::Polarity::high);
    acpi::Isa_route sci = acpi::isa_route(*m, 9);    // flags 0xD: high, level
    EXPECT_EQ(sci.gsi, 9u);
    EXPECT_EQ(sci.trigger, acpi::Trigger::level);
    EXPECT_EQ(sci.polarity, acpi::Polarity::high);
    acpi::Isa_route com1 = acpi::isa_route(*m, 4);   // no override
    EXPECT_EQ(com1.gsi, 4u);
    EXPECT_EQ(com1.trigger, acpi::Trigger::edge);
}

TEST(AcpiMadt, ActiveLowLevelOverrideAndOtherBusesIgnored)
{
    auto t = madt({{2, 10, 1, 7, 20, 0, 0, 0, 0x0F, 0},       // bus 1: not ISA
                   {2, 10, 0, 7, 21, 0, 0, 0, 0x0F, 0}});     // ISA 7 -> 21
    bool ok;
    auto m = parse(as_table(t), &ok);
    ASSERT_TRUE(ok);
    acpi::Isa_route r = acpi::isa_route(*m, 7);
    EXPECT_EQ(r.gsi, 21u);
    EXPECT_EQ(r.trigger, acpi::Trigger::level);
    EXPECT_EQ(r.polarity, acpi::Polarity::low);
}

TEST(AcpiMadt, X2apicEntriesAddressOverrideAndNmiSources)
{
    auto t = madt({{9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0},  // x2APIC id 256, enabled
                   {9, 16, 0, 0, 0x01, 0x01, 0, 0, 2, 0, 0, 0, 8, 0, 0, 0},  // online capable
                   {5, 12, 0, 0, 0x00, 0x10, 0xE0, 0xFE, 1, 0, 0, 0},        // 0x1FEE01000
                   {10, 12, 5, 0, 7, 0, 0, 0, 1, 0, 0, 0},                   // x2APIC NMI
                   {3, 8, 0x0D, 0, 30, 0, 0, 0}});                           // NMI source GSI 30
    bool ok;
    auto m = parse(as_table(t), &ok);
    ASSERT_TRUE(ok);
    ASSERT_EQ(m->cpu_count, 2u);
    EXPECT_EQ(m->cpus[0].apic_id, 256u);
    EXPECT_EQ(m->cpus[0].uid, 7u);
    EXPECT_TRUE(m->cpus[0].x2apic);
    EXPECT_TRUE(m->cpus[0].enabled);
    EXPECT_FALSE(m->cpus[1].enabled);
    EXPECT_TRUE(m->cpus[1].online_capable);
    EXPECT_EQ(m->enabled_cpus(), 1u);
    EXPECT_EQ(m->lapic_address, 0x1FEE01000ull);
    ASSERT_EQ(m->nmi_count, 2u);
    EXPECT_EQ(m->nmis[0].uid, 7u);
    EXPECT_EQ(m->nmis[0].lint, 1);
    EXPECT_EQ(m->nmis[0].flags, 5);
    EXPECT_EQ(m->nmis[1].kind, acpi::Madt_nmi::Kind::source);
    EXPECT_EQ(m->nmis[1].gsi, 30u);
}

TEST(AcpiMadt, ZeroLengthEntryIsRejected)
{
    auto t = madt({{0, 8, 0, 0, 1, 0, 0, 0}, {0, 0, 0, 0}});
    bool ok;
    parse(as_table(t), &ok);
    EXPECT_FALSE(ok);
}

TEST(AcpiMadt, EntryShorterThanItsTypeIsRejected)
{
    auto t = madt({{1, 8, 0, 0, 0, 0, 0xC0, 0xFE}});   // IO-APIC needs 12
    bool ok;
    parse(as_table(t), &ok);
    EXPECT_FALSE(ok);
}

TEST(AcpiMadt, EntryRunningPastTheTableIsRejected)
{
    auto t = madt({{0, 8, 0, 0, 1, 0, 0, 0}, {0, 9, 1, 1, 1, 0, 0, 0}});
    bool ok;
    parse(as_table(t), &ok);
    EXPECT_FALSE(ok);
    auto dangling = madt({{0, 8, 0, 0, 1, 0, 0, 0}, {0}});   // one lone byte
    parse(as_table(dangling), &ok);
    EXPECT_FALSE(ok);
}

TEST(AcpiMadt, UnknownEntryTypesAreSkipped)
{
    auto t = madt({{0x7F, 2}, {0x14, 5, 1, 2, 3}, {0, 8, 0, 3, 1, 0, 0, 0}});
    bool ok;
    auto m = parse(as_table(t), &ok);
    ASSERT_TRUE(ok);
    ASSERT_EQ(m->cpu_count, 1u);
    EXPECT_EQ(m->cpus[0].apic_id, 3u);
}

TEST(AcpiMadt, CpusBeyondTheLimitAreCountedAsDropped)
{
    std::vector<std::vector<uint8_t>> e;
    for (unsigned i = 0; i < acpi::Madt::max_cpus + 3; ++i)
        e.push_back({9, 16, 0, 0, static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
    auto t = madt(e);
    bool ok;
    auto m = parse(as_table(t), &ok);
    ASSERT_TRUE(ok);
    EXPECT_EQ(m->cpu_count, acpi::Madt::max_cpus);
    EXPECT_EQ(m->dropped, 3u);
}

TEST(AcpiMadt, WrongSignatureOrNoRoomForTheFixedFieldsIsRejected)
{
    Fake_memory mem(qemu_pc_regions);
    bool ok;
    parse(table_in(mem, "HPET"), &ok);
    EXPECT_FALSE(ok);
    auto t = make_table("APIC", 1, {0, 0, 0xE0});
    parse(as_table(t), &ok);
    EXPECT_FALSE(ok);
}

TEST(AcpiMadt, GsiIsServedByTheIoApicWhoseRangeHoldsIt)
{
    auto t = madt({{1, 12, 1, 0, 0, 0, 0xC0, 0xFE, 0, 0, 0, 0}, {1, 12, 2, 0, 0, 0x10, 0xC0, 0xFE, 24, 0, 0, 0}});
    bool ok;
    auto m = parse(as_table(t), &ok);
    ASSERT_TRUE(ok);
    const uint32_t entries[] = {24, 16};
    EXPECT_EQ(acpi::ioapic_for_gsi(*m, entries, 0), 0);
    EXPECT_EQ(acpi::ioapic_for_gsi(*m, entries, 23), 0);
    EXPECT_EQ(acpi::ioapic_for_gsi(*m, entries, 24), 1);
    EXPECT_EQ(acpi::ioapic_for_gsi(*m, entries, 39), 1);
    EXPECT_EQ(acpi::ioapic_for_gsi(*m, entries, 40), -1);
}

} // namespace
