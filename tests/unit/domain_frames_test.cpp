#include "hypervisor/mm/domain_frames.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace {

struct Counting_alloc {
    int live = 0;
    static void* alloc(void* ctx)
    {
        ++static_cast<Counting_alloc*>(ctx)->live;
        return std::calloc(1, 4096);
    }
    static void free(void* ctx, void* p)
    {
        --static_cast<Counting_alloc*>(ctx)->live;
        std::free(p);
    }
    Chunk_allocator iface() { return {alloc, free, this}; }
};

struct Frames {
    std::map<uint32_t, Page> pages;
    static Page* lookup(void* ctx, Mfn m) { return &static_cast<Frames*>(ctx)->pages[raw(m)]; }
};

} // namespace

TEST(DomainFrames, AddedFramesAreListedAndRemovalKeepsTheRestFindable)
{
    Counting_alloc a;
    Frames f;
    Domain_frames list(a.iface());
    for (uint32_t m = 100; m < 110; ++m)
        ASSERT_TRUE(list.add(Mfn{m}, f.pages[m]));
    EXPECT_EQ(list.count(), 10u);
    list.remove(Mfn{103}, f.pages[103], Frames::lookup, &f);
    EXPECT_EQ(list.count(), 9u);
    std::set<uint32_t> seen;
    for (uint32_t i = 0; i < list.count(); ++i) {
        seen.insert(raw(list.at(i)));
        EXPECT_EQ(f.pages[raw(list.at(i))].next, i) << "each frame knows its slot";
    }
    EXPECT_EQ(seen.count(103), 0u);
    EXPECT_EQ(seen.size(), 9u);
}

TEST(DomainFrames, RemovingAFrameNotInTheListChangesNothing)
{
    Counting_alloc a;
    Frames f;
    Domain_frames list(a.iface());
    ASSERT_TRUE(list.add(Mfn{1}, f.pages[1]));
    Page stranger{};
    stranger.next = 0;
    list.remove(Mfn{2}, stranger, Frames::lookup, &f);
    EXPECT_EQ(list.count(), 1u);
    EXPECT_EQ(raw(list.at(0)), 1u);
}

TEST(DomainFrames, ChunksComeAndGoWithTheListAndAFailedAllocationAddsNothing)
{
    Counting_alloc a;
    Frames f;
    {
        Domain_frames list(a.iface());
        for (uint32_t m = 0; m < 5000; ++m)
            ASSERT_TRUE(list.add(Mfn{m}, f.pages[m]));
        EXPECT_EQ(a.live, 1 + 5) << "one directory, five data chunks";
        for (uint32_t m = 0; m < 4900; ++m)
            list.remove(Mfn{m}, f.pages[m], Frames::lookup, &f);
        int kept = a.live;
        for (uint32_t m = 0; m < 4900; ++m)
            ASSERT_TRUE(list.add(Mfn{m}, f.pages[m]));
        EXPECT_EQ(a.live, kept) << "frames removed go back in without allocating";
        ASSERT_TRUE(list.reserve(3000));
        EXPECT_EQ(a.live, 1 + 8) << "room for 8000 entries";
    }
    EXPECT_EQ(a.live, 0) << "the destructor gives everything back";

    Chunk_allocator none{[](void*) -> void* { return nullptr; }, [](void*, void*) {}, nullptr};
    Domain_frames empty(none);
    Page p{};
    EXPECT_FALSE(empty.add(Mfn{7}, p));
    EXPECT_FALSE(empty.reserve(1));
    EXPECT_EQ(empty.count(), 0u);
}

TEST(DomainFrames, RandomAddsAndRemovesMatchASetModel)
{
    Counting_alloc a;
    Frames f;
    Domain_frames list(a.iface());
    std::set<uint32_t> model;
    std::mt19937 rng(7);
    for (int step = 0; step < 20000; ++step) {
        uint32_t m = rng() % 3000;
        if (model.count(m)) {
            list.remove(Mfn{m}, f.pages[m], Frames::lookup, &f);
            model.erase(m);
        } else {
            ASSERT_TRUE(list.add(Mfn{m}, f.pages[m]));
            model.insert(m);
        }
    }
    ASSERT_EQ(list.count(), model.size());
    std::set<uint32_t> listed;
    for (uint32_t i = 0; i < list.count(); ++i)
        listed.insert(raw(list.at(i)));
    EXPECT_EQ(listed, model);
}
