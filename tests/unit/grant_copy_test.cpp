// GNTTABOP_copy with every source/destination combination (frame or grant
// on each side), the bounds checks, every refusal and what a copy leaves
// behind (nothing: pins, flags and references as before); and
// GNTTABOP_transfer.
#include <gtest/gtest.h>

#include <cstring>

#include "tests/unit/fake_grant_env.hpp"

namespace {

using E = Fake_grant_env;
using F = Fake_frame_space;

class GrantCopy : public ::testing::Test {
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
    gnttab_copy_t op(uint16_t sdom, uint32_t s, uint16_t soff, uint16_t ddom, uint32_t d,
                     uint16_t doff, uint16_t len, uint16_t flags)
    {
        gnttab_copy_t c{};
        c.source.u.ref = s;
        c.source.domid = sdom;
        c.source.offset = soff;
        c.dest.u.ref = d;
        c.dest.domid = ddom;
        c.dest.offset = doff;
        c.len = len;
        c.flags = flags;
        return c;
    }
    int16_t copy(uint32_t caller, const gnttab_copy_t& c)
    {
        return grant::copy(env, env.dom(caller), c);
    }
    void fill(uint32_t frame, unsigned char v) { std::memset(bytes(frame), v, page_size); }
};

// Domain 1 copies between its own frames 0 and 1, by frame number.
TEST_F(GrantCopy, GivenTwoOwnFrames_WhenCopied_ThenTheBytesArriveAndNothingElseChanges)
{
    uint32_t a = E::data(1, 0), b = E::data(1, 1);
    fill(a, 0xAA);
    fill(b, 0x00);
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(E::data_mfn(1, 0)), 100, DOMID_SELF,
                         raw(E::data_mfn(1, 1)), 200, 50, 0)),
              GNTST_okay);
    EXPECT_EQ(bytes(b)[199], 0);
    EXPECT_EQ(bytes(b)[200], 0xAA);
    EXPECT_EQ(bytes(b)[249], 0xAA);
    EXPECT_EQ(bytes(b)[250], 0);
}

TEST_F(GrantCopy, GivenASourceGrant_WhenCopiedIntoAnOwnFrame_ThenItArrivesAndThePinIsGone)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access | GTF_readonly);
    fill(E::data(1, 0), 0x5A);
    fill(E::data(0, 0), 0);
    EXPECT_EQ(
        copy(0, op(1, 10, 0, DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 4096, GNTCOPY_source_gref)),
        GNTST_okay);
    EXPECT_EQ(bytes(E::data(0, 0))[4095], 0x5A);
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_readonly);
}

TEST_F(GrantCopy, GivenADestinationGrant_WhenCopiedFromAnOwnFrame_ThenItArrives)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    fill(E::data(0, 0), 0x33);
    fill(E::data(1, 0), 0);
    EXPECT_EQ(copy(0, op(DOMID_SELF, raw(E::data_mfn(0, 0)), 8, 1, 10, 16, 8, GNTCOPY_dest_gref)),
              GNTST_okay);
    EXPECT_EQ(bytes(E::data(1, 0))[16], 0x33);
    EXPECT_EQ(bytes(E::data(1, 0))[24], 0);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
}

TEST_F(GrantCopy, GivenGrantsOnBothSides_ThenItCopiesBetweenThem)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access | GTF_readonly);
    env.grant(1, 11, 0, raw(E::data_mfn(1, 1)), GTF_permit_access);
    fill(E::data(1, 0), 0x77);
    fill(E::data(1, 1), 0);
    EXPECT_EQ(copy(0, op(1, 10, 0, 1, 11, 0, 1, GNTCOPY_source_gref | GNTCOPY_dest_gref)),
              GNTST_okay);
    EXPECT_EQ(bytes(E::data(1, 1))[0], 0x77);
}

TEST_F(GrantCopy, GivenAGrantToItself_ThenADomainCopiesThroughItsOwnGrant)
{
    env.grant(1, 10, 1, raw(E::data_mfn(1, 0)), GTF_permit_access);
    fill(E::data(1, 0), 0x11);
    fill(E::data(1, 1), 0);
    EXPECT_EQ(copy(1, op(1, 10, 0, DOMID_SELF, raw(E::data_mfn(1, 1)), 0, 10, GNTCOPY_source_gref)),
              GNTST_okay);
    EXPECT_EQ(bytes(E::data(1, 1))[9], 0x11);
    EXPECT_EQ(copy(1, op(DOMID_SELF, 10, 0, DOMID_SELF, raw(E::data_mfn(1, 1)), 0, 10,
                         GNTCOPY_source_gref)),
              GNTST_okay)
        << "a grant of DOMID_SELF";
}

TEST_F(GrantCopy, GivenTheSameFrameOnBothSides_ThenOverlappingBytesMoveAsMemmove)
{
    uint32_t a = E::data(1, 0);
    for (uint32_t i = 0; i < page_size; ++i)
        bytes(a)[i] = static_cast<unsigned char>(i);
    Mfn m = E::data_mfn(1, 0);
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(m), 0, DOMID_SELF, raw(m), 1, 10, 0)), GNTST_okay);
    EXPECT_EQ(bytes(a)[1], 0);
    EXPECT_EQ(bytes(a)[10], 9);
}

TEST_F(GrantCopy, GivenAMappedGrant_WhenCopiedFrom_ThenTheMappingsPinAndFlagsStay)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    gnttab_map_grant_ref_t m{};
    m.host_addr = E::va(7);
    m.flags = GNTMAP_host_map;
    m.ref = 10;
    m.dom = 1;
    grant::map(env, env.vcpu(0), m);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(copy(0, op(1, 10, 0, DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 64, GNTCOPY_source_gref)),
              GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), gntpin::hstw);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_reading | GTF_writing);
}

TEST_F(GrantCopy, GivenZeroLength_ThenOkayWithoutLookingAtAnything)
{
    EXPECT_EQ(copy(0, op(9, 0xFFFF, 5000, 9, 0xFFFF, 5000, 0, GNTCOPY_source_gref)), GNTST_okay);
}

TEST_F(GrantCopy, GivenARangeCrossingThePageEnd_ThenBadCopyArg)
{
    Mfn a = E::data_mfn(1, 0), b = E::data_mfn(1, 1);
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(a), 4000, DOMID_SELF, raw(b), 0, 97, 0)),
              GNTST_bad_copy_arg);
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(a), 0, DOMID_SELF, raw(b), 4095, 2, 0)),
              GNTST_bad_copy_arg);
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(a), 0, DOMID_SELF, raw(b), 0, 4097, 0)),
              GNTST_bad_copy_arg);
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(a), 0, DOMID_SELF, raw(b), 0, 4096, 0)), GNTST_okay);
}

TEST_F(GrantCopy, GivenAFrameNamedByADomainId_ThenPermissionDeniedEvenForOnesOwnId)
{
    Mfn a = E::data_mfn(1, 0), b = E::data_mfn(1, 1);
    EXPECT_EQ(copy(1, op(1, raw(a), 0, DOMID_SELF, raw(b), 0, 8, 0)), GNTST_permission_denied);
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(a), 0, 1, raw(b), 0, 8, 0)), GNTST_permission_denied);
}

TEST_F(GrantCopy, GivenAGrantOfADomainThatDoesNotExist_ThenBadDomain)
{
    EXPECT_EQ(copy(0, op(9, 1, 0, DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 8, GNTCOPY_source_gref)),
              GNTST_bad_domain);
    EXPECT_EQ(copy(0, op(DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 9, 1, 0, 8, GNTCOPY_dest_gref)),
              GNTST_bad_domain);
}

TEST_F(GrantCopy, GivenARefBeyondTheTable_ThenBadGntref)
{
    EXPECT_EQ(copy(0, op(1, 512, 0, DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 8, GNTCOPY_source_gref)),
              GNTST_bad_gntref);
}

TEST_F(GrantCopy, GivenAGrantNotForTheCaller_ThenGeneralError)
{
    env.grant(1, 10, 1, raw(E::data_mfn(1, 0)), GTF_permit_access);
    EXPECT_EQ(copy(0, op(1, 10, 0, DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 8, GNTCOPY_source_gref)),
              GNTST_general_error);
}

TEST_F(GrantCopy, GivenAReadOnlyGrantAsDestination_ThenGeneralErrorAndNoByteWritten)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access | GTF_readonly);
    fill(E::data(1, 0), 0);
    fill(E::data(0, 0), 0xEE);
    EXPECT_EQ(copy(0, op(DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 1, 10, 0, 8, GNTCOPY_dest_gref)),
              GNTST_general_error);
    EXPECT_EQ(bytes(E::data(1, 0))[0], 0);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_readonly);
}

TEST_F(GrantCopy, GivenAFrameOfAnotherDomainByNumber_ThenBadPage)
{
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(E::data_mfn(0, 0)), 0, DOMID_SELF, raw(E::data_mfn(1, 1)),
                         0, 8, 0)),
              GNTST_bad_page);
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(E::data_mfn(1, 1)), 0, DOMID_SELF,
                         raw(F::mfn(F::first_hv)), 0, 8, 0)),
              GNTST_bad_page);
}

TEST_F(GrantCopy, GivenAGrantOfAFrameTheGranterDoesNotOwn_ThenBadPageAndTheFlagsAreRestored)
{
    env.grant(1, 10, 0, raw(E::data_mfn(0, 0)), GTF_permit_access);
    EXPECT_EQ(copy(0, op(1, 10, 0, DOMID_SELF, raw(E::data_mfn(0, 1)), 0, 8, GNTCOPY_source_gref)),
              GNTST_bad_page);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
}

TEST_F(GrantCopy, GivenAPageTableAsDestination_ThenGeneralError)
{
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(E::data_mfn(1, 0)), 0, DOMID_SELF, raw(F::mfn(E::l1(1))),
                         0, 8, 0)),
              GNTST_general_error);
    // As a source it is only read.
    EXPECT_EQ(copy(1, op(DOMID_SELF, raw(F::mfn(E::l1(1))), 0, DOMID_SELF, raw(E::data_mfn(1, 0)),
                         0, 8, 0)),
              GNTST_okay);
}

TEST_F(GrantCopy, GivenASubPageGrant_ThenOnlyItsWindowMayBeCopied)
{
    uint32_t ver = 2;
    ASSERT_EQ(grant::set_version(env, env.dom(1), ver), 0);
    env.grant_sub_page(1, 10, 0, raw(E::data_mfn(1, 0)), 256, 128, GTF_permit_access);
    Mfn own = E::data_mfn(0, 0);
    EXPECT_EQ(copy(0, op(1, 10, 256, DOMID_SELF, raw(own), 0, 128, GNTCOPY_source_gref)),
              GNTST_okay);
    EXPECT_EQ(copy(0, op(1, 10, 255, DOMID_SELF, raw(own), 0, 8, GNTCOPY_source_gref)),
              GNTST_general_error);
    EXPECT_EQ(copy(0, op(1, 10, 300, DOMID_SELF, raw(own), 0, 85, GNTCOPY_source_gref)),
              GNTST_general_error);
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(*env.table(1).status_word(10), 0u);
}

TEST_F(GrantCopy, GivenATransitiveGrant_ThenGeneralError)
{
    uint32_t ver = 2;
    ASSERT_EQ(grant::set_version(env, env.dom(1), ver), 0);
    env.grant(1, 10, 0, 0, GTF_transitive);
    EXPECT_EQ(copy(0, op(1, 10, 0, DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 8, GNTCOPY_source_gref)),
              GNTST_general_error);
}

TEST_F(GrantCopy, GivenTheGuestRevokesMidCopyClaim_ThenGeneralError)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    env.before_cmpxchg = [](uint32_t* w) { *w &= 0xFFFF0000u; };
    EXPECT_EQ(copy(0, op(1, 10, 0, DOMID_SELF, raw(E::data_mfn(0, 0)), 0, 8, GNTCOPY_source_gref)),
              GNTST_general_error);
    EXPECT_EQ(env.pin(1, 10), 0u);
}

// --- transfer --------------------------------------------------------------------

class GrantTransfer : public ::testing::Test {
protected:
    E env;
    gnttab_transfer_t op(uint32_t frame, uint16_t to, uint32_t ref)
    {
        gnttab_transfer_t t{};
        t.mfn = raw(F::mfn(frame));
        t.domid = to;
        t.ref = ref;
        return t;
    }
};

TEST_F(GrantTransfer, GivenAnAcceptTransferEntry_ThenTheFrameMovesAndTheEntryCompletes)
{
    env.grant(0, 5, 1, 77, GTF_accept_transfer);
    uint32_t f = E::data(1, 3);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(f, 0, 5)), GNTST_okay);
    EXPECT_EQ(env.fs.pg(f).owner, 0u);
    EXPECT_EQ(env.fs.pg(f).count_info, pgc::allocated | 1);
    EXPECT_EQ(env.dom(1).tot_pages, E::frames_per_domain - 1);
    EXPECT_EQ(env.dom(0).tot_pages, E::frames_per_domain + 1);
    EXPECT_EQ(env.flags(0, 5),
              GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
    EXPECT_EQ(*env.table(0).v1_frame(5), raw(F::mfn(f)));
    EXPECT_EQ(env.m2p[raw(F::mfn(f))], 77u);
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantTransfer, GivenATransferToItself_ThenTheDomainKeepsItsSize)
{
    env.grant(1, 5, 1, 9, GTF_accept_transfer);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 3), 1, 5)), GNTST_okay);
    EXPECT_EQ(env.dom(1).tot_pages, E::frames_per_domain);
}

TEST_F(GrantTransfer, GivenAFrameInUseOrNotOwned_ThenBadPageAndTheCallerKeepsIt)
{
    env.grant(0, 5, 1, 9, GTF_accept_transfer);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::l1(1), 0, 5)), GNTST_bad_page);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(0, 1), 0, 5)), GNTST_bad_page);
    gnttab_transfer_t t = op(0, 0, 5);
    t.mfn = 0x7;
    EXPECT_EQ(grant::transfer(env, env.dom(1), t), GNTST_bad_page);
    EXPECT_EQ(env.dom(1).tot_pages, E::frames_per_domain);
    EXPECT_EQ(env.flags(0, 5), GTF_accept_transfer);
}

TEST_F(GrantTransfer, GivenDomidSelfOrAMissingDomain_ThenBadDomainAndTheFrameIsLost)
{
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 3), DOMID_SELF, 5)), GNTST_bad_domain);
    EXPECT_EQ(env.stolen_freed, 1u);
    EXPECT_EQ(env.dom(1).tot_pages, E::frames_per_domain - 1);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 4), 9, 5)), GNTST_bad_domain);
    EXPECT_EQ(env.stolen_freed, 2u);
}

TEST_F(GrantTransfer, GivenAnEntryThatDoesNotAcceptFromTheCaller_ThenGeneralErrorAndTheFrameIsLost)
{
    env.grant(0, 5, 0, 9, GTF_accept_transfer); // for domain 0, not 1
    env.grant(0, 6, 1, 9, GTF_permit_access);
    env.grant(0, 7, 1, 9, GTF_accept_transfer | GTF_transfer_committed);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 3), 0, 5)), GNTST_general_error);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 4), 0, 6)), GNTST_general_error);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 5), 0, 7)), GNTST_general_error);
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 6), 0, 4096)), GNTST_general_error);
    EXPECT_EQ(env.stolen_freed, 4u);
    EXPECT_EQ(env.dom(0).tot_pages, E::frames_per_domain);
}

// The receiver's teardown marks it dying after the transfer found it: the
// frame is refused (and lost to the caller), the receiver's size and entry
// stay as they were.
TEST_F(GrantTransfer, GivenAReceiverMarkedDyingAfterItsLookup_ThenGeneralErrorAndNothingArrives)
{
    env.grant(0, 5, 1, 9, GTF_accept_transfer);
    env.after_get_domain = [&](uint16_t id) {
        if (id == 0)
            grant::revoke_mappings(env, env.dom(0));
    };
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 3), 0, 5)), GNTST_general_error);
    env.after_get_domain = nullptr;
    EXPECT_EQ(env.stolen_freed, 1u);
    EXPECT_EQ(env.dom(0).tot_pages, E::frames_per_domain);
    EXPECT_EQ(env.flags(0, 5), GTF_accept_transfer);
}

TEST_F(GrantTransfer, GivenAReceiverAtItsLimit_ThenGeneralError)
{
    env.grant(0, 5, 1, 9, GTF_accept_transfer);
    env.dom(0).max_pages = env.dom(0).tot_pages;
    EXPECT_EQ(grant::transfer(env, env.dom(1), op(E::data(1, 3), 0, 5)), GNTST_general_error);
    EXPECT_EQ(env.flags(0, 5), GTF_accept_transfer);
}

} // namespace
