#include "hypervisor/boot/memmap.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

struct Result {
    Memory_map map;
    Mmap_stats stats;
};

Result run(std::vector<Raw_mmap_entry> e)
{
    Result r;
    sanitise_mmap(e.data(), static_cast<unsigned>(e.size()), r.map, r.stats);
    return r;
}

std::vector<Mem_range> ranges(const Memory_map& m)
{
    std::vector<Mem_range> v;
    for (unsigned i = 0; i < m.count(); ++i)
        v.push_back(m[i]);
    return v;
}

void expect_ranges(const Memory_map& m, std::vector<std::pair<uint64_t, uint64_t>> want)
{
    auto got = ranges(m);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i].start, want[i].first) << "range " << i;
        EXPECT_EQ(got[i].end, want[i].second) << "range " << i;
    }
}

// Invariants every output must satisfy, whatever the input.
void expect_well_formed(const Memory_map& m)
{
    for (unsigned i = 0; i < m.count(); ++i) {
        EXPECT_EQ(m[i].start % 4096, 0u);
        EXPECT_EQ(m[i].end % 4096, 0u);
        EXPECT_LT(m[i].start, m[i].end);
        EXPECT_LE(m[i].end, Memory_map::phys_limit);
        if (i) {
            EXPECT_LT(m[i - 1].end, m[i].start) << "ranges must be disjoint and not touching";
        }
    }
}

std::vector<uint8_t> multiboot_buffer(const std::vector<Raw_mmap_entry>& e, uint32_t size = 20)
{
    std::vector<uint8_t> b;
    for (auto& x : e) {
        size_t at = b.size();
        b.resize(at + 4 + size);
        std::memcpy(&b[at], &size, 4);
        std::memcpy(&b[at + 4], &x.addr, 8);
        std::memcpy(&b[at + 12], &x.len, 8);
        std::memcpy(&b[at + 20], &x.type, 4);
    }
    return b;
}

} // namespace

TEST(Memmap, TypicalBiosMapKeepsOnlyRamTypeOne)
{
    auto r = run({{0, 0x9FC00, 1},
                  {0x9FC00, 0x400, 2},
                  {0xF0000, 0x10000, 2},
                  {0x100000, 127 * MiB - 0x1000, 1},
                  {128 * MiB - 0x1000, 0x1000, 3},
                  {0xFFFC0000, 0x40000, 2}});
    expect_well_formed(r.map);
    // 0x9FC00 is not page-aligned: the partial page 0x9F000 is dropped.
    expect_ranges(r.map, {{0, 0x9F000}, {0x100000, 128 * MiB - 0x1000}});
    EXPECT_EQ(r.stats.entries, 6u);
    EXPECT_EQ(r.map.total(), 0x9F000 + 127 * MiB - 0x1000);
}

TEST(Memmap, ReservedOverlapWinsWhicheverOrder)
{
    auto a = run({{0, 16 * MiB, 1}, {4 * MiB, 1 * MiB, 2}});
    auto b = run({{4 * MiB, 1 * MiB, 2}, {0, 16 * MiB, 1}});
    expect_ranges(a.map, {{0, 4 * MiB}, {5 * MiB, 16 * MiB}});
    expect_ranges(b.map, {{0, 4 * MiB}, {5 * MiB, 16 * MiB}});
}

TEST(Memmap, UnalignedReservedWidensToWholePages)
{
    auto r = run({{0, 1 * MiB, 1}, {0x10010, 0x10, 4}});
    expect_ranges(r.map, {{0, 0x10000}, {0x11000, 1 * MiB}});
}

TEST(Memmap, UnalignedRamDropsPartialPages)
{
    auto r = run({{0x1001, 0x3000, 1}});
    expect_ranges(r.map, {{0x2000, 0x4000}});
    auto tiny = run({{0x1001, 0xFFE, 1}});
    EXPECT_EQ(tiny.map.count(), 0u);
}

TEST(Memmap, OverlappingAndAdjacentRamMerges)
{
    auto r = run({{0x200000, 0x100000, 1}, {0x100000, 0x180000, 1}, {0x300000, 0x1000, 1}});
    expect_ranges(r.map, {{0x100000, 0x301000}});
}

TEST(Memmap, ZeroLengthEntriesAreIgnored)
{
    auto r = run({{0x100000, 0, 1}, {0, 0, 2}, {0x200000, 0x1000, 1}});
    expect_ranges(r.map, {{0x200000, 0x201000}});
    EXPECT_EQ(r.stats.ignored, 2u);
}

TEST(Memmap, WrapAroundIsClippedNotWrapped)
{
    // addr + len overflows 2^64: must not become a small range at 0.
    auto r = run({{0x100000000ull, ~0ull, 1}, {0, 0x1000, 2}});
    expect_well_formed(r.map);
    expect_ranges(r.map, {{0x100000000ull, Memory_map::phys_limit}});
    EXPECT_EQ(r.stats.clipped, 1u);
}

TEST(Memmap, ReservedWrapAroundRemovesEverythingAbove)
{
    auto r = run({{0, 8 * GiB, 1}, {6 * GiB, ~0ull - 100, 2}});
    expect_ranges(r.map, {{0, 6 * GiB}});
}

TEST(Memmap, BeyondPaeLimitIsIgnoredOrClipped)
{
    auto r = run({{1ull << 52, 1 * GiB, 1}, {(1ull << 52) - 0x2000, 0x10000, 1}, {~0ull, 1, 1}});
    expect_ranges(r.map, {{(1ull << 52) - 0x2000, 1ull << 52}});
    EXPECT_EQ(r.stats.ignored, 2u);
    EXPECT_EQ(r.stats.clipped, 1u);
}

TEST(Memmap, UnknownTypesAreNotRam)
{
    auto r = run({{0, 1 * MiB, 5}, {1 * MiB, 1 * MiB, 12}, {2 * MiB, 1 * MiB, 0}, {3 * MiB, 1 * MiB, 1}});
    expect_ranges(r.map, {{3 * MiB, 4 * MiB}});
}

TEST(Memmap, ReservedCoveringEverythingLeavesNothing)
{
    auto r = run({{0x1000, 4 * GiB, 1}, {0, ~0ull, 2}});
    EXPECT_EQ(r.map.count(), 0u);
    EXPECT_EQ(r.map.total(), 0u);
}

TEST(Memmap, OverflowDropsRamAndSaysSo)
{
    std::vector<Raw_mmap_entry> e;
    for (uint64_t i = 0; i < Memory_map::capacity + 20; ++i)
        e.push_back({i * 2 * MiB, 1 * MiB, 1});
    auto r = run(e);
    EXPECT_TRUE(r.map.truncated());
    EXPECT_EQ(r.map.count(), Memory_map::capacity);
    expect_well_formed(r.map);
}

TEST(Memmap, SplitWhenFullKeepsLargerPiece)
{
    Memory_map m;
    for (uint64_t i = 0; i < Memory_map::capacity - 1; ++i)
        m.add(i * 2 * MiB, 1 * MiB);
    m.add(1 * GiB, 100 * MiB);
    ASSERT_EQ(m.count(), Memory_map::capacity);
    m.remove(1 * GiB + 10 * MiB, 1 * MiB);  // needs a split, no room
    EXPECT_TRUE(m.truncated());
    EXPECT_EQ(m[m.count() - 1].start, 1 * GiB + 11 * MiB);
    EXPECT_EQ(m[m.count() - 1].end, 1 * GiB + 100 * MiB);
}

TEST(Memmap, RemoveCarvesReservations)
{
    auto r = run({{0, 64 * MiB, 1}});
    r.map.remove(0, 1 * MiB);
    r.map.remove(2 * MiB + 5, 10);           // widened to one page
    r.map.remove(10 * MiB, 100 * GiB);       // over the end
    r.map.remove(1 * GiB, 4096);             // nothing there
    expect_ranges(r.map, {{1 * MiB, 2 * MiB}, {2 * MiB + 4096, 10 * MiB}});
}

TEST(Memmap, RemoveSpanningSeveralRanges)
{
    auto r = run({{0, 1 * MiB, 1}, {2 * MiB, 1 * MiB, 1}, {4 * MiB, 1 * MiB, 1}, {6 * MiB, 1 * MiB, 1}});
    r.map.remove(512 * KiB, 4 * MiB);
    expect_ranges(r.map, {{0, 512 * KiB}, {4 * MiB + 512 * KiB, 5 * MiB}, {6 * MiB, 7 * MiB}});
}

TEST(Memmap, TakeHonoursLimitAlignmentAndRemoves)
{
    auto r = run({{0, 16 * MiB, 1}, {4 * GiB, 1 * GiB, 1}});
    uint64_t a = r.map.take(3 * 4096, 2 * MiB, 16 * MiB);
    EXPECT_EQ(a, 14 * MiB);
    uint64_t b = r.map.take(4096, 4096, ~0ull);
    EXPECT_EQ(b, 5 * GiB - 4096);
    EXPECT_EQ(r.map.total(), 16 * MiB - 3 * 4096 + 1 * GiB - 4096);
    EXPECT_EQ(r.map.take(32 * MiB, 4096, 4 * GiB), Memory_map::no_addr);
    EXPECT_EQ(r.map.take(4096, 3, ~0ull), Memory_map::no_addr) << "alignment must be a power of two";
    EXPECT_EQ(r.map.take(100, 4096, ~0ull), Memory_map::no_addr) << "whole pages only";
    EXPECT_EQ(r.map.take(4096, 4096, 4096), 0u);
}

TEST(Memmap, MultibootBufferParses)
{
    auto buf = multiboot_buffer({{0, 0x9FC00, 1}, {0x100000, 0x700000, 1}, {0x400000, 0x1000, 2}});
    Memory_map m;
    Mmap_stats st;
    sanitise_multiboot_mmap(buf.data(), static_cast<uint32_t>(buf.size()), m, st);
    EXPECT_FALSE(st.malformed);
    EXPECT_EQ(st.entries, 3u);
    expect_ranges(m, {{0, 0x9F000}, {0x100000, 0x400000}, {0x401000, 0x800000}});
}

TEST(Memmap, MultibootLargerEntrySizeIsSkippedCorrectly)
{
    auto buf = multiboot_buffer({{0x100000, 0x100000, 1}, {0x300000, 0x100000, 1}}, 24);
    Memory_map m;
    Mmap_stats st;
    sanitise_multiboot_mmap(buf.data(), static_cast<uint32_t>(buf.size()), m, st);
    EXPECT_FALSE(st.malformed);
    expect_ranges(m, {{0x100000, 0x200000}, {0x300000, 0x400000}});
}

TEST(Memmap, MultibootTruncatedOrShortEntriesStopSafely)
{
    auto buf = multiboot_buffer({{0x100000, 0x100000, 1}, {0x300000, 0x100000, 1}});
    Memory_map m;
    Mmap_stats st;
    sanitise_multiboot_mmap(buf.data(), static_cast<uint32_t>(buf.size() - 3), m, st);
    EXPECT_TRUE(st.malformed);
    expect_ranges(m, {{0x100000, 0x200000}});

    auto bad = multiboot_buffer({{0x100000, 0x100000, 1}}, 8);  // size too small
    sanitise_multiboot_mmap(bad.data(), static_cast<uint32_t>(bad.size()), m, st);
    EXPECT_TRUE(st.malformed);
    EXPECT_EQ(m.count(), 0u);

    std::vector<uint8_t> huge(8, 0xFF);  // size 0xFFFFFFFF runs past the buffer
    sanitise_multiboot_mmap(huge.data(), 8, m, st);
    EXPECT_TRUE(st.malformed);
    EXPECT_EQ(m.count(), 0u);
}

TEST(Memmap, FallbackUsesLowerAndUpper)
{
    Memory_map m;
    memmap_from_mem_fields(639, 127 * 1024, m);
    expect_ranges(m, {{0, 0x9F000}, {1 * MiB, 128 * MiB}});  // 639 KiB ends mid-page
    memmap_from_mem_fields(5000, 0, m);  // bogus lower stops at 640 KiB
    expect_ranges(m, {{0, 640 * KiB}});
    memmap_from_mem_fields(0xFFFFFFFF, 0xFFFFFFFF, m);
    expect_well_formed(m);
    EXPECT_EQ(m.highest_end(), 0x400000FF000ull);  // 1 MiB + 0xFFFFFFFF KiB, whole pages
}

TEST(Memmap, RandomHostileMapsNeverYieldReservedBytes)
{
    std::mt19937_64 rng(12345);
    for (int round = 0; round < 300; ++round) {
        std::vector<Raw_mmap_entry> e;
        int n = static_cast<int>(rng() % 40);
        for (int i = 0; i < n; ++i) {
            uint64_t addr = rng() % 4 == 0 ? rng() : rng() % (8 * GiB);
            uint64_t len = rng() % 4 == 0 ? rng() : rng() % (512 * MiB);
            uint32_t type = static_cast<uint32_t>(rng() % 3 ? 1 : rng() % 6);
            e.push_back({addr, len, type});
        }
        auto r = run(e);
        expect_well_formed(r.map);
        // No usable byte lies in a non-RAM entry, and every usable byte lies
        // in some RAM entry.
        for (unsigned i = 0; i < r.map.count(); ++i) {
            for (auto& x : e) {
                if (x.type == 1 || x.len == 0 || x.addr >= Memory_map::phys_limit)
                    continue;
                uint64_t end = x.addr + x.len < x.addr ? ~0ull : x.addr + x.len;
                EXPECT_TRUE(end <= r.map[i].start || x.addr >= r.map[i].end)
                    << "round " << round;
            }
            uint64_t probe = r.map[i].start;
            bool in_ram = false;
            for (auto& x : e) {
                uint64_t end = x.addr + x.len < x.addr ? ~0ull : x.addr + x.len;
                in_ram |= x.type == 1 && x.addr <= probe && probe < end;
            }
            EXPECT_TRUE(in_ram) << "round " << round;
        }
    }
}
