#include "hypervisor/mm/frame_alloc.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace {

// A machine of nr frames: the frame table and bitmap on the host heap,
// every frame reserved until a test hands ranges to the allocator.
struct Machine {
    explicit Machine(uint32_t nr, Frame_state initial = Frame_state::reserved)
        : pages(nr), bitmap(Frame_allocator::bitmap_words(nr))
    {
        for (auto& p : pages)
            init_page(p, initial);
        alloc = std::make_unique<Frame_allocator>();
        EXPECT_TRUE(alloc->init(pages.data(), nr, bitmap.data(), bitmap.size()));
    }
    std::vector<Page> pages;
    std::vector<uint32_t> bitmap;
    std::unique_ptr<Frame_allocator> alloc;
};

constexpr uint32_t direct = Frame_allocator::direct_frames;
constexpr uint32_t low = Frame_allocator::low_frames;

} // namespace

TEST(FrameAlloc, InitRefusesTooSmallBitmap)
{
    std::vector<Page> pages(4096);
    std::vector<uint32_t> bm(Frame_allocator::bitmap_words(4096) - 1);
    Frame_allocator a;
    EXPECT_FALSE(a.init(pages.data(), 4096, bm.data(), bm.size()));
}

TEST(FrameAlloc, AddFreeCountsOnlyReservedFrames)
{
    Machine m(1024);
    m.pages[10].state = Frame_state::absent;
    EXPECT_EQ(m.alloc->add_free(Mfn{0}, 100), 99u);
    EXPECT_EQ(m.alloc->free_frames(Zone::any), 99u);
    EXPECT_EQ(m.alloc->add_free(Mfn{0}, 100), 0u) << "already free frames are not added twice";
    EXPECT_EQ(m.alloc->add_free(Mfn{1000}, 1000), 24u) << "clipped to the table";
    EXPECT_EQ(m.pages[10].state, Frame_state::absent);
}

TEST(FrameAlloc, ExhaustionReturnsInvalidThenRecovers)
{
    Machine m(64);
    ASSERT_EQ(m.alloc->add_free(Mfn{0}, 64), 64u);
    std::set<uint32_t> got;
    for (int i = 0; i < 64; ++i) {
        Mfn f = m.alloc->alloc(0, Zone::any);
        ASSERT_NE(f, invalid_mfn);
        EXPECT_TRUE(got.insert(raw(f)).second) << "frame handed out twice";
    }
    EXPECT_EQ(m.alloc->alloc(0, Zone::any), invalid_mfn);
    EXPECT_EQ(m.alloc->free_frames(Zone::any), 0u);
    EXPECT_TRUE(m.alloc->free(Mfn{17}, 0));
    EXPECT_EQ(m.alloc->alloc(0, Zone::any), Mfn{17});
}

TEST(FrameAlloc, BlocksAreAlignedToTheirSize)
{
    Machine m(4096);
    m.alloc->add_free(Mfn{3}, 4000);  // an awkward, unaligned range
    for (unsigned order = 0; order <= 8; ++order) {
        Mfn f = m.alloc->alloc(order, Zone::any);
        ASSERT_NE(f, invalid_mfn) << order;
        EXPECT_EQ(raw(f) % (1u << order), 0u) << order;
        EXPECT_GE(raw(f), 3u);
        EXPECT_LE(raw(f) + (1u << order), 4003u);
        EXPECT_EQ(m.alloc->allocated_order(f), static_cast<int>(order));
    }
}

TEST(FrameAlloc, FreeingEverythingCoalescesBackToMaxOrder)
{
    constexpr uint32_t n = 4 << Frame_allocator::max_order;
    Machine m(n);
    m.alloc->add_free(Mfn{0}, n);
    std::vector<Mfn> frames;
    for (uint32_t i = 0; i < n; ++i)
        frames.push_back(m.alloc->alloc(0, Zone::any));
    EXPECT_EQ(m.alloc->alloc(Frame_allocator::max_order, Zone::any), invalid_mfn);
    std::shuffle(frames.begin(), frames.end(), std::mt19937(7));
    for (Mfn f : frames)
        ASSERT_TRUE(m.alloc->free(f, 0));
    for (int i = 0; i < 4; ++i)
        EXPECT_NE(m.alloc->alloc(Frame_allocator::max_order, Zone::any), invalid_mfn)
            << "free buddies must merge into whole max-order blocks";
    EXPECT_EQ(m.alloc->free_frames(Zone::any), 0u);
}

TEST(FrameAlloc, DoubleFreeIsRefused)
{
    Machine m(256);
    m.alloc->add_free(Mfn{0}, 256);
    Mfn f = m.alloc->alloc(2, Zone::any);
    ASSERT_TRUE(m.alloc->free(f, 2));
    uint32_t before = m.alloc->free_frames(Zone::any);
    EXPECT_FALSE(m.alloc->free(f, 2));
    EXPECT_FALSE(m.alloc->free(f, 0));
    EXPECT_EQ(m.alloc->free_frames(Zone::any), before);
}

TEST(FrameAlloc, WrongOrderOrTailOrMisalignedFreeIsRefused)
{
    Machine m(256);
    m.alloc->add_free(Mfn{0}, 256);
    Mfn f = m.alloc->alloc(3, Zone::any);
    EXPECT_FALSE(m.alloc->free(f, 2)) << "smaller order";
    EXPECT_FALSE(m.alloc->free(f, 4)) << "larger order";
    EXPECT_FALSE(m.alloc->free(f + 1, 0)) << "a tail frame";
    EXPECT_FALSE(m.alloc->free(f + 4, 2)) << "an aligned tail block";
    EXPECT_FALSE(m.alloc->free(f + 1, 3)) << "misaligned";
    EXPECT_EQ(m.alloc->allocated_order(f + 1), -1);
    EXPECT_TRUE(m.alloc->free(f, 3));

    // Two neighbouring order-0 blocks are not one order-1 block.
    Machine two(2);
    two.alloc->add_free(Mfn{0}, 2);
    Mfn a = two.alloc->alloc(0, Zone::any);
    Mfn b = two.alloc->alloc(0, Zone::any);
    ASSERT_EQ(raw(a) ^ raw(b), 1u);
    EXPECT_FALSE(two.alloc->free(Mfn{0}, 1));
    EXPECT_TRUE(two.alloc->free(a, 0));
    EXPECT_TRUE(two.alloc->free(b, 0));
    EXPECT_NE(two.alloc->alloc(1, Zone::any), invalid_mfn);
}

TEST(FrameAlloc, ReservedAbsentAndOutOfRangeFramesAreRefused)
{
    Machine m(128);
    m.alloc->add_free(Mfn{64}, 64);
    m.pages[5].state = Frame_state::absent;
    EXPECT_FALSE(m.alloc->free(Mfn{0}, 0)) << "reserved";
    EXPECT_FALSE(m.alloc->free(Mfn{5}, 0)) << "absent";
    EXPECT_FALSE(m.alloc->free(Mfn{64}, 0)) << "free, never allocated";
    EXPECT_FALSE(m.alloc->free(Mfn{128}, 0)) << "past the table";
    EXPECT_FALSE(m.alloc->free(invalid_mfn, 0));
    EXPECT_FALSE(m.alloc->free(Mfn{0}, 40)) << "absurd order";
    EXPECT_EQ(m.alloc->alloc(Frame_allocator::max_order + 1, Zone::any), invalid_mfn);
    EXPECT_EQ(m.alloc->free_frames(Zone::any), 64u);
}

TEST(FrameAlloc, AllocatedFramesAreUnownedWithCountsUntouched)
{
    Machine m(16);
    m.alloc->add_free(Mfn{0}, 16);
    Mfn f = m.alloc->alloc(1, Zone::any);
    for (uint32_t i = 0; i < 2; ++i) {
        const Page& p = m.pages[raw(f) + i];
        EXPECT_EQ(p.state, Frame_state::allocated);
        EXPECT_EQ(p.owner, domid_invalid);
        EXPECT_EQ(p.count_info, 0u);
        EXPECT_EQ(p.type_info, 0u);
    }
}

TEST(FrameAlloc, ZonesAreRespectedAndHighMemoryPreferred)
{
    // 16 frames in each pool: below 72 MiB, 72 MiB..4 GiB, above 4 GiB.
    Machine m(low + 16);
    m.alloc->add_free(Mfn{direct - 16}, 32);
    m.alloc->add_free(Mfn{low}, 16);
    EXPECT_EQ(m.alloc->free_frames(Zone::direct), 16u);
    EXPECT_EQ(m.alloc->free_frames(Zone::below_4g), 32u);
    EXPECT_EQ(m.alloc->free_frames(Zone::any), 48u);

    Mfn any = m.alloc->alloc(0, Zone::any);
    EXPECT_GE(raw(any), low);
    Mfn b4g = m.alloc->alloc(0, Zone::below_4g);
    EXPECT_GE(raw(b4g), direct);
    EXPECT_LT(raw(b4g), low);
    Mfn dm = m.alloc->alloc(0, Zone::direct);
    EXPECT_LT(raw(dm), direct);

    for (int i = 0; i < 15; ++i)
        ASSERT_LT(raw(m.alloc->alloc(0, Zone::direct)), direct);
    EXPECT_EQ(m.alloc->alloc(0, Zone::direct), invalid_mfn) << "direct zone exhausted";
    EXPECT_NE(m.alloc->alloc(0, Zone::any), invalid_mfn) << "other zones still have frames";
    // below_4g falls back through the pools it may use, never above 4 GiB.
    for (int i = 0; i < 15; ++i) {
        Mfn f = m.alloc->alloc(0, Zone::below_4g);
        ASSERT_NE(f, invalid_mfn);
        EXPECT_LT(raw(f), low);
    }
    EXPECT_EQ(m.alloc->alloc(0, Zone::below_4g), invalid_mfn);
}

TEST(FrameAlloc, AllocBelowALimitInsideAPoolNeverReturnsAFrameAtOrAboveIt)
{
    // Pool 1 holds frames on both sides of a 1 GiB limit (address_bits 30).
    constexpr uint32_t limit = 0x40000;
    Machine m(limit + 4096);
    m.alloc->add_free(Mfn{limit - 64}, 64 + 4096);
    // The highest pool is preferred, but only below the limit.
    for (int i = 0; i < 64; ++i) {
        Mfn f = m.alloc->alloc_below(0, limit);
        ASSERT_NE(f, invalid_mfn);
        EXPECT_LT(raw(f), limit);
    }
    EXPECT_EQ(m.alloc->alloc_below(0, limit), invalid_mfn) << "only frames above the limit are left";
    EXPECT_NE(m.alloc->alloc(0, Zone::below_4g), invalid_mfn);
}

TEST(FrameAlloc, AllocBelowReturnsAWholeAlignedBlockUnderTheLimit)
{
    constexpr uint32_t limit = direct + 1024;
    Machine m(direct + 8192);
    m.alloc->add_free(Mfn{direct}, 8192);
    Mfn f = m.alloc->alloc_below(9, limit);
    ASSERT_NE(f, invalid_mfn);
    EXPECT_EQ(raw(f) % 512, 0u);
    EXPECT_LE(raw(f) + 512, limit);
    Mfn g = m.alloc->alloc_below(9, limit);
    ASSERT_NE(g, invalid_mfn);
    EXPECT_LE(raw(g) + 512, limit);
    EXPECT_EQ(m.alloc->alloc_below(9, limit), invalid_mfn);
    EXPECT_EQ(m.alloc->alloc_below(10, 512), invalid_mfn) << "a limit below the block size";
}

TEST(FrameAlloc, BlocksNeverStraddleTheDirectMapBoundary)
{
    Machine m(direct + 2048);
    m.alloc->add_free(Mfn{direct - 2048}, 4096);
    Mfn f = m.alloc->alloc(Frame_allocator::max_order, Zone::direct);
    ASSERT_NE(f, invalid_mfn);
    EXPECT_EQ(raw(f) + (1u << Frame_allocator::max_order), direct);
    EXPECT_EQ(m.alloc->alloc(0, Zone::direct), invalid_mfn);
}

TEST(FrameAlloc, ConcurrentAllocFreeKeepsCountsConsistent)
{
    constexpr uint32_t n = 8192;
    Machine m(n);
    m.alloc->add_free(Mfn{0}, n);
    auto worker = [&](unsigned seed) {
        std::mt19937 rng(seed);
        std::vector<std::pair<Mfn, unsigned>> held;
        for (int i = 0; i < 4000; ++i) {
            if (held.empty() || rng() % 2) {
                unsigned order = rng() % 4;
                Mfn f = m.alloc->alloc(order, Zone::any);
                if (f != invalid_mfn)
                    held.push_back({f, order});
            } else {
                auto [f, order] = held.back();
                held.pop_back();
                EXPECT_TRUE(m.alloc->free(f, order));
            }
        }
        for (auto [f, order] : held)
            EXPECT_TRUE(m.alloc->free(f, order));
    };
    std::thread t1(worker, 1), t2(worker, 2), t3(worker, 3);
    t1.join();
    t2.join();
    t3.join();
    EXPECT_EQ(m.alloc->free_frames(Zone::any), n);
    EXPECT_NE(m.alloc->alloc(Frame_allocator::max_order, Zone::any), invalid_mfn);
}

TEST(FrameAlloc, RandomisedAgainstAModel)
{
    constexpr uint32_t n = 3000;  // not a power of two on purpose
    Machine m(n);
    m.alloc->add_free(Mfn{1}, n - 1);
    std::mt19937 rng(99);
    std::vector<std::pair<Mfn, unsigned>> held;
    std::vector<bool> used(n, false);
    uint32_t used_frames = 0;
    for (int i = 0; i < 20000; ++i) {
        if (held.empty() || rng() % 3) {
            unsigned order = rng() % 6;
            Mfn f = m.alloc->alloc(order, Zone::any);
            if (f == invalid_mfn)
                continue;
            for (uint32_t k = 0; k < (1u << order); ++k) {
                ASSERT_LT(raw(f) + k, n);
                ASSERT_FALSE(used[raw(f) + k]) << "overlapping allocation";
                used[raw(f) + k] = true;
            }
            used_frames += 1u << order;
            held.push_back({f, order});
        } else {
            size_t at = rng() % held.size();
            auto [f, order] = held[at];
            held.erase(held.begin() + static_cast<long>(at));
            ASSERT_TRUE(m.alloc->free(f, order));
            for (uint32_t k = 0; k < (1u << order); ++k)
                used[raw(f) + k] = false;
            used_frames -= 1u << order;
        }
        ASSERT_EQ(m.alloc->free_frames(Zone::any), n - 1 - used_frames);
    }
    EXPECT_EQ(m.pages[0].state, Frame_state::reserved) << "frame 0 was never given";
}

TEST(FrameAllocSplit, ASplitBlockIsFreedFrameByFrameAndCoalescesBack)
{
    Machine m(64);
    ASSERT_EQ(m.alloc->add_free(Mfn{0}, 64), 64u);
    Mfn b = m.alloc->alloc(3, Zone::any);
    ASSERT_NE(b, invalid_mfn);
    uint32_t free_before = m.alloc->free_frames(Zone::any);
    EXPECT_FALSE(m.alloc->free(b + 1, 0)) << "a tail frame cannot be freed before the split";
    ASSERT_TRUE(m.alloc->split(b, 3));
    EXPECT_FALSE(m.alloc->split(b, 3)) << "already split";
    for (uint32_t i = 0; i < 8; ++i)
        EXPECT_TRUE(m.alloc->free(b + i, 0));
    EXPECT_FALSE(m.alloc->free(b, 0)) << "double free after split";
    EXPECT_EQ(m.alloc->free_frames(Zone::any), free_before + 8);
    EXPECT_NE(m.alloc->alloc(3, Zone::any), invalid_mfn) << "the halves coalesced again";
}
