// Relinquishing a dying domain's memory (hypervisor/mm/relinquish.hpp)
// against the fake machine: trees of pinned tables, tables referencing
// themselves and each other, writable mappings, frames another domain
// still maps, and every budget resuming to the same end.
#include "hypervisor/mm/relinquish.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/pt_ops.hpp"
#include "tests/unit/fake_frame_space.hpp"

namespace {
using F = Fake_frame_space;
using Pass = Relinquish_progress::Pass;
constexpr uint32_t RO = pte::P | pte::A;
constexpr uint32_t RW = pte::P | pte::RW | pte::A | pte::D;
constexpr uint32_t domu_frames = 40; // frames 0..39 are domU's, 40..47 dom0's

uint64_t ent(uint32_t i, uint32_t flags)
{
    return pte::make(F::mfn(i), flags);
}

void* chunk_alloc(void*)
{
    return std::calloc(1, 4096);
}
void chunk_free(void*, void* p)
{
    std::free(p);
}

// Stops after every 'every' frames and remembers in which passes it did.
struct Budget {
    uint32_t every = 0;
    uint32_t done = 0;
    const Relinquish_progress* p = nullptr;
    bool stopped_in[5] = {};

    static bool stop(void* ctx)
    {
        auto& b = *static_cast<Budget*>(ctx);
        if (b.every == 0 || ++b.done % b.every != 0)
            return false;
        b.stopped_in[static_cast<uint8_t>(b.p->pass)] = true;
        return true;
    }
};

class Relinquish : public ::testing::Test {
protected:
    F fs;
    Mm_ctx u{fs, fs.domu};
    Mm_ctx d0{fs, fs.dom0};
    Domain_frames list{Chunk_allocator{chunk_alloc, chunk_free, nullptr}};
    uint32_t tot_pages = 0;

    void SetUp() override
    {
        for (uint32_t i = 0; i < domu_frames; ++i) {
            fs.give(i, fs.domu);
            ASSERT_TRUE(list.add(F::mfn(i), fs.pg(i)));
            ++tot_pages;
        }
        for (uint32_t i = domu_frames; i < 48; ++i)
            fs.give(i, fs.dom0);
    }
    void TearDown() override
    {
        EXPECT_EQ(fs.mapped_now, 0u) << "a table was left mapped";
        EXPECT_EQ(fs.bad_unmaps, 0u);
    }
    int update(Mm_ctx& c, uint32_t table, uint32_t slot, uint64_t val, const Mm_domain& owner)
    {
        return mmu_normal_update(c, F::mfn(table), slot, val, false, owner);
    }
    // L3 (1) -> slot 0: L2 (2) -> L1 (3) -> data 4 writable, 5 read-only;
    // slot 3: L2 (6) -> L1 (7) -> data 8 writable. The L3 is pinned.
    void pinned_tree()
    {
        fs.table(3)[0] = ent(4, RW);
        fs.table(3)[1] = ent(5, RO);
        fs.table(7)[0] = ent(8, RW);
        fs.table(2)[0] = ent(3, RW);
        fs.table(6)[0] = ent(7, RW);
        fs.table(1)[0] = ent(2, pte::P);
        fs.table(1)[3] = ent(6, pte::P);
        ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    }
    // On top of the tree: the L2 maps itself linearly and L2 (10) too,
    // which is pinned on its own and maps L1 (11) that maps the L3, both
    // L2s and itself read-only; L1 (12) is pinned alone, maps data 13
    // writable and L1 (3) read-only; L1 (3) maps L2 (2) read-only.
    void tangled_tables()
    {
        pinned_tree();
        fs.table(11)[0] = ent(1, RO);
        fs.table(11)[1] = ent(2, RO);
        fs.table(11)[2] = ent(10, RO);
        fs.table(11)[3] = ent(11, RO);
        fs.table(10)[0] = ent(11, RW);
        ASSERT_EQ(pin_table(u, F::mfn(10), 2), 0);
        ASSERT_EQ(update(u, 2, 1, ent(2, RO), fs.domu), 0);
        ASSERT_EQ(update(u, 2, 2, ent(10, RO), fs.domu), 0);
        fs.table(12)[0] = ent(13, RW);
        fs.table(12)[1] = ent(3, RO);
        ASSERT_EQ(pin_table(u, F::mfn(12), 1), 0);
        ASSERT_EQ(update(u, 3, 2, ent(2, RO), fs.domu), 0);
    }
    bool run(Budget* b = nullptr)
    {
        Relinquish_budget rb;
        if (b) {
            b->p = &progress;
            rb = Relinquish_budget{Budget::stop, b};
        }
        return relinquish_memory(u, list, tot_pages, progress, rb);
    }
    void expect_all_back(uint32_t except = ~0u)
    {
        EXPECT_EQ(list.count(), 0u);
        EXPECT_EQ(tot_pages, 0u);
        for (uint32_t i = 0; i < domu_frames; ++i) {
            if (i == except)
                continue;
            EXPECT_EQ(fs.pg(i).count_info, 0u) << "frame " << i;
            EXPECT_EQ(pgt::count(fs.pg(i).type_info), 0u) << "frame " << i;
            EXPECT_FALSE(pgt::is_pinned(fs.pg(i).type_info)) << "frame " << i;
            EXPECT_EQ(fs.pg(i).owner, DOMID_INVALID) << "frame " << i;
        }
        EXPECT_TRUE(fs.audit().clean());
    }

    Relinquish_progress progress;
};
} // namespace

TEST_F(Relinquish, PinnedTreeReturnsEveryFrame)
{
    pinned_tree();
    EXPECT_TRUE(run());
    EXPECT_EQ(progress.pass, Pass::done);
    EXPECT_EQ(fs.released, domu_frames);
    expect_all_back();
}

TEST_F(Relinquish, SelfAndCrossReferencingTablesAreBroken)
{
    tangled_tables();
    EXPECT_TRUE(run());
    EXPECT_EQ(fs.released, domu_frames);
    expect_all_back();
}

TEST_F(Relinquish, NoStepWorksThroughATreeBelowIt)
{
    // Bottom-up passes: each frame's step maps the table it devalidates
    // and at most one linear L2 below it, never an L3 -> L2 -> L1 chain
    // as unpinning the L3 first would.
    tangled_tables();
    fs.max_mapped = 0;
    EXPECT_TRUE(run());
    EXPECT_LE(fs.max_mapped, 2u);
    expect_all_back();
}

TEST_F(Relinquish, UnpinnedTablesHeldOnlyByEachOtherAreBroken)
{
    // L1 (3) maps L2 (2) read-only and L2 (2) points at L1 (3): once the
    // L2's pin goes, general references keep both forever unless the
    // passes devalidate them.
    fs.table(3)[0] = ent(2, RO);
    fs.table(2)[0] = ent(3, RW);
    ASSERT_EQ(pin_table(u, F::mfn(2), 2), 0);
    ASSERT_EQ(pgc::count(fs.pg(2).count_info), 3u); // allocation, pin, L1 entry
    EXPECT_TRUE(run());
    expect_all_back();
}

TEST_F(Relinquish, WritableMappingsLoseTheirTypeReferences)
{
    for (uint32_t i = 0; i < 10; ++i)
        fs.table(20)[i] = ent(21 + i, RW);
    ASSERT_EQ(pin_table(u, F::mfn(20), 1), 0);
    ASSERT_EQ(pgt::type(fs.pg(21).type_info), Page_type::writable);
    uint32_t drops = fs.writable_drops;
    EXPECT_TRUE(run());
    EXPECT_EQ(fs.writable_drops - drops, 10u);
    expect_all_back();
}

TEST_F(Relinquish, FrameAnotherDomainMapsGoesWhenItsMappingGoes)
{
    // Dom0's pinned L1 (40) maps domU frame 9 writable (a foreign mapping,
    // as the domain builder makes) and frame 14 read-only.
    ASSERT_EQ(pin_table(d0, F::mfn(40), 1), 0);
    ASSERT_EQ(update(d0, 40, 0, ent(9, RW), fs.domu), 0);
    ASSERT_EQ(update(d0, 40, 1, ent(14, RO), fs.domu), 0);
    pinned_tree();
    EXPECT_TRUE(run());
    EXPECT_EQ(fs.released, domu_frames - 2);
    EXPECT_EQ(fs.pg(9).owner, fs.domu.id) << "still the dying domain's";
    EXPECT_EQ(pgc::count(fs.pg(9).count_info), 1u);
    EXPECT_FALSE(pgc::is_allocated(fs.pg(9).count_info));
    EXPECT_EQ(pgt::count(fs.pg(9).type_info), 1u);

    ASSERT_EQ(update(d0, 40, 0, 0, fs.dom0), 0);
    EXPECT_EQ(fs.released, domu_frames - 1);
    ASSERT_EQ(update(d0, 40, 1, 0, fs.dom0), 0);
    EXPECT_EQ(fs.released, domu_frames);
    expect_all_back();
}

TEST_F(Relinquish, TableKeptByAnotherHolderIsDevalidatedButStays)
{
    // A vCPU's base pointer not dropped before the relinquish (or any
    // other holder of a type count): the L3 goes when that holder lets go.
    pinned_tree();
    Mfn base = invalid_mfn;
    ASSERT_EQ(new_baseptr(u, F::mfn(1), base), 0);
    EXPECT_TRUE(run());
    EXPECT_EQ(fs.released, domu_frames - 1);
    EXPECT_FALSE(pgt::is_validated(fs.pg(1).type_info));
    drop_baseptr(u, base);
    EXPECT_EQ(fs.released, domu_frames);
    expect_all_back();
}

TEST_F(Relinquish, FrameGivenBackCannotBePinnedSoNoPinOutlivesTheDomain)
{
    // L2 (2) points at L1 (3); the guest gives 3 back while it is in use,
    // as decrease_reservation allows: off the list, a pin there would
    // never be dropped.
    fs.table(2)[0] = ent(3, RW);
    ASSERT_EQ(pin_table(u, F::mfn(2), 2), 0);
    list.remove(
        F::mfn(3), fs.pg(3), [](void* c, Mfn m) { return static_cast<F*>(c)->page(m); }, &fs);
    --tot_pages;
    ASSERT_FALSE(relinquish_page(fs.pg(3)));
    EXPECT_EQ(pin_table(u, F::mfn(3), 1), -XEN_EINVAL);
    EXPECT_EQ(pgc::count(fs.pg(3).count_info), 1u);
    EXPECT_TRUE(run());
    expect_all_back();
}

TEST_F(Relinquish, EmptyListIsDoneAtOnce)
{
    Relinquish_progress p;
    Domain_frames none;
    uint32_t tot = 0;
    EXPECT_TRUE(relinquish_memory(u, none, tot, p, Relinquish_budget{}));
    EXPECT_EQ(p.pass, Pass::done);
    EXPECT_TRUE(relinquish_memory(u, none, tot, p, Relinquish_budget{}));
}

TEST_F(Relinquish, EveryBudgetEndsInTheSameState)
{
    // The one-shot result of the tangled graph, frames and tables.
    tangled_tables();
    std::vector<uint8_t> start(sizeof fs.pages + sizeof fs.mem);
    std::memcpy(start.data(), fs.pages, sizeof fs.pages);
    std::memcpy(start.data() + sizeof fs.pages, fs.mem, sizeof fs.mem);
    ASSERT_TRUE(run());
    std::vector<uint8_t> want(start.size());
    std::memcpy(want.data(), fs.pages, sizeof fs.pages);
    std::memcpy(want.data() + sizeof fs.pages, fs.mem, sizeof fs.mem);
    uint32_t released = fs.released;

    for (uint32_t every : {1u, 2u, 3u, 7u, 39u, 40u, 41u}) {
        SCOPED_TRACE(every);
        std::memcpy(fs.pages, start.data(), sizeof fs.pages);
        std::memcpy(fs.mem, start.data() + sizeof fs.pages, sizeof fs.mem);
        fs.released = 0;
        list.clear();
        tot_pages = 0;
        for (uint32_t i = 0; i < domu_frames; ++i) {
            ASSERT_TRUE(list.add(F::mfn(i), fs.pg(i)));
            ++tot_pages;
        }
        progress = Relinquish_progress{};
        Budget b;
        b.every = every;
        uint32_t calls = 1;
        while (!run(&b))
            ASSERT_LT(++calls, 1000u);
        EXPECT_EQ(fs.released, released);
        EXPECT_EQ(std::memcmp(fs.pages, want.data(), sizeof fs.pages), 0);
        EXPECT_EQ(std::memcmp(fs.mem, want.data() + sizeof fs.pages, sizeof fs.mem), 0);
        if (every == 1) {
            EXPECT_EQ(calls, 4 * domu_frames);
            for (Pass p : {Pass::l1, Pass::l2, Pass::l3, Pass::release})
                EXPECT_TRUE(b.stopped_in[static_cast<uint8_t>(p)]);
        }
        // Called again once done: nothing left, nothing changes.
        EXPECT_TRUE(run(&b));
    }
    expect_all_back();
}
