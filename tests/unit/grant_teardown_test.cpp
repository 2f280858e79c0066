// Domain teardown with mappings still live: a dying granter's grants are
// unmapped by force from every mapper, a dying mapper's own mappings are
// released, and the table goes without leaking memory, frames or
// references, whatever state the mappings were in.
#include <gtest/gtest.h>

#include "tests/unit/fake_grant_env.hpp"

namespace {

using E = Fake_grant_env;
using F = Fake_frame_space;

class GrantTeardown : public ::testing::Test {
protected:
    E env;

    gnttab_map_grant_ref_t map(uint32_t mapper, uint16_t granter, uint32_t ref, uint32_t flags,
                               uint64_t addr)
    {
        gnttab_map_grant_ref_t op{};
        op.host_addr = addr;
        op.flags = flags;
        op.ref = ref;
        op.dom = granter;
        grant::map(env, env.vcpu(mapper), op);
        return op;
    }
    void expect_clean()
    {
        Audit_report r = env.audit();
        EXPECT_TRUE(r.clean()) << r.issues << " issues, first kind "
                               << static_cast<int>(r.kept[0].kind) << " at " << raw(r.kept[0].mfn);
    }
    // Domain 1 grants data frames 0..2 to domain 0, which maps them: host
    // writable, host read-only by PTE address, host + device.
    void map_three()
    {
        for (uint32_t k = 0; k < 3; ++k)
            env.grant(1, 10 + k, 0, raw(E::data_mfn(1, k)), GTF_permit_access);
        ASSERT_EQ(map(0, 1, 10, GNTMAP_host_map, E::va(7)).status, GNTST_okay);
        ASSERT_EQ(map(0, 1, 11, GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_readonly,
                      env.pte_maddr(0, 8))
                      .status,
                  GNTST_okay);
        ASSERT_EQ(map(0, 1, 12, GNTMAP_host_map | GNTMAP_device_map, E::va(9)).status, GNTST_okay);
    }
};

TEST_F(GrantTeardown, GivenADyingGranter_WhenRevoked_ThenEveryMappersPteIsClearedAndItsTlbFlushed)
{
    map_three();
    uint32_t flushes = env.flushes[0];
    grant::revoke_mappings(env, env.dom(1));
    EXPECT_EQ(env.pte(0, 7), 0u);
    EXPECT_EQ(env.pte(0, 8), 0u);
    EXPECT_EQ(env.pte(0, 9), 0u);
    EXPECT_GT(env.flushes[0], flushes);
    for (uint32_t r = 10; r < 13; ++r)
        EXPECT_EQ(env.pin(1, r), 0u) << r;
    EXPECT_EQ(env.table(0).maptrack_used, 0u);
    expect_clean();
}

TEST_F(GrantTeardown, GivenARevokedGranter_ThenItsFramesHoldOnlyTheirOwnReferences)
{
    map_three();
    grant::revoke_mappings(env, env.dom(1));
    for (uint32_t k = 0; k < 3; ++k) {
        EXPECT_EQ(env.gcount(E::data(1, k)), 1u) << k;
        EXPECT_EQ(env.tcount(E::data(1, k)), 0u) << k;
    }
}

TEST_F(GrantTeardown, GivenARevokedGranter_ThenItsGrantsCanNoLongerBeMappedOrCopied)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    grant::revoke_mappings(env, env.dom(1));
    EXPECT_EQ(map(0, 1, 10, GNTMAP_host_map, E::va(7)).status, GNTST_bad_domain);
    gnttab_copy_t c{};
    c.source.u.ref = 10;
    c.source.domid = 1;
    c.dest.u.gmfn = raw(E::data_mfn(0, 0));
    c.dest.domid = DOMID_SELF;
    c.len = 8;
    c.flags = GNTCOPY_source_gref;
    EXPECT_EQ(grant::copy(env, env.dom(0), c), GNTST_bad_domain);
}

TEST_F(GrantTeardown, GivenADyingMapper_WhenReleased_ThenItsMappingsAreUndoneAndTheGranterCanRevoke)
{
    map_three();
    grant::release_mappings(env, env.dom(0));
    EXPECT_EQ(env.pte(0, 7), 0u);
    EXPECT_EQ(env.pte(0, 9), 0u);
    for (uint32_t r = 10; r < 13; ++r) {
        EXPECT_EQ(env.pin(1, r), 0u);
        EXPECT_EQ(env.flags(1, r), GTF_permit_access) << "the granter sees its grants free again";
    }
    expect_clean();
}

TEST_F(GrantTeardown, GivenTheGuestRemovedAGrantPte_WhenTornDown_ThenNothingIsDroppedTwice)
{
    map_three();
    Mm_ctx c{env.fs, env.dom(0).mm};
    ASSERT_EQ(mmu_normal_update(c, F::mfn(E::l1(0)), 7, 0, false, env.dom(0).mm), 0);
    // The slot now maps one of the mapper's own frames instead.
    ASSERT_EQ(env.map_own(0, 7, E::data(0, 2), pte::P | pte::RW | pte::A | pte::D), 0);
    grant::revoke_mappings(env, env.dom(1));
    EXPECT_EQ(pte::mfn(env.pte(0, 7)), E::data_mfn(0, 2)) << "not the grant's PTE: left alone";
    EXPECT_EQ(env.gcount(E::data(1, 0)), 1u);
    expect_clean();
}

TEST_F(GrantTeardown, GivenTheMappersL1WasTornDownFirst_ThenReleaseOnlyFixesPinsAndFlags)
{
    map_three();
    // Unpinning the mapper's L3 devalidates its tables: every PTE,
    // grant ones included, gives up its references.
    Mm_ctx c{env.fs, env.dom(0).mm};
    ASSERT_EQ(unpin_table(c, F::mfn(0)), 0);
    grant::release_mappings(env, env.dom(0));
    for (uint32_t k = 0; k < 3; ++k)
        EXPECT_EQ(env.gcount(E::data(1, k)), 1u) << k;
    for (uint32_t r = 10; r < 13; ++r)
        EXPECT_EQ(env.pin(1, r), 0u);
    expect_clean();
}

TEST_F(GrantTeardown,
       GivenAMappingBetweenUnmapsTwoPhases_WhenRevoked_ThenTheSecondPhaseFindsNothingToDo)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    auto op = map(0, 1, 10, GNTMAP_host_map, E::va(7));
    ASSERT_EQ(op.status, GNTST_okay);
    grant::Unmap_request r;
    r.host_addr = E::va(7);
    r.handle = op.handle;
    grant::Unmap_work w;
    ASSERT_EQ(grant::unmap(env, env.vcpu(0), r, w), GNTST_okay);
    expect_clean(); // the pending references are counted
    grant::revoke_mappings(env, env.dom(1));
    EXPECT_EQ(env.gcount(E::data(1, 0)), 1u);
    grant::unmap_complete(env, env.dom(0), w);
    EXPECT_EQ(env.gcount(E::data(1, 0)), 1u);
    EXPECT_EQ(env.pin(1, 10), 0u);
    expect_clean();
}

TEST_F(GrantTeardown, GivenSelfMappings_WhenTheDomainIsDestroyed_ThenEverythingGoes)
{
    env.grant(1, 10, 1, raw(E::data_mfn(1, 0)), GTF_permit_access);
    ASSERT_EQ(map(1, 1, 10, GNTMAP_host_map, E::va(7)).status, GNTST_okay);
    ASSERT_EQ(map(1, 1, 10, GNTMAP_device_map, 0).status, GNTST_okay);
    grant::table_destroy(env, env.dom(1));
    EXPECT_EQ(env.dom(1).grant, nullptr);
    EXPECT_EQ(env.pte(1, 7), 0u);
    EXPECT_EQ(env.gcount(E::data(1, 0)), 1u);
    expect_clean();
}

TEST_F(GrantTeardown, GivenBothDomainsDestroyed_ThenNoMemoryNoSharedFrameAndNoReferenceIsLeft)
{
    map_three();
    uint32_t ver = 2;
    ASSERT_EQ(grant::set_version(env, env.dom(0), ver), 0);
    env.grant(0, 20, 1, raw(E::data_mfn(0, 0)), GTF_permit_access);
    ASSERT_EQ(map(1, 0, 20, GNTMAP_host_map, E::va(3)).status, GNTST_okay);
    grant::table_destroy(env, env.dom(1));
    grant::table_destroy(env, env.dom(0));
    EXPECT_EQ(env.live_allocs, 0);
    for (uint32_t i = E::pool_first; i < E::pool_end; ++i)
        EXPECT_EQ(env.gcount(i), 0u) << i;
    for (uint32_t k = 0; k < 3; ++k)
        EXPECT_EQ(env.gcount(E::data(1, k)), 1u);
    EXPECT_EQ(env.gcount(E::data(0, 0)), 1u);
    expect_clean();
}

TEST_F(GrantTeardown, GivenAGrantFrameTheGuestStillMaps_WhenDestroyed_ThenItGoesWhenTheMappingGoes)
{
    Mfn f = env.table(1).shared[0].mfn;
    ASSERT_EQ(env.map_own(1, 5, F::index(f), pte::P | pte::RW | pte::A | pte::D), 0);
    uint32_t released = env.fs.released;
    grant::table_destroy(env, env.dom(1));
    EXPECT_EQ(env.fs.released, released) << "still mapped";
    EXPECT_EQ(env.gcount(F::index(f)), 1u);
    Mm_ctx c{env.fs, env.dom(1).mm};
    ASSERT_EQ(mmu_normal_update(c, F::mfn(E::l1(1)), 5, 0, false, env.dom(1).mm), 0);
    EXPECT_EQ(env.fs.released, released + 1);
    expect_clean();
}

} // namespace
