// Page types, reference counts and PAE entry validation against a fake
// machine. Frame roles: see fake_frame_space.hpp.
#include "hypervisor/mm/page_type.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "hypervisor/mm/pt_ops.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "tests/unit/fake_frame_space.hpp"

namespace {
using F = Fake_frame_space;
constexpr uint32_t RO = pte::P | pte::A;
constexpr uint32_t RW = pte::P | pte::RW | pte::A | pte::D;

uint64_t ent(uint32_t i, uint32_t flags) { return pte::make(F::mfn(i), flags); }

class PageType : public ::testing::Test {
protected:
    F fs;
    Mm_ctx u{fs, fs.domu};
    Mm_ctx d0{fs, fs.dom0};

    void SetUp() override
    {
        for (uint32_t i = 0; i < 40; ++i)
            fs.give(i, fs.domu);
        for (uint32_t i = 40; i < 48; ++i)
            fs.give(i, fs.dom0);
    }
    uint32_t tcount(uint32_t i) { return pgt::count(fs.pg(i).type_info); }
    uint32_t gcount(uint32_t i) { return pgc::count(fs.pg(i).count_info); }
    Page_type type(uint32_t i) { return pgt::type(fs.pg(i).type_info); }
    bool validated(uint32_t i) { return pgt::is_validated(fs.pg(i).type_info); }
    int update(Mm_ctx& c, uint32_t table, uint32_t slot, uint64_t val)
    {
        return mmu_normal_update(c, F::mfn(table), slot, val, false, c.dom);
    }
    // L3 (1) -> slot 0: L2 (2) -> L1 (3) -> data 4 writable; slot 3: L2 (5).
    void build_tables()
    {
        fs.table(3)[0] = ent(4, RW);
        fs.table(2)[0] = ent(3, RW);
        fs.table(1)[0] = ent(2, pte::P);
        fs.table(1)[3] = ent(5, pte::P);
    }
    void TearDown() override
    {
        EXPECT_EQ(fs.mapped_now, 0u) << "a table was left mapped";
        EXPECT_EQ(fs.bad_unmaps, 0u) << "a pointer was unmapped that was not mapped";
    }
    void expect_clean(const External_ref* ext = nullptr, uint32_t n = 0)
    {
        Audit_report r = fs.audit(ext, n);
        EXPECT_TRUE(r.clean()) << r.issues << " issues, first kind "
                               << static_cast<int>(r.kept[0].kind) << " at " << raw(r.kept[0].mfn);
    }
};
} // namespace

// --- general references -----------------------------------------------------

TEST_F(PageType, GetPageRefusesAnotherOwnerAndFreeFrames)
{
    EXPECT_FALSE(get_page(fs.pg(40), fs.domu.id));
    EXPECT_FALSE(get_page(fs.pg(50), fs.domu.id)); // never allocated
    EXPECT_TRUE(get_page(fs.pg(0), fs.domu.id));
    EXPECT_EQ(gcount(0), 2u);
}

TEST_F(PageType, RelinquishDropsTheAllocationReferenceOnce)
{
    ASSERT_TRUE(get_page(fs.pg(0), fs.domu.id));
    EXPECT_FALSE(relinquish_page(fs.pg(0)));
    EXPECT_FALSE(relinquish_page(fs.pg(0)));
    EXPECT_TRUE(put_page(fs.pg(0)));
    EXPECT_FALSE(get_page(fs.pg(0), fs.domu.id));
}

// --- pinning ----------------------------------------------------------------

TEST_F(PageType, PinningAnL1ValidatesItAndTakesTheMappedFramesReferences)
{
    fs.table(3)[7] = ent(4, RW);
    fs.table(3)[8] = ent(6, RO);
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(type(3), Page_type::l1);
    EXPECT_TRUE(validated(3));
    EXPECT_EQ(type(4), Page_type::writable);
    EXPECT_EQ(tcount(4), 1u);
    EXPECT_EQ(gcount(6), 2u);
    expect_clean();
}

TEST_F(PageType, GivenAFrameMappedWritable_WhenTheMappingGoesAndItIsPinned_ThenTheTlbHooksRunInOrder)
{
    // L1 3 maps frame 4 writable; frame 4 then becomes an L1 itself.
    fs.table(3)[7] = ent(4, RW);
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(fs.validations, 1u) << "pinning an L1 checks for stale translations first";
    EXPECT_EQ(fs.writable_drops, 0u);
    ASSERT_EQ(update(u, 3, 7, 0), 0);
    EXPECT_EQ(fs.writable_drops, 1u) << "the last writable mapping of frame 4 went";
    ASSERT_EQ(pin_table(u, F::mfn(4), 1), 0);
    EXPECT_EQ(fs.validations, 2u);
    // A second writable reference going does not count until the last.
    ASSERT_EQ(unpin_table(u, F::mfn(4)), 0);
    fs.table(3)[7] = 0;
    ASSERT_EQ(update(u, 3, 7, ent(6, RW)), 0);
    ASSERT_EQ(update(u, 3, 8, ent(6, RW)), 0);
    ASSERT_EQ(update(u, 3, 7, 0), 0);
    EXPECT_EQ(fs.writable_drops, 2u) << "frame 4 stopped being an L1 (unpinned): stamped once";
    ASSERT_EQ(update(u, 3, 8, 0), 0);
    EXPECT_EQ(fs.writable_drops, 3u);
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
    expect_clean();
}

TEST_F(PageType, GivenAPageTableWhoseLastTypeReferenceWent_WhenItIsMappedWritable_ThenStaleWalksAreFlushedFirst)
{
    // Another CPU may still walk frame 4 as an L1 through a paging-
    // structure entry it cached; a guest must not write PTEs into it
    // before that CPU flushes (Xen flushes on every type change).
    ASSERT_EQ(pin_table(u, F::mfn(4), 1), 0);
    unsigned drops = fs.writable_drops, checks = fs.validations;
    ASSERT_EQ(unpin_table(u, F::mfn(4)), 0);
    EXPECT_EQ(fs.writable_drops, drops + 1) << "the table's last type reference stamps the clock";
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    checks = fs.validations;
    ASSERT_EQ(update(u, 3, 0, ent(4, RW)), 0);
    EXPECT_EQ(pgt::type(fs.pg(4).type_info), Page_type::writable);
    EXPECT_EQ(fs.validations, checks + 1) << "the change from L1 to writable checked for stale walks";
    ASSERT_EQ(update(u, 3, 1, ent(4, RW)), 0);
    EXPECT_EQ(fs.validations, checks + 1) << "a second writable mapping is no type change";
    ASSERT_EQ(update(u, 3, 0, 0), 0);
    ASSERT_EQ(update(u, 3, 1, 0), 0);
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
    expect_clean();
}

TEST_F(PageType, PinningTwiceIsEinvalAndChangesNothing)
{
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(pin_table(u, F::mfn(3), 1), -XEN_EINVAL);
    EXPECT_EQ(tcount(3), 1u);
    expect_clean();
}

TEST_F(PageType, UnpinningAnUnpinnedTableIsEinval)
{
    EXPECT_EQ(unpin_table(u, F::mfn(3)), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, UnpinningATableStillInUseKeepsItValidated)
{
    fs.table(2)[0] = ent(3, RW);
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    ASSERT_EQ(pin_table(u, F::mfn(2), 2), 0);
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(unpin_table(u, F::mfn(3)), 0);
    EXPECT_TRUE(validated(3));
    EXPECT_EQ(tcount(3), 1u);
    EXPECT_EQ(update(u, 10, 0, ent(3, RW)), -XEN_EBUSY) << "still a page table";
    expect_clean();
}

TEST_F(PageType, UnpinningTheLastReferenceReleasesEveryEntry)
{
    fs.table(3)[0] = ent(4, RW);
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    ASSERT_EQ(unpin_table(u, F::mfn(3)), 0);
    EXPECT_FALSE(validated(3));
    EXPECT_EQ(tcount(4), 0u);
    EXPECT_EQ(gcount(4), 1u);
    expect_clean();
}

TEST_F(PageType, PinningAsTheWrongLevelIsEinval)
{
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(pin_table(u, F::mfn(3), 2), -XEN_EINVAL);
    EXPECT_EQ(pin_table(u, F::mfn(6), 4), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, PinningAnotherDomainsFrameIsEinval)
{
    EXPECT_EQ(pin_table(u, F::mfn(40), 1), -XEN_EINVAL);
    EXPECT_EQ(pin_table(u, F::mfn(56), 1), -XEN_EINVAL);
}

// --- writable versus page table -----------------------------------------------

TEST_F(PageType, WritableMappingOfAPageTableIsEbusy)
{
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(update(u, 10, 0, ent(3, RW)), -XEN_EBUSY);
    EXPECT_EQ(fs.table(10)[0], 0u);
    expect_clean();
}

TEST_F(PageType, ReadOnlyMappingOfAPageTableIsAllowed)
{
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(update(u, 10, 0, ent(3, RO)), 0);
    EXPECT_EQ(gcount(3), 3u);
    expect_clean();
}

TEST_F(PageType, AFrameMappedWritableCannotBecomeAPageTable)
{
    fs.table(10)[0] = ent(3, RW);
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(pin_table(u, F::mfn(3), 1), -XEN_EINVAL);
    EXPECT_EQ(type(3), Page_type::writable);
    expect_clean();
}

TEST_F(PageType, AnL1ThatMapsItselfWritableFailsValidation)
{
    fs.table(3)[5] = ent(3, RW);
    EXPECT_EQ(pin_table(u, F::mfn(3), 1), -XEN_EBUSY);
    EXPECT_EQ(tcount(3), 0u);
    expect_clean();
}

TEST_F(PageType, FailedValidationReleasesTheEntriesAlreadyTaken)
{
    fs.table(3)[0] = ent(4, RW);
    fs.table(3)[1] = ent(56, RO);
    EXPECT_EQ(pin_table(u, F::mfn(3), 1), -XEN_EBUSY);
    EXPECT_EQ(tcount(4), 0u);
    EXPECT_EQ(gcount(4), 1u);
    expect_clean();
}

// --- levels -----------------------------------------------------------------

TEST_F(PageType, AnL2IsValidatedAcrossItsEmptyStretchesToItsLastSlot)
{
    // Validation skips empty entries in groups: entries right after a
    // group, and in the last slot, must still be taken and checked.
    fs.table(20)[5] = ent(21, RW);
    fs.table(20)[511] = ent(22, RW);
    ASSERT_EQ(pin_table(u, F::mfn(20), 2), 0);
    EXPECT_EQ(type(21), Page_type::l1);
    EXPECT_EQ(tcount(21), 1u);
    EXPECT_EQ(tcount(22), 1u) << "slot 511 is a guest slot of an ordinary L2";
    ASSERT_EQ(unpin_table(u, F::mfn(20)), 0);
    EXPECT_EQ(tcount(21), 0u);
    EXPECT_EQ(tcount(22), 0u);
    // A bad entry alone in the last slot fails the whole L2, nothing kept.
    fs.table(20)[511] = ent(20, RW);
    EXPECT_NE(pin_table(u, F::mfn(20), 2), 0);
    EXPECT_EQ(tcount(21), 0u);
    fs.table(20)[511] = 0;
    fs.table(20)[5] = 0;
    expect_clean();
}

TEST_F(PageType, AnL1IsValidatedAtEveryPositionOfItsEmptyStretchScan)
{
    // The scan for present entries takes the entry it starts at, then
    // groups of sixteen and of four, then single entries: entries on each
    // side of every kind of group boundary must all be taken, and given
    // back by the teardown.
    const uint32_t slots[] = {0, 1, 3, 4, 15, 16, 17, 31, 32, 47, 60, 64, 200, 495, 508, 510, 511};
    uint32_t frame = 21;
    for (uint32_t slot : slots)
        fs.table(20)[slot] = ent(frame++, RO);
    ASSERT_EQ(pin_table(u, F::mfn(20), 1), 0);
    for (uint32_t f = 21; f < frame; ++f)
        EXPECT_EQ(gcount(f), 2u) << "the frame of slot " << slots[f - 21];
    ASSERT_EQ(unpin_table(u, F::mfn(20)), 0);
    for (uint32_t f = 21; f < frame; ++f)
        EXPECT_EQ(gcount(f), 1u) << "the frame of slot " << slots[f - 21];
    for (uint32_t slot : slots)
        fs.table(20)[slot] = 0;
    expect_clean();
}

// --- present blocks: what teardown reads ----------------------------------------

namespace {
uint32_t blocks(const Page& pg) { return (pg.type_info & pgt::present_mask) >> pgt::present_shift; }
} // namespace

TEST_F(PageType, ValidationMarksExactlyTheBlocksHoldingPresentEntries)
{
    fs.table(20)[5] = ent(21, RO);
    fs.table(20)[130] = ent(22, RO);
    fs.table(20)[191] = ent(23, RO);
    fs.table(20)[511] = ent(24, RO);
    fs.table(20)[300] = pte::RW; // not present: holds nothing, marks nothing
    ASSERT_EQ(pin_table(u, F::mfn(20), 1), 0);
    EXPECT_EQ(blocks(fs.pg(20)), 0b10000101u);
    ASSERT_EQ(unpin_table(u, F::mfn(20)), 0);
    // Validated again with other contents: the old blocks are forgotten.
    for (uint32_t slot : {5u, 130u, 191u, 511u, 300u})
        fs.table(20)[slot] = 0;
    fs.table(20)[64] = ent(21, RO);
    fs.table(20)[65] = ent(21, RO); // a run of two
    ASSERT_EQ(pin_table(u, F::mfn(20), 1), 0);
    EXPECT_EQ(blocks(fs.pg(20)), 0b10u);
    EXPECT_EQ(gcount(21), 3u);
    ASSERT_EQ(unpin_table(u, F::mfn(20)), 0);
    EXPECT_EQ(gcount(21), 1u);
    // An L2: a stretch of entries across a block boundary marks both.
    fs.table(20)[64] = fs.table(20)[65] = 0;
    for (uint32_t slot = 126; slot < 130; ++slot)
        fs.table(30)[slot] = ent(20 + slot - 126, RW);
    ASSERT_EQ(pin_table(u, F::mfn(30), 2), 0);
    EXPECT_EQ(blocks(fs.pg(30)), 0b110u);
    ASSERT_EQ(unpin_table(u, F::mfn(30)), 0);
    for (uint32_t slot = 126; slot < 130; ++slot)
        fs.table(30)[slot] = 0;
    expect_clean();
}

// Teardown reads only marked blocks: an entry that became present in an
// empty block without marking it would keep its references for ever.
TEST_F(PageType, EveryWayAnEntryBecomesPresentMarksItsBlockAndTeardownReleasesIt)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0); // empty
    EXPECT_EQ(blocks(fs.pg(10)), 0u);
    ASSERT_EQ(update(u, 10, 200, ent(12, RW)), 0);
    EXPECT_EQ(blocks(fs.pg(10)), 1u << 3) << "mmu_update";
    ASSERT_EQ(mmu_normal_update(u, F::mfn(10), 70, ent(13, RW), true, u.dom), 0);
    EXPECT_EQ(blocks(fs.pg(10)), (1u << 3) | (1u << 1)) << "mmu_update preserving A/D";
    ASSERT_EQ(ptwr_emulated_write(u, F::mfn(10), 400 * 8, 8, ent(14, RO)), 0);
    EXPECT_EQ(blocks(fs.pg(10)), (1u << 3) | (1u << 1) | (1u << 6)) << "an emulated write";
    ASSERT_EQ(update(u, 10, 70, 0), 0);
    EXPECT_EQ(blocks(fs.pg(10)) & (1u << 1), 1u << 1) << "marks stay until teardown";
    // An L2 entry hooking an L1 in an empty block.
    ASSERT_EQ(pin_table(u, F::mfn(30), 2), 0);
    ASSERT_EQ(update(u, 30, 450, ent(10, RW)), 0);
    EXPECT_EQ(blocks(fs.pg(30)), 1u << 7) << "an L2 update";
    EXPECT_EQ(tcount(10), 2u);
    ASSERT_EQ(unpin_table(u, F::mfn(30)), 0);
    EXPECT_EQ(tcount(10), 1u) << "the L2's teardown dropped the L1's type reference";
    ASSERT_EQ(unpin_table(u, F::mfn(10)), 0);
    EXPECT_EQ(tcount(12), 0u);
    EXPECT_EQ(gcount(12), 1u);
    EXPECT_EQ(gcount(14), 1u);
    fs.table(10)[200] = fs.table(10)[400] = 0;
    fs.table(30)[450] = 0;
    expect_clean();
}

// The marks sit right above the type count: a count at its limit must
// refuse the next reference, never carry into them.
TEST_F(PageType, ATypeCountAtItsLimitRefusesTheNextReferenceAndLeavesTheMarksAlone)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    ASSERT_EQ(update(u, 10, 0, ent(12, RW)), 0);
    ASSERT_EQ(tcount(12), 1u);
    Page& pg = fs.pg(12);
    pg.type_info = pgt::with_count(pg.type_info, pgt::count_mask);
    pg.count_info += pgt::count_mask - 1; // as many general references as type ones
    EXPECT_NE(update(u, 10, 1, ent(12, RW)), 0) << "one writable mapping too many";
    EXPECT_EQ(tcount(12), pgt::count_mask);
    EXPECT_EQ(pg.type_info & pgt::present_mask, 0u) << "a data frame has no marks";
    EXPECT_EQ(fs.table(10)[1], 0u);
    // An L1 at the limit of the L2 entries hooking it: same.
    ASSERT_EQ(pin_table(u, F::mfn(30), 2), 0);
    Page& l1 = fs.pg(10);
    uint32_t marks = l1.type_info & pgt::present_mask;
    EXPECT_EQ(marks, 1u << pgt::present_shift);
    uint32_t before = pgt::count(l1.type_info);
    l1.type_info = pgt::with_count(l1.type_info, pgt::count_mask);
    EXPECT_NE(update(u, 30, 0, ent(10, RW)), 0) << "one L2 entry too many";
    EXPECT_EQ(l1.type_info & pgt::present_mask, marks);
    l1.type_info = pgt::with_count(l1.type_info, before);
    pg.type_info = pgt::with_count(pg.type_info, 1);
    pg.count_info -= pgt::count_mask - 1;
    ASSERT_EQ(unpin_table(u, F::mfn(30)), 0);
    ASSERT_EQ(unpin_table(u, F::mfn(10)), 0);
    EXPECT_EQ(tcount(12), 0u);
    fs.table(10)[0] = 0;
    expect_clean();
}

TEST_F(PageType, L2EntryToAnL2IsRefusedWhenWritable)
{
    ASSERT_EQ(pin_table(u, F::mfn(2), 2), 0);
    ASSERT_EQ(pin_table(u, F::mfn(11), 2), 0);
    EXPECT_EQ(update(u, 11, 0, ent(2, RW)), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, L2EntryToAnL3IsEinval)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    ASSERT_EQ(pin_table(u, F::mfn(11), 2), 0);
    EXPECT_EQ(update(u, 11, 0, ent(1, pte::P)), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, L3EntryToAnL1IsEinval)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(12), 1), 0);
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    EXPECT_EQ(update(u, 1, 1, ent(12, pte::P)), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, AFullAddressSpaceTearsDownCompletely)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    EXPECT_EQ(type(2), Page_type::l2);
    EXPECT_EQ(type(3), Page_type::l1);
    EXPECT_EQ(type(4), Page_type::writable);
    EXPECT_TRUE(pgt::is_xen_l2(fs.pg(5).type_info));
    expect_clean();
    ASSERT_EQ(unpin_table(u, F::mfn(1)), 0);
    for (uint32_t i : {1u, 2u, 3u, 4u, 5u}) {
        EXPECT_EQ(tcount(i), 0u) << i;
        EXPECT_EQ(gcount(i), 1u) << i;
    }
    expect_clean();
}

// --- PAE L3 and the hypervisor's L2 ---------------------------------------------

TEST_F(PageType, L3WithoutSlot3IsEinval)
{
    fs.table(1)[0] = ent(2, pte::P);
    EXPECT_EQ(pin_table(u, F::mfn(1), 3), -XEN_EINVAL);
    EXPECT_EQ(tcount(2), 0u);
    expect_clean();
}

TEST_F(PageType, L3EntriesTakeXensCompatFlagsAndRefuseCacheControl)
{
    build_tables();
    // RW, US, A and D are accepted in a 32-bit guest's L3, as Xen does.
    fs.table(1)[0] = ent(2, pte::P | pte::RW | pte::US | pte::A | pte::D);
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    ASSERT_EQ(unpin_table(u, F::mfn(1)), 0);
    fs.table(1)[0] = ent(2, pte::P | pte::PWT);
    EXPECT_EQ(pin_table(u, F::mfn(1), 3), -XEN_EINVAL);
    fs.table(1)[0] = ent(2, pte::P | pte::PCD);
    EXPECT_EQ(pin_table(u, F::mfn(1), 3), -XEN_EINVAL);
    fs.table(1)[0] = ent(2, pte::P | pte::PSE);
    EXPECT_EQ(pin_table(u, F::mfn(1), 3), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, ValidatingTheTopL2InstallsTheHypervisorSlots)
{
    build_tables();
    fs.table(5)[first_hypervisor_l2_slot] = ent(4, RW); // guest junk, ignored
    fs.table(5)[511] = ent(4, RW);
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    for (uint32_t s = first_hypervisor_l2_slot; s < entries_per_table; ++s)
        ASSERT_EQ(fs.table(5)[s], fs.hypervisor_l2e(fs.domu, s)) << s;
    EXPECT_EQ(tcount(4), 1u) << "only the L1's mapping counts";
    expect_clean();
}

TEST_F(PageType, GuestWritesToHypervisorSlotsAreEperm)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    uint64_t before = fs.table(5)[first_hypervisor_l2_slot];
    EXPECT_EQ(update(u, 5, first_hypervisor_l2_slot, 0), -XEN_EPERM);
    EXPECT_EQ(update(u, 5, 511, ent(3, pte::P)), -XEN_EPERM);
    EXPECT_EQ(fs.table(5)[first_hypervisor_l2_slot], before);
    EXPECT_EQ(update(u, 5, first_hypervisor_l2_slot - 1, ent(3, pte::P | pte::RW)), 0);
    expect_clean();
}

TEST_F(PageType, TheTopL2CannotBeSharedByTwoL3s)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    fs.table(7)[3] = ent(5, pte::P);
    EXPECT_EQ(pin_table(u, F::mfn(7), 3), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, TheTopL2CannotBePinnedOrUsedInAnotherSlot)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    EXPECT_EQ(pin_table(u, F::mfn(5), 2), -XEN_EINVAL);
    EXPECT_EQ(update(u, 1, 1, ent(5, pte::P)), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, L3Slot3CannotBeChanged)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    EXPECT_EQ(update(u, 1, 3, 0), -XEN_EINVAL);
    EXPECT_EQ(update(u, 1, 4, 0), -XEN_EINVAL);
    expect_clean();
}

// Each vCPU runs on a copy of its L3's entries, taken again only after an
// L3 changed (arch guest_cr3): every write to a live L3's entries and every
// L3 validation must say so, and nothing else needs to.
TEST_F(PageType, EveryL3WriteAndL3ValidationIsReportedAndNothingElse)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    EXPECT_EQ(fs.l3_changes, 1u) << "the L3's validation";
    uint32_t before = fs.l3_changes;
    ASSERT_EQ(update(u, 3, 7, ent(4, pte::P)), 0); // an L1 entry
    ASSERT_EQ(update(u, 2, 9, 0), 0);              // an L2 entry
    EXPECT_EQ(fs.l3_changes, before) << "no L3 changed";
    ASSERT_EQ(update(u, 1, 0, 0), 0);
    EXPECT_EQ(fs.l3_changes, before + 1) << "slot 0 cleared";
    ASSERT_EQ(update(u, 1, 0, ent(2, pte::P)), 0);
    EXPECT_EQ(fs.l3_changes, before + 2) << "slot 0 set again";
    ASSERT_EQ(update(u, 1, 0, ent(2, pte::P | pte::A)), 0);
    EXPECT_EQ(fs.l3_changes, before + 3) << "a flags-only change of it";
    EXPECT_EQ(update(u, 1, 3, 0), -XEN_EINVAL);
    EXPECT_EQ(fs.l3_changes, before + 3) << "a refused write changes nothing";
    ASSERT_EQ(unpin_table(u, F::mfn(1)), 0);
    expect_clean();
}

// --- base pointer -------------------------------------------------------------

TEST_F(PageType, NewBaseptrTakesAnL3AndReleasesTheOldOne)
{
    build_tables();
    fs.table(7)[3] = ent(8, pte::P);
    Mfn base = invalid_mfn;
    ASSERT_EQ(new_baseptr(u, F::mfn(1), base), 0);
    EXPECT_EQ(base, F::mfn(1));
    External_ref ref{F::mfn(1), 1, 1};
    expect_clean(&ref, 1);
    ASSERT_EQ(new_baseptr(u, F::mfn(7), base), 0);
    EXPECT_EQ(tcount(1), 0u);
    ref.mfn = F::mfn(7);
    expect_clean(&ref, 1);
    drop_baseptr(u, base);
    expect_clean();
}

TEST_F(PageType, NewBaseptrThatIsNotAnL3IsEinval)
{
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    Mfn base = invalid_mfn;
    EXPECT_EQ(new_baseptr(u, F::mfn(3), base), -XEN_EINVAL);
    EXPECT_EQ(new_baseptr(u, F::mfn(40), base), -XEN_EINVAL);
    EXPECT_EQ(base, invalid_mfn);
    expect_clean();
}

TEST_F(PageType, L3Above4GiBWithoutExtendedCr3IsRefused)
{
    fs.table(33)[3] = ent(5, pte::P);
    Mfn base = invalid_mfn;
    EXPECT_EQ(new_baseptr(u, F::mfn(33), base), -XEN_ERANGE);
    EXPECT_EQ(pin_table(u, F::mfn(33), 3), -XEN_ERANGE) << "Xen's promote_l3_table answer";
    expect_clean();
}

TEST_F(PageType, L3Above4GiBIsFineWithExtendedCr3OrBeforeTheDomainRuns)
{
    fs.table(33)[3] = ent(5, pte::P);
    fs.domu.pae_extended_cr3 = true;
    EXPECT_EQ(pin_table(u, F::mfn(33), 3), 0);
    ASSERT_EQ(unpin_table(u, F::mfn(33)), 0);
    fs.domu.pae_extended_cr3 = false;
    fs.domu.initialised = false;
    EXPECT_EQ(pin_table(u, F::mfn(33), 3), 0);
    expect_clean();
}

// --- what an L1 may map ---------------------------------------------------------

TEST_F(PageType, MappingTheM2PWritableIsEbusyEvenForDom0)
{
    ASSERT_EQ(pin_table(d0, F::mfn(41), 1), 0);
    EXPECT_EQ(update(d0, 41, 0, ent(58, RW)), -XEN_EBUSY);
    EXPECT_EQ(update(d0, 41, 0, ent(58, RO)), 0);
    expect_clean();
}

TEST_F(PageType, UnprivilegedDomainsCannotMapTheM2P)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(update(u, 10, 0, ent(59, RO)), -XEN_EBUSY);
}

TEST_F(PageType, HypervisorFramesCannotBeMappedAtAll)
{
    ASSERT_EQ(pin_table(d0, F::mfn(41), 1), 0);
    EXPECT_EQ(update(d0, 41, 0, ent(56, RO)), -XEN_EBUSY);
    EXPECT_EQ(update(d0, 41, 0, ent(57, RW)), -XEN_EBUSY);
    fs.table(2)[0] = ent(57, pte::P);
    EXPECT_EQ(pin_table(u, F::mfn(2), 2), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, AnotherDomainsFrameIsEbusy)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(update(u, 10, 0, ent(40, RO)), -XEN_EBUSY);
    EXPECT_EQ(update(u, 10, 0, ent(50, RO)), -XEN_EBUSY) << "unallocated";
    EXPECT_EQ(pin_table(d0, F::mfn(41), 1), 0);
    EXPECT_EQ(update(d0, 41, 0, ent(10, RO)), -XEN_EBUSY) << "dom0 needs foreigndom";
    expect_clean();
}

TEST_F(PageType, APrivilegedCallerNamingTheOwnerMayMapItsFrames)
{
    ASSERT_EQ(pin_table(d0, F::mfn(41), 1), 0);
    EXPECT_EQ(mmu_normal_update(d0, F::mfn(41), 0, ent(12, RW), false, fs.domu), 0);
    EXPECT_EQ(type(12), Page_type::writable);
}

TEST_F(PageType, IoMemoryNeedsPermission)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    ASSERT_EQ(pin_table(d0, F::mfn(41), 1), 0);
    EXPECT_EQ(update(u, 10, 0, ent(62, RW)), -XEN_EPERM);
    EXPECT_EQ(update(u, 10, 0, ent(60, RO)), -XEN_EPERM);
    EXPECT_EQ(update(d0, 41, 0, ent(62, RW | pte::PCD)), 0);
    EXPECT_EQ(update(d0, 41, 1, ent(60, RW)), 0);
    EXPECT_EQ(update(d0, 41, 2, ent(F::denied_io, RW)), -XEN_EPERM);
    expect_clean();
}

// --- reserved and disallowed bits -----------------------------------------------

TEST_F(PageType, L1FlagsOutsideTheGuestSetAreEinval)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(update(u, 10, 0, ent(12, RW | pte::PSE)), -XEN_EINVAL) << "PAT";
    EXPECT_EQ(update(u, 10, 0, ent(12, RW | pte::PCD)), -XEN_EINVAL) << "no I/O caps";
    EXPECT_EQ(update(u, 10, 0, ent(12, RW) | (1ull << 50)), -XEN_EINVAL) << "address bit 50";
    EXPECT_EQ(update(u, 10, 0, ent(12, RW | pte::NX)), -XEN_EINVAL) << "NX while disabled";
    EXPECT_EQ(update(u, 10, 0, ent(12, RW | pte::G)), 0) << "global is allowed";
    expect_clean();
}

TEST_F(PageType, NxIsAcceptedOnceEnabled)
{
    fs.set_nx(true);
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(update(u, 10, 0, ent(12, RW | pte::NX)), 0);
}

TEST_F(PageType, L2SuperpagesAreEinval)
{
    ASSERT_EQ(pin_table(u, F::mfn(11), 2), 0);
    EXPECT_EQ(update(u, 11, 0, ent(0, RW | pte::PSE)), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, NotPresentEntriesMayHoldAnything)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(update(u, 10, 0, 0xFFFFFFFFFFFFFFFEull), 0);
    expect_clean();
}

// --- linear page tables ----------------------------------------------------------

TEST_F(PageType, AWritableSelfMapIsEinval)
{
    fs.table(2)[0] = ent(2, pte::P | pte::RW);
    EXPECT_EQ(pin_table(u, F::mfn(2), 2), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, AReadOnlySelfMapHoldsNoReference)
{
    fs.table(2)[0] = ent(2, pte::P);
    ASSERT_EQ(pin_table(u, F::mfn(2), 2), 0);
    EXPECT_EQ(tcount(2), 1u);
    expect_clean();
}

TEST_F(PageType, AnL3SelfMapIsEinval)
{
    build_tables();
    fs.table(1)[1] = ent(1, pte::P);
    EXPECT_EQ(pin_table(u, F::mfn(1), 3), -XEN_EINVAL);
    expect_clean();
}

TEST_F(PageType, ReadOnlyLinearL2IsCountedAndReleased)
{
    ASSERT_EQ(pin_table(u, F::mfn(2), 2), 0);
    ASSERT_EQ(pin_table(u, F::mfn(11), 2), 0);
    ASSERT_EQ(update(u, 11, 0, ent(2, pte::P)), 0);
    EXPECT_EQ(tcount(2), 2u);
    EXPECT_EQ(pgc::linear(fs.pg(11).count_info), 1);
    EXPECT_EQ(pgc::linear(fs.pg(2).count_info), -1);
    expect_clean();
    ASSERT_EQ(update(u, 11, 0, 0), 0);
    EXPECT_EQ(pgc::linear(fs.pg(2).count_info), 0);
    expect_clean();
}

TEST_F(PageType, LinearChainsAreEinval)
{
    ASSERT_EQ(pin_table(u, F::mfn(2), 2), 0);
    ASSERT_EQ(pin_table(u, F::mfn(11), 2), 0);
    ASSERT_EQ(pin_table(u, F::mfn(12), 2), 0);
    ASSERT_EQ(update(u, 11, 0, ent(2, pte::P)), 0);
    EXPECT_EQ(update(u, 12, 0, ent(11, pte::P)), -XEN_EINVAL) << "11 has linear entries";
    EXPECT_EQ(update(u, 2, 0, ent(12, pte::P)), -XEN_EINVAL) << "2 is linearly mapped";
    expect_clean();
}

// --- mmu_update -------------------------------------------------------------------

TEST_F(PageType, UpdateReleasesTheOldEntry)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    ASSERT_EQ(update(u, 10, 0, ent(12, RW)), 0);
    ASSERT_EQ(update(u, 10, 0, ent(13, RW)), 0);
    EXPECT_EQ(tcount(12), 0u);
    EXPECT_EQ(tcount(13), 1u);
    expect_clean();
}

TEST_F(PageType, AFailedUpdateChangesNothing)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    ASSERT_EQ(update(u, 10, 0, ent(12, RW)), 0);
    uint64_t before = fs.table(10)[0];
    EXPECT_EQ(update(u, 10, 0, ent(3, RW)), -XEN_EBUSY);
    EXPECT_EQ(fs.table(10)[0], before);
    EXPECT_EQ(tcount(12), 1u);
    expect_clean();
}

TEST_F(PageType, PreserveAdKeepsTheHardwareBits)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    ASSERT_EQ(update(u, 10, 0, ent(12, RW)), 0);
    ASSERT_EQ(mmu_normal_update(u, F::mfn(10), 0, ent(12, pte::P | pte::RW), true, fs.domu), 0);
    EXPECT_EQ(pte::flags(fs.table(10)[0]) & (pte::A | pte::D), pte::A | pte::D);
    ASSERT_EQ(update(u, 10, 0, ent(12, pte::P | pte::RW)), 0);
    EXPECT_EQ(pte::flags(fs.table(10)[0]) & (pte::A | pte::D), 0u);
}

TEST_F(PageType, UpdatesOfOrdinaryFramesAreRawWrites)
{
    EXPECT_EQ(update(u, 14, 9, ent(56, RW)), 0);
    EXPECT_EQ(fs.table(14)[9], ent(56, RW));
    EXPECT_EQ(tcount(14), 0u);
    EXPECT_EQ(update(u, 40, 0, 1), -XEN_EINVAL) << "not ours";
    expect_clean();
}

TEST_F(PageType, UpdatesOfADescriptorFrameInUseAreEinval)
{
    ASSERT_TRUE(get_page(fs.pg(14), fs.domu.id));
    ASSERT_EQ(get_page_type(u, F::mfn(14), fs.pg(14), pgt::bits(Page_type::seg_desc)), 0);
    EXPECT_EQ(update(u, 14, 0, 1), -XEN_EINVAL);
    fs.bad_descriptors[15] = true;
    ASSERT_TRUE(get_page(fs.pg(15), fs.domu.id));
    EXPECT_EQ(get_page_type(u, F::mfn(15), fs.pg(15), pgt::bits(Page_type::seg_desc)), -XEN_EINVAL);
}

// --- writable page tables (emulated writes) -------------------------------------------

TEST_F(PageType, EmulatedWriteValidatesLikeAnUpdate)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 16, 8, ent(12, RW)), 0);
    EXPECT_EQ(tcount(12), 1u);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 24, 8, ent(3, RW)), -XEN_EBUSY);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 24, 8, ent(56, RO)), -XEN_EBUSY);
    EXPECT_EQ(fs.table(10)[3], 0u);
    expect_clean();
}

TEST_F(PageType, EmulatedLowHalfWriteCompletesTheEntry)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    uint64_t e = ent(12, RW);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 4, 4, e >> 32), 0);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 0, 4, e & 0xFFFFFFFFu), 0);
    EXPECT_EQ(fs.table(10)[0], e);
    expect_clean();
}

TEST_F(PageType, EmulatedBadUpperHalfIsStoredNotPresent)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    uint32_t low = static_cast<uint32_t>(ent(12, RW));
    ASSERT_EQ(ptwr_emulated_write(u, F::mfn(10), 0, 4, low), 0);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 4, 4, 0x100000u), 0);
    EXPECT_FALSE(pte::present(fs.table(10)[0]));
    EXPECT_EQ(tcount(12), 0u);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 0, 4, low), -XEN_EINVAL)
        << "the bad high bits stay refused";
    expect_clean();
}

TEST_F(PageType, EmulatedWritesOnlyHitInUseL1s)
{
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 0, 8, ent(12, RW)), -XEN_EINVAL);
    ASSERT_EQ(pin_table(u, F::mfn(11), 2), 0);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(11), 0, 8, 0), -XEN_EINVAL);
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_EQ(ptwr_emulated_write(u, F::mfn(10), 2, 4, 0), -XEN_EINVAL);
}

// --- audit ---------------------------------------------------------------------------

TEST_F(PageType, AuditReportsAWrongCount)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    fs.pg(4).count_info += 1;
    Audit_report r = fs.audit();
    ASSERT_EQ(r.issues, 1u);
    EXPECT_EQ(r.kept[0].kind, Audit_kind::general_count);
    EXPECT_EQ(r.kept[0].mfn, F::mfn(4));
}

TEST_F(PageType, AuditReportsAWritableMappingOfAPageTable)
{
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    fs.table(10)[0] = ent(3, RW); // behind the validator's back
    fs.pg(3).type_info += 1;
    fs.pg(3).count_info += 1;
    Audit_report r = fs.audit();
    ASSERT_EQ(r.issues, 1u);
    EXPECT_EQ(r.kept[0].kind, Audit_kind::writable_page_table);
}

TEST_F(PageType, TheLastReferenceReturnsTheFrame)
{
    fs.table(10)[0] = ent(12, RO);
    ASSERT_EQ(pin_table(u, F::mfn(10), 1), 0);
    EXPECT_FALSE(relinquish_page(fs.pg(12)));
    EXPECT_EQ(fs.released, 0u);
    ASSERT_EQ(unpin_table(u, F::mfn(10)), 0);
    EXPECT_EQ(fs.released, 1u);
}

// --- mapping lifetimes --------------------------------------------------------

TEST_F(PageType, ValidatingAnAddressSpaceMapsAtMostOneTablePerLevel)
{
    build_tables();
    ASSERT_EQ(pin_table(u, F::mfn(1), 3), 0);
    // The L3 stays mapped while its L2s are validated, and each L2 while its
    // L1s are: three at once, never more, whatever the number of tables.
    EXPECT_EQ(fs.max_mapped, 3u);
    EXPECT_EQ(unpin_table(u, F::mfn(1)), 0);
    expect_clean();
}

TEST_F(PageType, ATableThatCannotBeMappedFailsValidationAndTakesNothing)
{
    build_tables();
    fs.map_limit = 2; // room for the L3 and an L2, not the L1 below
    EXPECT_EQ(pin_table(u, F::mfn(1), 3), -XEN_ENOMEM);
    for (uint32_t i = 1; i <= 5; ++i)
        EXPECT_EQ(tcount(i), 0u) << "frame " << i;
    EXPECT_EQ(gcount(4), 1u) << "the data frame keeps only its allocation reference";
    fs.map_limit = 8;
    EXPECT_EQ(pin_table(u, F::mfn(1), 3), 0) << "and it pins once mapping works";
    EXPECT_EQ(unpin_table(u, F::mfn(1)), 0);
    expect_clean();
}

TEST_F(PageType, AnUpdateWhoseTableCannotBeMappedIsEnomemAndChangesNothing)
{
    ASSERT_EQ(pin_table(u, F::mfn(3), 1), 0);
    fs.map_limit = 0;
    EXPECT_EQ(update(u, 3, 7, ent(4, RW)), -XEN_ENOMEM);
    fs.map_limit = 8;
    EXPECT_EQ(fs.table(3)[7], 0u);
    EXPECT_EQ(gcount(4), 1u);
    EXPECT_EQ(unpin_table(u, F::mfn(3)), 0);
    expect_clean();
}

TEST_F(PageType, ManyL3sSharingL2sPinAndUnpinInEveryOrderWithConsistentCounts)
{
    // Six L3s (frames 10..15) share two L2s for slot 0 and 1 (frames 2 and
    // 6, each with an L1); each has its own top L2 (frames 20..25).
    fs.table(3)[0] = ent(4, RW);
    fs.table(7)[0] = ent(8, RW);
    fs.table(2)[0] = ent(3, RW);
    fs.table(6)[0] = ent(7, RW);
    for (uint32_t k = 0; k < 6; ++k) {
        fs.table(10 + k)[0] = ent(2, pte::P);
        fs.table(10 + k)[1] = ent(6, pte::P);
        fs.table(10 + k)[3] = ent(20 + k, pte::P);
    }
    uint32_t order[6] = {0, 1, 2, 3, 4, 5};
    int rounds = 0;
    do {
        for (uint32_t k : order)
            ASSERT_EQ(pin_table(u, F::mfn(10 + k), 3), 0) << "pin L3 " << k;
        EXPECT_EQ(tcount(2), 6u);
        EXPECT_EQ(tcount(6), 6u);
        EXPECT_LE(fs.max_mapped, 3u);
        // Unpinned in the order they were pinned: the shared L2s are torn
        // down by whichever L3 goes last.
        for (uint32_t k : order)
            ASSERT_EQ(unpin_table(u, F::mfn(10 + k)), 0) << "unpin L3 " << k;
        EXPECT_EQ(tcount(2), 0u);
        expect_clean();
        ++rounds;
    } while (std::next_permutation(order, order + 6) && rounds < 120);
}
