#include "tools/lib/base/heap.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace {

using toolstack::Heap;

struct Arena {
    alignas(16) uint8_t bytes[64 * 1024];
};

TEST(ToolstackHeap, AllocationsAreDisjointAlignedAndInsideTheRange)
{
    Arena a;
    Heap h(a.bytes, sizeof a.bytes);
    std::vector<std::pair<uint8_t*, size_t>> got;
    for (size_t n = 1; n < 200; n += 7) {
        auto* p = static_cast<uint8_t*>(h.alloc(n));
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % Heap::granule, 0u);
        EXPECT_GE(p, a.bytes);
        EXPECT_LE(p + n, a.bytes + sizeof a.bytes);
        for (auto& [q, m] : got)
            EXPECT_TRUE(p + n <= q || q + m <= p);
        got.emplace_back(p, n);
    }
    EXPECT_TRUE(h.consistent());
}

TEST(ToolstackHeap, ReleasingEverythingMergesBackIntoOneBlock)
{
    Arena a;
    Heap h(a.bytes, sizeof a.bytes);
    size_t all = h.free_bytes();
    std::mt19937 rng(7);
    std::vector<std::pair<void*, size_t>> live;
    for (int i = 0; i < 5000; ++i) {
        if (live.empty() || rng() % 3 != 0) {
            size_t n = 1 + rng() % 900;
            if (void* p = h.alloc(n)) {
                std::memset(p, 0xa5, n);
                live.emplace_back(p, n);
            }
        } else {
            size_t k = rng() % live.size();
            h.release(live[k].first, live[k].second);
            live.erase(live.begin() + static_cast<long>(k));
        }
        ASSERT_TRUE(h.consistent()) << "after step " << i;
    }
    for (auto& [p, n] : live)
        h.release(p, n);
    EXPECT_EQ(h.free_bytes(), all);
    // One block again: the whole range can be had at once.
    void* p = h.alloc(all);
    EXPECT_NE(p, nullptr);
}

TEST(ToolstackHeap, ExhaustionAnswersNullAndChangesNothing)
{
    Arena a;
    Heap h(a.bytes, 1024);
    EXPECT_EQ(h.alloc(2048), nullptr);
    EXPECT_EQ(h.alloc(0), nullptr);
    void* p = h.alloc(1024);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(h.alloc(1), nullptr);
    EXPECT_EQ(h.free_bytes(), 0u);
    h.release(p, 1024);
    EXPECT_EQ(h.free_bytes(), 1024u);
    EXPECT_TRUE(h.consistent());
}

TEST(ToolstackHeap, AnUnalignedBaseIsRoundedUp)
{
    Arena a;
    Heap h(a.bytes + 3, 100);
    EXPECT_EQ(h.size(), 80u); // 13 bytes to the next granule, then whole granules
    void* p = h.alloc(16);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
}

} // namespace
