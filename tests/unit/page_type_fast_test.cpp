// The page-table fast paths (Frame_space's view of ordinary RAM and of
// direct-mapped tables, whole-L1 runs of identical entries) refuse what
// the slow path refuses and leave the same counts behind. Every test runs
// three times: without the view (every question a virtual call), with the
// view, and with the view and tables written in place.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/pt_ops.hpp"
#include "tests/unit/fake_frame_space.hpp"

namespace {
using F = Fake_frame_space;
constexpr uint32_t RO = pte::P | pte::A;
constexpr uint32_t RW = pte::P | pte::RW | pte::A | pte::D;

uint64_t ent(uint32_t i, uint32_t flags)
{
    return pte::make(F::mfn(i), flags);
}

enum class View { none, ordinary, direct };
const char* view_name(const ::testing::TestParamInfo<View>& p)
{
    return p.param == View::none ? "NoView" : p.param == View::ordinary ? "Ordinary" : "DirectMap";
}

void give_frames(F& fs)
{
    for (uint32_t i = 0; i < 40; ++i)
        fs.give(i, fs.domu);
    for (uint32_t i = 40; i < 48; ++i)
        fs.give(i, fs.dom0);
}

class PageTypeFast : public ::testing::TestWithParam<View> {
protected:
    F fs;
    Mm_ctx u{fs, fs.domu};
    Mm_ctx d0{fs, fs.dom0};

    void SetUp() override
    {
        fs.set_view(GetParam() != View::none, GetParam() == View::direct);
        give_frames(fs);
    }
    void TearDown() override
    {
        EXPECT_EQ(fs.mapped_now, 0u) << "a table was left mapped";
        EXPECT_EQ(fs.bad_unmaps, 0u);
        Audit_report r = fs.audit();
        EXPECT_TRUE(r.clean()) << r.issues << " issues, first at " << raw(r.kept[0].mfn);
    }
    uint32_t tcount(uint32_t i) { return pgt::count(fs.pg(i).type_info); }
    uint32_t gcount(uint32_t i) { return pgc::count(fs.pg(i).count_info); }
    void fill(uint32_t table, uint32_t first, uint32_t n, uint64_t e)
    {
        for (uint32_t i = first; i < first + n; ++i)
            fs.table(table)[i] = e;
    }
    // Pinning 'table' fails with 'rc' and leaves every count as it was
    // (the table keeps the type it was being validated for, at count 0).
    void expect_pin_refused(Mm_ctx& c, uint32_t table, int rc)
    {
        Page before[F::frames];
        std::memcpy(before, fs.pages, sizeof before);
        EXPECT_EQ(pin_table(c, F::mfn(table), 1), rc);
        for (uint32_t i = 0; i < F::frames; ++i) {
            EXPECT_EQ(fs.pages[i].count_info, before[i].count_info) << "frame " << i;
            EXPECT_EQ(pgt::count(fs.pages[i].type_info), pgt::count(before[i].type_info))
                << "frame " << i;
        }
    }
};
} // namespace

TEST_P(PageTypeFast,
       GivenARunOfReadOnlyEntriesOfOneFrame_WhenPinnedAndUnpinned_ThenEachHoldsOneReference)
{
    fill(3, 0, 512, ent(4, RO));
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(gcount(4), 513u);
    EXPECT_EQ(tcount(4), 0u);
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
    EXPECT_EQ(gcount(4), 1u);
    EXPECT_EQ(gcount(3), 1u);
}

TEST_P(PageTypeFast,
       GivenARunOfWritableEntries_ThenTheFrameBecomesWritableOnceAndTheLastDropIsSeenOnce)
{
    fill(3, 10, 100, ent(4, RW));
    fill(3, 200, 3, ent(5, RW));
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(pgt::type(fs.pg(4).type_info), Page_type::writable);
    EXPECT_EQ(tcount(4), 100u);
    EXPECT_EQ(tcount(5), 3u);
    EXPECT_EQ(gcount(4), 101u);
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
    EXPECT_EQ(tcount(4), 0u);
    EXPECT_EQ(fs.writable_drops, 3u) << "one per frame whose last writable mapping went, one for the L1";
}

TEST_P(PageTypeFast, GivenARunMappingAnotherDomainsFrame_ThenThePinIsEbusyAndTakesNothing)
{
    fill(3, 0, 8, ent(5, RO));
    fill(3, 8, 300, ent(40, RO)); // dom0's
    expect_pin_refused(u, 3, -XEN_EBUSY);
}

TEST_P(PageTypeFast, GivenARunMappingAPageTableWritable_ThenThePinIsEbusyAndTakesNothing)
{
    ASSERT_EQ(pin_table(u, F::mfn(6), 1), 0);
    fill(3, 0, 4, ent(5, RW));
    fill(3, 4, 64, ent(6, RW));
    expect_pin_refused(u, 3, -XEN_EBUSY);
    fill(3, 4, 64, ent(6, RO));
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0) << "read-only it may";
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
    ASSERT_EQ(unpin_table(u, F::mfn(6)), 0);
}

TEST_P(PageTypeFast, GivenARunMappingItselfWritable_ThenThePinIsEbusy)
{
    fill(3, 0, 512, ent(3, RW));
    expect_pin_refused(u, 3, -XEN_EBUSY);
}

TEST_P(PageTypeFast, GivenARunOfHypervisorOrM2PFrames_ThenThePinIsEbusyEvenForDom0)
{
    fill(41, 0, 16, ent(56, RO));
    expect_pin_refused(d0, 41, -XEN_EBUSY);
    fill(41, 0, 16, ent(58, RW));
    expect_pin_refused(d0, 41, -XEN_EBUSY);
    fill(41, 0, 16, ent(58, RO));
    ASSERT_EQ(pin_table(d0, F::mfn(41), 1), 0) << "dom0 reads the M2P";
    ASSERT_EQ(unpin_table(d0, F::mfn(41)), 0);
    fill(3, 0, 16, ent(58, RO));
    expect_pin_refused(u, 3, -XEN_EBUSY);
}

TEST_P(PageTypeFast, GivenARunWithDisallowedFlags_ThenThePinIsEinval)
{
    fill(3, 0, 32, ent(5, RO | pte::PCD));
    expect_pin_refused(u, 3, -XEN_EINVAL);
    fill(3, 0, 32, ent(5, RO | pte::NX));
    expect_pin_refused(u, 3, -XEN_EINVAL);
}

TEST_P(PageTypeFast, GivenUnallocatedOrFreedFrames_ThenThePinIsEbusy)
{
    fill(3, 0, 32, ent(50, RO)); // never allocated
    expect_pin_refused(u, 3, -XEN_EBUSY);
    ASSERT_TRUE(relinquish_page(fs.pg(7))); // its last reference went: free
    fill(3, 0, 32, ent(7, RO));
    expect_pin_refused(u, 3, -XEN_EBUSY);
}

TEST_P(PageTypeFast, GivenAGoodRunAndThenABadEntry_ThenEveryReferenceOfTheRunIsGivenBack)
{
    fill(3, 0, 200, ent(4, RW));
    fill(3, 200, 100, ent(5, RO));
    fs.table(3)[300] = ent(40, RO);
    expect_pin_refused(u, 3, -XEN_EBUSY);
    EXPECT_EQ(fs.writable_drops, 1u) << "frame 4's writable type was taken and dropped";
}

TEST_P(PageTypeFast, GivenARunThatWouldOverflowTheGeneralCount_ThenItFailsAtTheSameEntry)
{
    Page& pg = fs.pg(4);
    pg.count_info = pgc::with_count(pg.count_info, pgc::count_mask - 10);
    fill(3, 0, 10, ent(4, RO));
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0) << "exactly up to the limit";
    EXPECT_EQ(gcount(4), pgc::count_mask);
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
    fill(3, 0, 11, ent(4, RO));
    expect_pin_refused(u, 3, -XEN_EBUSY);
    pg.count_info = pgc::with_count(pg.count_info, 1);
}

TEST_P(PageTypeFast, GivenAFrameWhoseOldTypeIsUnused_ThenAWritableRunChangesItsType)
{
    ASSERT_EQ(pin_table(u, F::mfn(6), 1), 0);
    ASSERT_EQ(unpin_table(u, F::mfn(6)), 0);
    ASSERT_EQ(pgt::type(fs.pg(6).type_info), Page_type::l1);
    fill(3, 0, 7, ent(6, RW));
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(pgt::type(fs.pg(6).type_info), Page_type::writable);
    EXPECT_EQ(tcount(6), 7u);
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
}

TEST_P(PageTypeFast, GivenAPrivilegedCallerNamingTheOwner_ThenItsUpdateMapsTheOwnersFrameOnly)
{
    ASSERT_EQ(pin_table(d0, F::mfn(41), 1), 0);
    EXPECT_EQ(mmu_normal_update(d0, F::mfn(41), 0, ent(12, RW), false, fs.domu), 0);
    EXPECT_EQ(mmu_normal_update(d0, F::mfn(41), 1, ent(42, RW), false, fs.domu), -XEN_EBUSY)
        << "a frame of the caller's is not the named owner's";
    EXPECT_EQ(mmu_normal_update(d0, F::mfn(41), 1, ent(56, RO), false, fs.domu), -XEN_EBUSY);
    EXPECT_EQ(mmu_normal_update(d0, F::mfn(41), 0, 0, false, fs.domu), 0);
    ASSERT_EQ(unpin_table(d0, F::mfn(41)), 0);
}

TEST_P(PageTypeFast, GivenAnUpdateOfAnotherDomainsTable_ThenItIsEinval)
{
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(mmu_normal_update(d0, F::mfn(3), 0, ent(40, RO), false, fs.dom0), -XEN_EINVAL);
    EXPECT_EQ(mmu_normal_update(u, F::mfn(56), 0, 0, false, fs.domu), -XEN_EINVAL)
        << "a hypervisor frame is no table of the caller";
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
}

INSTANTIATE_TEST_SUITE_P(Views, PageTypeFast,
                         ::testing::Values(View::none, View::ordinary, View::direct), view_name);

// The same random operations on two machines, one without the view and one
// with the view and direct-mapped tables: every result, every descriptor,
// every table and every hook call must be the same.
TEST(PageTypeFastDifferential, RandomOperationsGiveTheSameResultsWithAndWithoutTheFastPaths)
{
    static F slow, fast;
    slow.set_view(false, false);
    fast.set_view(true, true);
    give_frames(slow);
    give_frames(fast);
    F* m[2] = {&slow, &fast};
    std::mt19937 rng(13);
    Mfn base[2][2] = {{invalid_mfn, invalid_mfn}, {invalid_mfn, invalid_mfn}};
    auto pick_entry = [&]() -> uint64_t {
        static constexpr uint32_t flags[] = {0, RO, RW, RO | pte::PCD, pte::P, RW | pte::NX};
        return ent(rng() % F::frames, flags[rng() % 6]);
    };
    for (uint32_t step = 0; step < 20000; ++step) {
        uint32_t op = rng() % 6, di = rng() % 2, f = rng() % 48, slot = rng() % 8;
        uint32_t run = 1 + rng() % 64;
        uint64_t e = pick_entry();
        int rc[2];
        for (int k = 0; k < 2; ++k) {
            F& fs = *m[k];
            Mm_ctx c{fs, di ? fs.domu : fs.dom0};
            switch (op) {
            case 0: rc[k] = pin_table(c, F::mfn(f), 1 + slot % 3); break;
            case 1: rc[k] = unpin_table(c, F::mfn(f)); break;
            case 2: rc[k] = mmu_normal_update(c, F::mfn(f), slot * 64, e, false, c.dom); break;
            case 3: // a run written raw into a frame not in use as a table
                rc[k] = pgt::count(fs.pg(f).type_info) == 0 ? 0 : 1;
                if (rc[k] == 0)
                    for (uint32_t i = 0; i < run; ++i)
                        fs.table(f)[(slot * 64 + i) % 512] = e;
                break;
            case 4: rc[k] = new_baseptr(c, F::mfn(f), base[k][di]); break;
            default:
                drop_baseptr(c, base[k][di]);
                rc[k] = 0;
                break;
            }
        }
        ASSERT_EQ(rc[0], rc[1]) << "step " << step << " op " << op;
        ASSERT_EQ(std::memcmp(slow.pages, fast.pages, sizeof slow.pages), 0) << "step " << step;
        ASSERT_EQ(std::memcmp(slow.mem, fast.mem, sizeof slow.mem), 0) << "step " << step;
        ASSERT_EQ(slow.writable_drops, fast.writable_drops);
        ASSERT_EQ(slow.validations, fast.validations);
        ASSERT_EQ(slow.released, fast.released);
    }
    for (int k = 0; k < 2; ++k) {
        const External_ref ext[2] = {{base[k][0], 1, 1}, {base[k][1], 1, 1}};
        uint32_t n = 0;
        External_ref used[2];
        for (const auto& x : ext)
            if (x.mfn != invalid_mfn)
                used[n++] = x;
        EXPECT_TRUE(m[k]->audit(used, n).clean());
    }
}

// --- a batch's held table mapping and its flush decision -------------------

TEST_P(PageTypeFast,
       GivenAHeldMapping_WhenABatchUpdatesTwoTables_ThenOneExtraMappingAtMostAndNoneLeft)
{
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    ASSERT_EQ(pin_table(u, F::mfn(6), 1), 0);
    {
        Held_table held(fs);
        Mm_ctx c{fs, fs.domu, &held};
        for (uint32_t i = 0; i < 8; ++i) {
            EXPECT_EQ(mmu_normal_update(c, F::mfn(i % 2 ? 6 : 3), i, ent(4, RW), false, fs.domu),
                      0);
            EXPECT_LE(fs.mapped_now, 1u);
        }
        EXPECT_EQ(mmu_normal_update(c, F::mfn(3), 9, ent(40, RO), false, fs.domu), -XEN_EBUSY)
            << "the held mapping changes no rule";
        EXPECT_EQ(mmu_normal_update(c, F::mfn(3), 10, ent(6, RW), false, fs.domu), -XEN_EBUSY);
        EXPECT_EQ(ptwr_emulated_write(c, F::mfn(3), 11 * 8, 8, ent(5, RO)), 0);
        EXPECT_EQ(ptwr_emulated_write(c, F::mfn(3), 12 * 8, 8, ent(56, RO)), -XEN_EBUSY);
        EXPECT_EQ(c.l1_disallow, pte::l1_disallow(fs, fs.domu)) << "looked up once for the batch";
    }
    EXPECT_EQ(fs.mapped_now, 0u);
    EXPECT_EQ(tcount(4), 8u);
    EXPECT_EQ(gcount(5), 2u);
    EXPECT_EQ(fs.table(3)[11], ent(5, RO)) << "written through to the frame";
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
    ASSERT_EQ(unpin_table(u, F::mfn(6)), 0);
    EXPECT_EQ(tcount(4), 0u);
}

TEST_P(PageTypeFast, GivenAnL1Entry_WhenMadePresentReplacedOrCleared_ThenNoFlushIsAsked)
{
    // Xen's rule: the guest flushes what it changed in an L1; the TLB
    // clock keeps what the hypervisor must (tests of tlb_stamp below).
    fs.table(3)[1] = ent(4, RO);
    fs.table(3)[2] = ent(4, RW);
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    fs.writable_drops = 0;
    Mm_ctx c{fs, fs.domu};
    ASSERT_EQ(mmu_normal_update(c, F::mfn(3), 0, ent(4, RO), false, fs.domu), 0);
    ASSERT_EQ(mmu_normal_update(c, F::mfn(3), 1, ent(5, RO), false, fs.domu), 0);
    ASSERT_EQ(mmu_normal_update(c, F::mfn(3), 2, 0, false, fs.domu), 0);
    ASSERT_EQ(mmu_normal_update(c, F::mfn(3), 0, ent(4, RO | pte::D), false, fs.domu), 0);
    EXPECT_FALSE(c.flush_tlb || c.reload_l3);
    EXPECT_EQ(c.l1_disallow, 0u) << "without a held table every update looks the mask up";
    EXPECT_EQ(fs.writable_drops, 1u)
        << "the last writable mapping of frame 4 went: stamped for the TLB clock";
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
}

TEST_P(PageTypeFast, GivenAnL2Entry_WhenItWasPresent_ThenAFlushIsAskedAndNoL3Reload)
{
    ASSERT_EQ(pin_table(u, F::mfn(2), 2), 0);
    Mm_ctx a{fs, fs.domu};
    ASSERT_EQ(mmu_normal_update(a, F::mfn(2), 0, ent(3, pte::P), false, fs.domu), 0);
    EXPECT_FALSE(a.flush_tlb) << "an L1 hooked where nothing was: nothing to flush";
    Mm_ctx b{fs, fs.domu};
    ASSERT_EQ(mmu_normal_update(b, F::mfn(2), 0, ent(3, pte::P), false, fs.domu), 0);
    EXPECT_TRUE(b.flush_tlb) << "a present entry rewritten, even to itself";
    Mm_ctx d{fs, fs.domu};
    ASSERT_EQ(mmu_normal_update(d, F::mfn(2), 0, 0, false, fs.domu), 0);
    EXPECT_TRUE(d.flush_tlb) << "a present entry removed";
    EXPECT_FALSE(a.reload_l3 || b.reload_l3 || d.reload_l3) << "no L3 changed";
    Mm_ctx r{fs, fs.domu};
    ASSERT_EQ(mmu_normal_update(r, F::mfn(9), 0, 42, false, fs.domu), 0);
    EXPECT_FALSE(r.flush_tlb || r.reload_l3) << "a frame that is no page table caches nothing";
    EXPECT_EQ(fs.table(9)[0], 42u);
    ASSERT_EQ(unpin_table(u, F::mfn(2)), 0);
}
