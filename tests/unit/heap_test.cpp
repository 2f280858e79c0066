#include "hypervisor/mm/heap.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <vector>

namespace {

// Frames from the host's aligned_alloc, with a budget so exhaustion can be
// tested, and a record of what is outstanding.
struct Fake_frames {
    size_t budget = 1 << 20;  // frames
    std::map<void*, unsigned> live;
    size_t frees = 0;

    static void* alloc(void* ctx, unsigned order)
    {
        auto* self = static_cast<Fake_frames*>(ctx);
        size_t n = size_t{1} << order;
        if (n > self->budget)
            return nullptr;
        void* p = std::aligned_alloc(4096, 4096 * n);
        std::memset(p, 0xA5, 4096 * n);  // dirty, so zeroing is observable
        self->budget -= n;
        self->live[p] = order;
        return p;
    }
    static bool free(void* ctx, void* p, unsigned order)
    {
        auto* self = static_cast<Fake_frames*>(ctx);
        auto it = self->live.find(p);
        if (it == self->live.end() || it->second != order)
            return false;
        self->budget += size_t{1} << order;
        self->live.erase(it);
        ++self->frees;
        std::free(p);
        return true;
    }
    static int order_of(void* ctx, const void* p)
    {
        auto* self = static_cast<Fake_frames*>(ctx);
        auto it = self->live.find(const_cast<void*>(p));
        return it == self->live.end() ? -1 : static_cast<int>(it->second);
    }
    ~Fake_frames()
    {
        for (auto& [p, o] : live)
            std::free(p);
    }
};

struct HeapTest : ::testing::Test {
    Fake_frames frames;
    Heap heap;
    void SetUp() override
    {
        heap.init({&Fake_frames::alloc, &Fake_frames::free, &Fake_frames::order_of, &frames});
    }
    bool all_zero(const void* p, size_t n)
    {
        auto* b = static_cast<const uint8_t*>(p);
        for (size_t i = 0; i < n; ++i)
            if (b[i])
                return false;
        return true;
    }
};

} // namespace

TEST_F(HeapTest, ZeroSizeGivesNull)
{
    EXPECT_EQ(heap.alloc(0), nullptr);
}

TEST_F(HeapTest, SmallObjectsAreZeroedAlignedAndDistinct)
{
    std::vector<void*> v;
    for (size_t size : {1, 15, 16, 17, 100, 256, 1000, 1984}) {
        for (int i = 0; i < 10; ++i) {
            void* p = heap.alloc(size);
            ASSERT_NE(p, nullptr);
            EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
            EXPECT_NE(reinterpret_cast<uintptr_t>(p) % 4096, 0u);
            EXPECT_TRUE(all_zero(p, size));
            std::memset(p, 0x5A, size);
            v.push_back(p);
        }
    }
    std::sort(v.begin(), v.end());
    EXPECT_EQ(std::unique(v.begin(), v.end()), v.end());
    for (void* p : v)
        EXPECT_TRUE(heap.free(p));
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    EXPECT_TRUE(frames.live.empty()) << "empty slabs go back to the frame source";
}

TEST_F(HeapTest, ObjectsDoNotOverlap)
{
    std::vector<std::pair<uint8_t*, size_t>> v;
    std::mt19937 rng(5);
    for (int i = 0; i < 2000; ++i) {
        size_t size = 1 + rng() % 3000;
        auto* p = static_cast<uint8_t*>(heap.alloc(size));
        ASSERT_NE(p, nullptr);
        std::memset(p, static_cast<int>(i & 0xFF), size);
        v.push_back({p, size});
    }
    for (size_t i = 0; i < v.size(); ++i)
        for (size_t k = 0; k < v[i].second; k += 97)
            ASSERT_EQ(v[i].first[k], static_cast<uint8_t>(i & 0xFF)) << "object " << i << " overwritten";
    for (auto [p, s] : v)
        EXPECT_TRUE(heap.free(p));
    EXPECT_TRUE(frames.live.empty());
}

TEST_F(HeapTest, LargeSizesTakeWholeFrames)
{
    void* p = heap.alloc(4096);
    void* q = heap.alloc(3 * 4096 + 1);  // order 2
    ASSERT_NE(p, nullptr);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 4096, 0u);
    EXPECT_EQ(frames.live[q], 2u);
    EXPECT_TRUE(all_zero(q, 4 * 4096));
    EXPECT_TRUE(heap.free(p));
    EXPECT_TRUE(heap.free(q));
    EXPECT_TRUE(frames.live.empty());
}

TEST_F(HeapTest, DoubleFreeIsRefused)
{
    void* a = heap.alloc(32);
    void* b = heap.alloc(32);  // keeps the slab alive
    ASSERT_TRUE(heap.free(a));
    size_t in_use = heap.bytes_in_use();
    EXPECT_FALSE(heap.free(a));
    EXPECT_EQ(heap.bytes_in_use(), in_use);
    void* big = heap.alloc(10000);
    ASSERT_TRUE(heap.free(big));
    EXPECT_FALSE(heap.free(big));
    EXPECT_TRUE(heap.free(b));
}

TEST_F(HeapTest, BogusPointersAreRefused)
{
    auto* a = static_cast<char*>(heap.alloc(64));
    EXPECT_FALSE(heap.free(a + 8)) << "inside an object";
    EXPECT_FALSE(heap.free(a - 64)) << "in the slab header";
    alignas(4096) static char not_ours[8192];
    EXPECT_FALSE(heap.free(not_ours)) << "a frame the heap never handed out";
    EXPECT_FALSE(heap.free(not_ours + 4096 + 160)) << "no slab header there";
    EXPECT_TRUE(heap.free(nullptr));
    void* slab = reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(a) & ~uintptr_t{4095});
    EXPECT_FALSE(heap.free(slab)) << "the slab frame itself";
    EXPECT_EQ(frames.live.count(slab), 1u);
    EXPECT_TRUE(heap.free(a));
}

TEST_F(HeapTest, ExhaustionGivesNullAndRecovers)
{
    frames.budget = 2;
    void* big = heap.alloc(3 * 4096);  // needs 4 frames
    EXPECT_EQ(big, nullptr);
    std::vector<void*> v;
    for (;;) {
        void* p = heap.alloc(1024);
        if (!p)
            break;
        v.push_back(p);
    }
    EXPECT_EQ(v.size(), 2u * ((4096 - Heap::header_bytes) / 1024));
    EXPECT_TRUE(heap.free(v.back()));
    v.pop_back();
    EXPECT_NE(heap.alloc(1024), nullptr);
    EXPECT_EQ(heap.alloc(1ull << 40), nullptr) << "beyond the largest block";
}

TEST_F(HeapTest, SlabReuseAfterFree)
{
    void* a = heap.alloc(128);
    ASSERT_TRUE(heap.free(a));
    EXPECT_EQ(frames.frees, 1u);
    void* b = heap.alloc(128);
    EXPECT_NE(b, nullptr);
    EXPECT_EQ(heap.slab_frames(), 1u);
    EXPECT_TRUE(heap.free(b));
}
