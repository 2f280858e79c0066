// GNTTABOP_copy batches (grant::Copy_batch): what a batch keeps claimed
// from one op to the next and gives back at its end; every op's checks
// still run on a kept claim; and a granter's teardown racing copies and
// maps: nothing pins a table once it is dying, and the table waits for
// the pins taken before.
#include <gtest/gtest.h>

#include <cstring>

#include "hypervisor/domain/domain.hpp"
#include "tests/unit/fake_grant_env.hpp"

namespace {

using E = Fake_grant_env;

class GrantCopyBatch : public ::testing::Test {
protected:
    E env;

    void TearDown() override
    {
        EXPECT_EQ(env.fs.mapped_now, 0u);
        EXPECT_TRUE(env.audit().clean());
    }
    unsigned char* bytes(uint32_t frame)
    {
        return reinterpret_cast<unsigned char*>(env.fs.mem[frame]);
    }
    // Domain 0 copies len bytes at 'off' of domain 1's grant 'ref' into
    // its own frame k.
    static gnttab_copy_t from_grant(uint32_t ref, uint32_t k, uint16_t off, uint16_t len)
    {
        gnttab_copy_t c{};
        c.flags = GNTCOPY_source_gref;
        c.source.domid = 1;
        c.source.u.ref = ref;
        c.source.offset = off;
        c.dest.domid = DOMID_SELF;
        c.dest.u.gmfn = raw(E::data_mfn(0, k));
        c.dest.offset = off;
        c.len = len;
        return c;
    }
    uint32_t gcount(uint32_t frame) { return env.gcount(frame); }
};

TEST_F(GrantCopyBatch, GivenOpsOnTheSameGrantAndFrame_ThenTheBatchClaimsThemOnceAndGivesThemBackAtItsEnd)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access | GTF_readonly);
    for (uint32_t i = 0; i < page_size; ++i)
        bytes(E::data(1, 0))[i] = static_cast<unsigned char>(i);
    std::memset(bytes(E::data(0, 0)), 0, page_size);
    uint32_t src_refs = gcount(E::data(1, 0)), dst_refs = gcount(E::data(0, 0));
    {
        grant::Copy_batch b(env, env.dom(0));
        for (uint16_t k = 0; k < 16; ++k)
            ASSERT_EQ(b.copy(from_grant(10, 0, static_cast<uint16_t>(k * 256), 256)), GNTST_okay) << k;
        EXPECT_EQ(env.pin(1, 10), gntpin::hstr) << "one pin for the whole batch";
        EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_readonly | GTF_reading);
        EXPECT_EQ(gcount(E::data(1, 0)), src_refs + 1);
        EXPECT_EQ(gcount(E::data(0, 0)), dst_refs + 1);
        EXPECT_EQ(env.held[1], 1u) << "the granter looked up once";
    }
    EXPECT_EQ(std::memcmp(bytes(E::data(0, 0)), bytes(E::data(1, 0)), page_size), 0);
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_readonly);
    EXPECT_EQ(gcount(E::data(1, 0)), src_refs);
    EXPECT_EQ(gcount(E::data(0, 0)), dst_refs);
    EXPECT_EQ(env.held[1], 0u);
}

TEST_F(GrantCopyBatch, GivenAnotherGrantOrFrame_ThenTheKeptClaimGoesFirst)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    env.grant(1, 11, 0, raw(E::data_mfn(1, 1)), GTF_permit_access);
    grant::Copy_batch b(env, env.dom(0));
    ASSERT_EQ(b.copy(from_grant(10, 0, 0, 8)), GNTST_okay);
    ASSERT_EQ(b.copy(from_grant(11, 1, 0, 8)), GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), 0u) << "grant 10 let go when 11 was named";
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
    EXPECT_EQ(env.pin(1, 11), gntpin::hstr);
    b.end();
    EXPECT_EQ(env.pin(1, 11), 0u);
    EXPECT_EQ(env.held[1], 0u);
}

TEST_F(GrantCopyBatch, GivenAKeptClaim_ThenEveryOpIsStillCheckedInFull)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    grant::Copy_batch b(env, env.dom(0));
    ASSERT_EQ(b.copy(from_grant(10, 0, 0, 8)), GNTST_okay);
    EXPECT_EQ(b.copy(from_grant(10, 0, 4000, 200)), GNTST_bad_copy_arg);
    // The same domain named by frame, not grant: only DOMID_SELF may be.
    gnttab_copy_t c = from_grant(10, 0, 0, 8);
    c.flags = 0;
    c.source.u.gmfn = raw(E::data_mfn(1, 0));
    EXPECT_EQ(b.copy(c), GNTST_permission_denied);
    c = from_grant(10, 0, 0, 8);
    c.dest.u.gmfn = raw(E::data_mfn(1, 1)); // not the caller's frame
    EXPECT_EQ(b.copy(c), GNTST_bad_page);
    EXPECT_EQ(b.copy(from_grant(10, 0, 8, 8)), GNTST_okay);
}

TEST_F(GrantCopyBatch, GivenADyingGranter_ThenABatchKeepsItsPinAndTheTableWaitsForIt)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    env.grant(1, 11, 0, raw(E::data_mfn(1, 1)), GTF_permit_access);
    {
        grant::Copy_batch b(env, env.dom(0));
        ASSERT_EQ(b.copy(from_grant(10, 0, 0, 8)), GNTST_okay);
        grant::release_mappings(env, env.dom(1));
        grant::revoke_mappings(env, env.dom(1));
        EXPECT_FALSE(grant::pins_drained(env.dom(1))) << "the batch's pin is still there";
        EXPECT_EQ(b.copy(from_grant(11, 0, 0, 8)), GNTST_bad_domain)
            << "no new pin on a dying table";
        EXPECT_EQ(env.pin(1, 11), 0u);
    }
    EXPECT_TRUE(grant::pins_drained(env.dom(1)));
    grant::table_destroy(env, env.dom(1));
    EXPECT_EQ(env.dom(1).grant, nullptr);
    EXPECT_TRUE(env.dom(1).grant_storage.dying) << "the emptied table stays dying for late readers";
    EXPECT_EQ(grant::copy(env, env.dom(0), from_grant(10, 0, 0, 8)), GNTST_bad_domain);
}

// Another CPU marks the granter dying after the copy looked it up and
// before the copy takes the table's lock: the copy must not pin it (the
// teardown's look for pins may already be over).
TEST_F(GrantCopyBatch, GivenTheGranterMarkedDyingAfterItsLookup_ThenTheCopyIsRefusedUnderTheLock)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    env.grant(1, 11, 0, raw(E::data_mfn(1, 1)), GTF_permit_access);
    gnttab_copy_t c = from_grant(10, 0, 0, 8);
    c.flags |= GNTCOPY_dest_gref;
    c.dest.domid = 1;
    c.dest.u.ref = 11;
    unsigned lookups = 0;
    env.after_get_domain = [&](uint16_t id) {
        if (id == 1 && ++lookups == 2) // the second side's lookup, after the first's
            grant::revoke_mappings(env, env.dom(1));
    };
    EXPECT_EQ(grant::copy(env, env.dom(0), c), GNTST_bad_domain);
    env.after_get_domain = nullptr;
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(env.pin(1, 11), 0u);
    EXPECT_TRUE(grant::pins_drained(env.dom(1)));
}

// The same race for a map: the granter is marked dying while the mapper
// gets its maptrack page, between the lookup and the granter's lock.
TEST_F(GrantCopyBatch, GivenTheGranterMarkedDyingDuringAMap_ThenTheMapIsRefusedUnderTheLock)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    env.before_alloc = [&] {
        env.before_alloc = nullptr;
        grant::revoke_mappings(env, env.dom(1));
    };
    gnttab_map_grant_ref_t m{};
    m.host_addr = E::va(7);
    m.flags = GNTMAP_host_map;
    m.ref = 10;
    m.dom = 1;
    grant::map(env, env.vcpu(0), m);
    EXPECT_EQ(m.status, GNTST_bad_domain);
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(env.pte(0, 7), 0u);
    EXPECT_EQ(env.table(0).maptrack_used, 0u);
}

} // namespace
