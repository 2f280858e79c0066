#include "hypervisor/boot/e820.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

struct Raw {
    uint64_t addr, len;
    uint32_t type;
};

std::vector<uint8_t> multiboot_mmap(const std::vector<Raw>& entries, uint32_t size = 20)
{
    std::vector<uint8_t> b;
    for (const Raw& r : entries) {
        size_t at = b.size();
        b.resize(at + 4 + size);
        std::memcpy(&b[at], &size, 4);
        std::memcpy(&b[at + 4], &r.addr, 8);
        std::memcpy(&b[at + 12], &r.len, 8);
        std::memcpy(&b[at + 20], &r.type, 4);
    }
    return b;
}

E820_map build(const std::vector<uint8_t>& b)
{
    E820_map m;
    m.build_from_multiboot(b.data(), static_cast<uint32_t>(b.size()));
    return m;
}

} // namespace

TEST(E820, QemuMapKeepsReservedAndAcpiRangesInOrder)
{
    E820_map m = build(multiboot_mmap({{0x100000, 0x7EE0000, 1},
                                       {0, 0x9FC00, 1},
                                       {0x9FC00, 0x400, 2},
                                       {0xF0000, 0x10000, 2},
                                       {0x7FE0000, 0x20000, 2},
                                       {0xFFFC0000, 0x40000, 2}}));
    ASSERT_EQ(m.count(), 6u) << "0x9FC00 and 0xF0000 reserved are not adjacent";
    EXPECT_EQ(m[0].addr, 0u);
    EXPECT_EQ(m[0].type, 1u);
    EXPECT_EQ(m[1].addr, 0x9FC00u);
    EXPECT_EQ(m[1].type, 2u);
    EXPECT_EQ(m[2].addr, 0xF0000u);
    EXPECT_EQ(m[3].addr, 0x100000u);
    EXPECT_EQ(m[3].type, 1u);
    EXPECT_EQ(m[4].addr, 0x7FE0000u);
    EXPECT_EQ(m[4].type, 2u);
    EXPECT_EQ(m[5].addr, 0xFFFC0000u);
}

TEST(E820, OverlapsAreResolvedInFavourOfTheLargerType)
{
    // RAM 0-16 MiB with an ACPI table range (3) and a reserved hole (2) in it.
    E820_map m = build(multiboot_mmap({{0, 0x1000000, 1}, {0x800000, 0x1000, 3}, {0x800800, 0x1000, 2}}));
    ASSERT_EQ(m.count(), 4u);
    EXPECT_EQ(m[0].size, 0x800000u);
    EXPECT_EQ(m[1].addr, 0x800000u);
    EXPECT_EQ(m[1].size, 0x1000u);
    EXPECT_EQ(m[1].type, 3u);
    EXPECT_EQ(m[2].addr, 0x801000u);
    EXPECT_EQ(m[2].size, 0x800u);
    EXPECT_EQ(m[2].type, 2u);
    EXPECT_EQ(m[3].addr, 0x801800u);
    EXPECT_EQ(m[3].type, 1u);
}

TEST(E820, EmptyWrappingAndMalformedEntriesAreDropped)
{
    auto b = multiboot_mmap({{0, 0, 1}, {0xFFFFFFFFFFFFF000ull, 0x2000, 1}, {0x1000, 0x1000, 1}});
    b.push_back(0xFF); // a truncated tail
    E820_map m = build(b);
    ASSERT_EQ(m.count(), 1u);
    EXPECT_EQ(m[0].addr, 0x1000u);
    E820_map bad = build(multiboot_mmap({{0, 0x1000, 1}}, 8)); // size field too small
    EXPECT_EQ(bad.count(), 0u);
}

TEST(E820, LargerEntrySizesAreSkippedOverAndMoreEntriesThanCapacityAreDropped)
{
    E820_map m = build(multiboot_mmap({{0, 0x1000, 1}, {0x2000, 0x1000, 2}}, 24));
    EXPECT_EQ(m.count(), 2u);
    std::vector<Raw> many;
    for (uint64_t i = 0; i < 200; ++i)
        many.push_back({i * 0x2000, 0x1000, static_cast<uint32_t>(1 + i % 2)});
    E820_map full = build(multiboot_mmap(many));
    EXPECT_EQ(full.count(), E820_map::capacity);
    for (unsigned i = 1; i < full.count(); ++i)
        EXPECT_GE(full[i].addr, full[i - 1].addr + full[i - 1].size);
}
