#include "hypervisor/lib/rangeset.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

std::set<uint64_t> members(const Rangeset& s)
{
    std::set<uint64_t> m;
    for (unsigned i = 0; i < s.size(); ++i)
        for (uint64_t v = s.first(i); v <= s.last(i); ++v)
            m.insert(v);
    return m;
}

} // namespace

TEST(Rangeset, AdjacentAndOverlappingAddsMergeIntoOneRange)
{
    Rangeset s;
    ASSERT_TRUE(s.add(10, 19));
    ASSERT_TRUE(s.add(20, 29));
    ASSERT_TRUE(s.add(5, 12));
    EXPECT_EQ(s.size(), 1u);
    EXPECT_EQ(s.first(0), 5u);
    EXPECT_EQ(s.last(0), 29u);
    EXPECT_TRUE(s.contains(5, 29));
    EXPECT_FALSE(s.contains(4, 29));
}

TEST(Rangeset, RemovingTheMiddleSplitsARange)
{
    Rangeset s;
    ASSERT_TRUE(s.add(0, 0xFFFF));
    ASSERT_TRUE(s.remove(0x40, 0x43));
    ASSERT_TRUE(s.remove(0x20, 0x21));
    EXPECT_EQ(s.size(), 3u);
    EXPECT_TRUE(s.contains(0x44, 0xFFFF));
    EXPECT_FALSE(s.contains(0x42, 0x42));
    EXPECT_FALSE(s.contains(0x3F, 0x40));
    EXPECT_TRUE(s.overlaps(0x3F, 0x40));
    EXPECT_FALSE(s.overlaps(0x40, 0x43));
}

TEST(Rangeset, FullSetRefusesAnotherRangeAndStaysUnchanged)
{
    Rangeset s;
    for (unsigned i = 0; i < Rangeset::capacity; ++i)
        ASSERT_TRUE(s.add(i * 10, i * 10 + 1));
    auto before = members(s);
    EXPECT_FALSE(s.add(1000, 1001));
    EXPECT_EQ(members(s), before);
    EXPECT_TRUE(s.add(2, 9)); // merging needs no new slot
    Rangeset full;
    ASSERT_TRUE(full.add(0, 1000));
    for (unsigned i = 1; i < Rangeset::capacity; ++i)
        ASSERT_TRUE(full.remove(i * 20, i * 20));
    auto before_split = members(full);
    EXPECT_FALSE(full.remove(5, 5)); // would need a 33rd range
    EXPECT_EQ(members(full), before_split);
}

TEST(Rangeset, InvertedRangesAreRefused)
{
    Rangeset s;
    EXPECT_FALSE(s.add(5, 4));
    EXPECT_FALSE(s.remove(5, 4));
    EXPECT_EQ(s.size(), 0u);
}

TEST(Rangeset, RangesReachingTheTopOfTheTypeMergeWithoutWrapping)
{
    Rangeset s;
    ASSERT_TRUE(s.add(UINT64_MAX - 5, UINT64_MAX));
    ASSERT_TRUE(s.add(0, 3));
    EXPECT_EQ(s.size(), 2u);
    ASSERT_TRUE(s.add(UINT64_MAX - 10, UINT64_MAX - 6));
    EXPECT_EQ(s.size(), 2u);
    EXPECT_TRUE(s.contains(UINT64_MAX - 10, UINT64_MAX));
}

TEST(Rangeset, RandomAddsAndRemovesMatchASetModel)
{
    Rangeset s;
    std::set<uint64_t> model;
    uint32_t seed = 12345;
    auto rnd = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) % 200; };
    for (int step = 0; step < 5000; ++step) {
        uint64_t a = rnd(), b = a + rnd() % 8;
        bool add = rnd() % 2;
        Rangeset before = s;
        bool ok = add ? s.add(a, b) : s.remove(a, b);
        if (!ok) {
            EXPECT_EQ(members(s), members(before));
            continue;
        }
        for (uint64_t v = a; v <= b; ++v)
            add ? (void)model.insert(v) : (void)model.erase(v);
        ASSERT_EQ(members(s), model) << "step " << step;
        for (unsigned i = 1; i < s.size(); ++i)
            ASSERT_GT(s.first(i), s.last(i - 1) + 1); // sorted, disjoint, merged
    }
}
