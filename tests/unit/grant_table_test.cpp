// The grant table itself: creation and limits, setup_table, query_size,
// get_version, swap_grant_ref, and the hypervisor's references on the
// shared frames (fake_grant_env.hpp).
#include <gtest/gtest.h>

#include <vector>

#include "hypervisor/lib/xen_errno.hpp"
#include "tests/unit/fake_grant_env.hpp"

namespace {

using E = Fake_grant_env;
using F = Fake_frame_space;

class Sink final : public grant::Frame_sink {
public:
    std::vector<uint64_t> frames;
    uint32_t fail_at = 0xFFFFFFFFu;
    bool put(uint32_t i, uint64_t f) override
    {
        if (i >= fail_at)
            return false;
        frames.push_back(f);
        return true;
    }
};

class GrantTable : public ::testing::Test {
protected:
    E env;
};

TEST_F(GrantTable, GivenANewDomain_ThenItsTableHasOneFrameOfSixtyFourAndIsVersionOne)
{
    uint32_t nr = 0, max = 0;
    EXPECT_EQ(grant::query_size(env, env.dom(1), DOMID_SELF, nr, max), GNTST_okay);
    EXPECT_EQ(nr, 1u);
    EXPECT_EQ(max, 64u);
    EXPECT_EQ(env.table(1).version, 1u);
    EXPECT_EQ(env.table(1).nr_entries(), 512u);
}

TEST_F(GrantTable, GivenAFrame_ThenTheGuestOwnsItTheHypervisorHoldsItWritableAndItIsNotInTotPages)
{
    Mfn m = env.table(1).shared[0].mfn;
    Page& pg = *env.fs.page(m);
    EXPECT_EQ(pg.owner, 1u);
    EXPECT_FALSE(pgc::is_allocated(pg.count_info));
    EXPECT_EQ(pgc::count(pg.count_info), 1u);
    EXPECT_EQ(pgt::type(pg.type_info), Page_type::writable);
    EXPECT_EQ(pgt::count(pg.type_info), 1u);
    EXPECT_EQ(env.dom(1).tot_pages, E::frames_per_domain);
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantTable, GivenTheGuestMapsItsFrameWritable_ThenTheAuditStillAgrees)
{
    uint32_t f = F::index(env.table(1).shared[0].mfn);
    // The guest may map the frame: it owns it, and the type is writable.
    Mm_ctx c{env.fs, env.dom(1).mm};
    uint64_t e = pte::make(F::mfn(f), pte::P | pte::RW | pte::A | pte::D);
    ASSERT_EQ(mmu_normal_update(c, F::mfn(E::l1(1)), 5, e, false, env.dom(1).mm), 0);
    EXPECT_TRUE(env.audit().clean());
    // And it cannot make it a page table.
    EXPECT_NE(pin_table(c, F::mfn(f), 1), 0);
}

TEST_F(GrantTable, GivenInvalidLimits_ThenCreationIsRefused)
{
    Domain d;
    d.id = 7;
    EXPECT_EQ(grant::table_create(env, d, Grant_limits{0, 1024, 2}), -XEN_EINVAL);
    EXPECT_EQ(grant::table_create(env, d, Grant_limits{4, 1024, 3}), -XEN_EINVAL);
    EXPECT_EQ(grant::table_create(env, d, Grant_limits{4, 1024, 0}), -XEN_EINVAL);
    EXPECT_EQ(grant::table_create(env, env.dom(1), Grant_limits{}), -XEN_EEXIST);
    env.allocs_left = 2;
    EXPECT_EQ(grant::table_create(env, d, Grant_limits{}), -XEN_ENOMEM);
    EXPECT_EQ(d.grant, nullptr);
}

TEST_F(GrantTable, GivenACreatedAndDestroyedTable_ThenNoMemoryAndNoFrameIsLeft)
{
    long before = env.live_allocs;
    Domain d;
    d.id = 1; // the frames need an owner the frame space knows
    d.mm = env.fs.domu;
    ASSERT_EQ(grant::table_create(env, d, Grant_limits{8, 4, 2}), 0);
    uint32_t released = env.fs.released;
    grant::table_destroy(env, d);
    EXPECT_EQ(env.live_allocs, before);
    EXPECT_EQ(env.fs.released, released + 1);
    EXPECT_EQ(d.grant, nullptr);
}

TEST_F(GrantTable, GivenSetupTable_ThenTheTableGrowsAndItsMachineFramesAreListed)
{
    Sink s;
    EXPECT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 3, s), GNTST_okay);
    ASSERT_EQ(s.frames.size(), 3u);
    for (uint32_t i = 0; i < 3; ++i)
        EXPECT_EQ(s.frames[i], raw(env.table(1).shared[i].mfn));
    EXPECT_EQ(env.table(1).nr_frames, 3u);
    EXPECT_EQ(env.table(1).nr_entries(), 3u * 512);
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantTable, GivenSetupTableForFewerFrames_ThenTheTableKeepsItsSizeAndOnlyThoseAreListed)
{
    Sink s;
    ASSERT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 3, s), GNTST_okay);
    Sink t;
    EXPECT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 1, t), GNTST_okay);
    EXPECT_EQ(t.frames.size(), 1u);
    EXPECT_EQ(env.table(1).nr_frames, 3u);
    Sink z;
    EXPECT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 0, z), GNTST_okay);
    EXPECT_TRUE(z.frames.empty());
}

TEST_F(GrantTable, GivenMoreFramesThanTheMaximum_ThenGeneralErrorAndNothingChanges)
{
    Sink s;
    EXPECT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 65, s), GNTST_general_error);
    EXPECT_EQ(env.table(1).nr_frames, 1u);
    EXPECT_TRUE(s.frames.empty());
}

TEST_F(GrantTable, GivenAMaximumSetAtCreation_ThenItIsTheLimit)
{
    E small(Grant_limits{}, Grant_limits{2, 1024, 2});
    uint32_t nr = 0, max = 0;
    EXPECT_EQ(grant::query_size(small, small.dom(1), 1, nr, max), GNTST_okay);
    EXPECT_EQ(max, 2u);
    Sink s;
    EXPECT_EQ(grant::setup_table(small, small.dom(1), DOMID_SELF, 3, s), GNTST_general_error);
    EXPECT_EQ(grant::setup_table(small, small.dom(1), DOMID_SELF, 2, s), GNTST_okay);
}

TEST_F(GrantTable, GivenNoFrameLeftToGrowInto_ThenGeneralErrorAndTheTableKeepsItsFrames)
{
    env.frames_left = 1;
    uint32_t released = env.fs.released;
    Sink s;
    EXPECT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 3, s), GNTST_general_error);
    EXPECT_EQ(env.table(1).nr_frames, 1u);
    EXPECT_EQ(env.fs.released, released + 1) << "the frame taken for the failed growth went back";
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantTable, GivenAnUnwritableFrameList_ThenBadVirtAddr)
{
    Sink s;
    s.fail_at = 1;
    EXPECT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 2, s), GNTST_bad_virt_addr);
}

TEST_F(GrantTable, GivenAnotherDomain_ThenOnlyAPrivilegedCallerMayNameIt)
{
    Sink s;
    uint32_t nr = 0, max = 0;
    EXPECT_EQ(grant::setup_table(env, env.dom(1), 0, 1, s), GNTST_permission_denied);
    EXPECT_EQ(grant::query_size(env, env.dom(1), 0, nr, max), GNTST_permission_denied);
    EXPECT_EQ(grant::setup_table(env, env.dom(0), 1, 2, s), GNTST_okay);
    EXPECT_EQ(env.table(1).nr_frames, 2u);
    EXPECT_EQ(grant::query_size(env, env.dom(0), 1, nr, max), GNTST_okay);
    EXPECT_EQ(nr, 2u);
    // Naming oneself by id is the same as DOMID_SELF.
    EXPECT_EQ(grant::query_size(env, env.dom(1), 1, nr, max), GNTST_okay);
}

TEST_F(GrantTable, GivenADomainThatDoesNotExist_ThenBadDomain)
{
    Sink s;
    uint32_t nr = 0, max = 0;
    EXPECT_EQ(grant::setup_table(env, env.dom(0), 9, 1, s), GNTST_bad_domain);
    EXPECT_EQ(grant::query_size(env, env.dom(0), DOMID_IO, nr, max), GNTST_bad_domain);
    EXPECT_EQ(grant::get_status_frames(env, env.dom(0), 9, 0, s), GNTST_bad_domain);
}

TEST_F(GrantTable, GivenGetVersion_ThenTheVersionOrXensErrno)
{
    uint32_t v = 0;
    EXPECT_EQ(grant::get_version(env, env.dom(1), DOMID_SELF, v), 0);
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(grant::get_version(env, env.dom(1), 0, v), -XEN_EPERM);
    EXPECT_EQ(grant::get_version(env, env.dom(0), 9, v), -XEN_ESRCH);
    EXPECT_EQ(grant::get_version(env, env.dom(0), 1, v), 0);
}

TEST_F(GrantTable, GivenTwoUnusedEntries_WhenSwapped_ThenTheyTradeContents)
{
    env.grant(1, 3, 0, 0x111, GTF_permit_access);
    env.grant(1, 4, 0, 0x222, GTF_permit_access | GTF_readonly);
    EXPECT_EQ(grant::swap_refs(env, env.dom(1), 3, 4), GNTST_okay);
    EXPECT_EQ(*env.table(1).v1_frame(3), 0x222u);
    EXPECT_EQ(env.flags(1, 3), GTF_permit_access | GTF_readonly);
    EXPECT_EQ(*env.table(1).v1_frame(4), 0x111u);
    EXPECT_EQ(grant::swap_refs(env, env.dom(1), 3, 3), GNTST_okay);
}

TEST_F(GrantTable, GivenSwapOfARefBeyondTheTable_ThenBadGntref)
{
    EXPECT_EQ(grant::swap_refs(env, env.dom(1), 512, 0), GNTST_bad_gntref);
    EXPECT_EQ(grant::swap_refs(env, env.dom(1), 0, 512), GNTST_bad_gntref);
}

TEST_F(GrantTable, GivenSwapOfAPinnedEntry_ThenEagainAndNothingMoves)
{
    env.grant(1, 3, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    gnttab_map_grant_ref_t op{};
    op.flags = GNTMAP_device_map;
    op.ref = 3;
    op.dom = 1;
    grant::map(env, env.vcpu(0), op);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(grant::swap_refs(env, env.dom(1), 3, 4), GNTST_eagain);
    EXPECT_EQ(grant::swap_refs(env, env.dom(1), 4, 3), GNTST_eagain);
    EXPECT_EQ(*env.table(1).v1_frame(3), raw(E::data_mfn(1, 0)));
}

} // namespace
