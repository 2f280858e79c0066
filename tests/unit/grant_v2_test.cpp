// Grant table version 2: set_version in both directions, status frames,
// the status word protocol and its race with a revoking guest, sub-page
// grants, and the reserved entries kept across a switch.
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
    bool put(uint32_t, uint64_t f) override
    {
        frames.push_back(f);
        return true;
    }
};

class GrantV2 : public ::testing::Test {
protected:
    E env;

    long set_version(uint32_t d, uint32_t v, uint32_t* now = nullptr)
    {
        uint32_t ver = v;
        long rc = grant::set_version(env, env.dom(d), ver);
        if (now)
            *now = ver;
        return rc;
    }
    gnttab_map_grant_ref_t map_va(uint32_t mapper, uint32_t ref, uint32_t slot, uint32_t extra = 0)
    {
        gnttab_map_grant_ref_t op{};
        op.host_addr = E::va(slot);
        op.flags = GNTMAP_host_map | extra;
        op.ref = ref;
        op.dom = 1;
        grant::map(env, env.vcpu(mapper), op);
        return op;
    }
    int16_t unmap(uint32_t mapper, uint32_t handle, uint64_t addr)
    {
        grant::Unmap_request r;
        r.host_addr = addr;
        r.handle = handle;
        grant::Unmap_work w;
        int16_t rc = grant::unmap(env, env.vcpu(mapper), r, w);
        env.flush_tlb(env.dom(mapper));
        grant::unmap_complete(env, env.dom(mapper), w);
        return rc;
    }
    uint16_t status(uint32_t ref) { return *env.table(1).status_word(ref); }
};

TEST_F(GrantV2, GivenSetVersion2_ThenTheTableHasStatusFramesAndHalfAsManyEntriesPerFrame)
{
    uint32_t now = 0;
    EXPECT_EQ(set_version(1, 2, &now), 0);
    EXPECT_EQ(now, 2u);
    EXPECT_EQ(env.table(1).version, 2u);
    EXPECT_EQ(env.table(1).nr_status_frames, 1u);
    EXPECT_EQ(env.table(1).nr_entries(), 256u);
    uint32_t v = 0;
    EXPECT_EQ(grant::get_version(env, env.dom(1), DOMID_SELF, v), 0);
    EXPECT_EQ(v, 2u);
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantV2, GivenTheSameVersion_ThenSetVersionIsANoOp)
{
    EXPECT_EQ(set_version(1, 1), 0);
    EXPECT_EQ(env.table(1).nr_status_frames, 0u);
}

TEST_F(GrantV2, GivenAVersionOtherThanOneOrTwo_ThenEinvalAndTheCurrentVersionIsReported)
{
    uint32_t now = 0;
    EXPECT_EQ(set_version(1, 3, &now), -XEN_EINVAL);
    EXPECT_EQ(now, 1u);
    EXPECT_EQ(set_version(1, 0, &now), -XEN_EINVAL);
}

TEST_F(GrantV2, GivenADomainLimitedToVersionOne_ThenVersionTwoIsEnosys)
{
    E v1only(Grant_limits{}, Grant_limits{64, 1024, 1});
    uint32_t ver = 2;
    EXPECT_EQ(grant::set_version(v1only, v1only.dom(1), ver), -XEN_ENOSYS);
    EXPECT_EQ(ver, 1u);
}

TEST_F(GrantV2, GivenStatusFrames_ThenGetStatusFramesListsThem)
{
    ASSERT_EQ(set_version(1, 2), 0);
    Sink grown;
    ASSERT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 9, grown), GNTST_okay);
    EXPECT_EQ(env.table(1).nr_status_frames, 2u) << "9 frames of 256 entries need 2 status frames";
    Sink s;
    EXPECT_EQ(grant::get_status_frames(env, env.dom(1), DOMID_SELF, 2, s), GNTST_okay);
    ASSERT_EQ(s.frames.size(), 2u);
    EXPECT_EQ(s.frames[1], raw(env.table(1).status[1].mfn));
    EXPECT_EQ(grant::get_status_frames(env, env.dom(1), DOMID_SELF, 3, s), GNTST_general_error);
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantV2, GivenVersionOne_ThenThereAreNoStatusFrames)
{
    Sink s;
    EXPECT_EQ(grant::get_status_frames(env, env.dom(1), DOMID_SELF, 0, s), GNTST_okay);
    EXPECT_EQ(grant::get_status_frames(env, env.dom(1), DOMID_SELF, 1, s), GNTST_general_error);
    EXPECT_EQ(grant::get_status_frames(env, env.dom(1), 0, 0, s), GNTST_permission_denied);
}

TEST_F(GrantV2,
       GivenAV2Grant_WhenMapped_ThenTheStatusWordSaysReadingAndWritingAndTheFlagsAreUntouched)
{
    ASSERT_EQ(set_version(1, 2), 0);
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(pte::mfn(env.pte(0, 7)), E::data_mfn(1, 0));
    EXPECT_EQ(status(10), GTF_reading | GTF_writing);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
    EXPECT_EQ(status(10), 0u);
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantV2, GivenAFrameAbove32Bits_ThenBadPage)
{
    ASSERT_EQ(set_version(1, 2), 0);
    env.grant(1, 10, 0, (uint64_t{1} << 32) | raw(E::data_mfn(1, 0)), GTF_permit_access);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_bad_page);
    EXPECT_EQ(status(10), 0u);
}

TEST_F(GrantV2, GivenTheGuestRevokesRightAfterTheStatusIsSet_ThenTheMapFailsAndTheStatusIsCleared)
{
    ASSERT_EQ(set_version(1, 2), 0);
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    uint32_t* hdr = env.table(1).header(10);
    env.after_set_status = [hdr](uint16_t*) { *hdr &= 0xFFFF0000u; };
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    EXPECT_EQ(status(10), 0u);
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(env.pte(0, 7), 0u);
}

TEST_F(GrantV2, GivenTheGuestMakesItReadOnlyDuringAWriteUpgrade_ThenOnlyWritingIsWithdrawn)
{
    ASSERT_EQ(set_version(1, 2), 0);
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    ASSERT_EQ(map_va(0, 10, 7, GNTMAP_readonly).status, GNTST_okay);
    uint32_t* hdr = env.table(1).header(10);
    env.after_set_status = [hdr](uint16_t*) { *hdr |= GTF_readonly; };
    EXPECT_EQ(map_va(0, 10, 8).status, GNTST_general_error);
    EXPECT_EQ(status(10), GTF_reading);
    EXPECT_EQ(env.pin(1, 10), gntpin::hstr);
}

TEST_F(GrantV2, GivenASubPageGrant_ThenItCannotBeMapped)
{
    ASSERT_EQ(set_version(1, 2), 0);
    env.grant_sub_page(1, 10, 0, raw(E::data_mfn(1, 0)), 128, 64, GTF_permit_access);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    EXPECT_EQ(status(10), 0u);
}

TEST_F(GrantV2, GivenATransitiveGrant_ThenItCannotBeMapped)
{
    ASSERT_EQ(set_version(1, 2), 0);
    env.grant(1, 10, 0, 0, GTF_transitive);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
}

TEST_F(GrantV2, GivenAGrantInUse_ThenTheVersionCannotChange)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    uint32_t now = 0;
    EXPECT_EQ(set_version(1, 2, &now), -XEN_EBUSY);
    EXPECT_EQ(now, 1u);
    EXPECT_EQ(env.table(1).nr_status_frames, 0u);
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
    EXPECT_EQ(set_version(1, 2), 0);
}

TEST_F(GrantV2, GivenAReservedEntryInUse_ThenTheSwitchGoesAheadAndTheEntryKeepsItsContentsAndStatus)
{
    env.grant(1, 1, 0, raw(E::data_mfn(1, 0)), GTF_permit_access); // GNTTAB_RESERVED_XENSTORE
    env.grant(1, 20, 0, 0x1234, GTF_permit_access);
    auto op = map_va(0, 1, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    ASSERT_EQ(set_version(1, 2), 0);
    const uint32_t* e = env.table(1).v2_words(1);
    EXPECT_EQ(header_flags(e[0]), GTF_permit_access);
    EXPECT_EQ(header_domid(e[0]), 0u);
    EXPECT_EQ(e[2], raw(E::data_mfn(1, 0)));
    EXPECT_EQ(status(1), GTF_reading | GTF_writing);
    EXPECT_EQ(*env.table(1).v2_words(20), 0u) << "an ordinary entry starts empty";
    // Back to v1: the flags gain the status bits again, and unmapping works.
    ASSERT_EQ(set_version(1, 1), 0);
    EXPECT_EQ(env.flags(1, 1), GTF_permit_access | GTF_reading | GTF_writing);
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
    EXPECT_EQ(env.flags(1, 1), GTF_permit_access);
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantV2, GivenAReservedEntryV1CannotHold_ThenSwitchingBackIsErange)
{
    ASSERT_EQ(set_version(1, 2), 0);
    env.grant(1, 0, 0, uint64_t{1} << 40, GTF_permit_access);
    uint32_t now = 0;
    EXPECT_EQ(set_version(1, 1, &now), -XEN_ERANGE);
    EXPECT_EQ(now, 2u);
    env.grant(1, 0, 0, 0, GTF_transitive);
    EXPECT_EQ(set_version(1, 1), -XEN_ERANGE);
    env.grant(1, 0, 0, 5, GTF_permit_access);
    EXPECT_EQ(set_version(1, 1), 0);
    EXPECT_EQ(*env.table(1).v1_frame(0), 5u);
}

TEST_F(GrantV2, GivenTheGuestStillMapsAStatusFrame_ThenSwitchingBackIsEbusyAndTheFramesStay)
{
    ASSERT_EQ(set_version(1, 2), 0);
    Mfn st = env.table(1).status[0].mfn;
    Mm_ctx c{env.fs, env.dom(1).mm};
    ASSERT_EQ(mmu_normal_update(c, F::mfn(E::l1(1)), 5, pte::make(st, pte::P | pte::A), false,
                                env.dom(1).mm),
              0);
    EXPECT_EQ(set_version(1, 1), -XEN_EBUSY);
    EXPECT_EQ(env.table(1).version, 2u);
    EXPECT_EQ(env.table(1).nr_status_frames, 1u);
    ASSERT_EQ(mmu_normal_update(c, F::mfn(E::l1(1)), 5, 0, false, env.dom(1).mm), 0);
    uint32_t released = env.fs.released;
    EXPECT_EQ(set_version(1, 1), 0);
    EXPECT_EQ(env.table(1).nr_status_frames, 0u);
    EXPECT_EQ(env.fs.released, released + 1) << "the status frame went back";
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantV2, GivenNoFrameForTheStatus_ThenSwitchingIsEnomemAndTheTableStaysV1)
{
    env.frames_left = 0;
    EXPECT_EQ(set_version(1, 2), -XEN_ENOMEM);
    EXPECT_EQ(env.table(1).version, 1u);
}

TEST_F(GrantV2, GivenVersion2_WhenTheTableGrows_ThenTheStatusFramesFollow)
{
    ASSERT_EQ(set_version(1, 2), 0);
    Sink s;
    ASSERT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 8, s), GNTST_okay);
    EXPECT_EQ(env.table(1).nr_status_frames, 1u);
    ASSERT_EQ(grant::setup_table(env, env.dom(1), DOMID_SELF, 9, s), GNTST_okay);
    EXPECT_EQ(env.table(1).nr_status_frames, 2u);
    EXPECT_TRUE(env.audit().clean());
}

TEST_F(GrantV2, GivenSwapInVersion2_ThenEntriesAndStatusWordsTrade)
{
    ASSERT_EQ(set_version(1, 2), 0);
    env.grant(1, 3, 0, 0x1111, GTF_permit_access);
    env.grant(1, 4, 0, 0x2222, GTF_permit_access);
    EXPECT_EQ(grant::swap_refs(env, env.dom(1), 3, 4), GNTST_okay);
    EXPECT_EQ(env.table(1).v2_words(3)[2], 0x2222u);
    EXPECT_EQ(env.table(1).v2_words(4)[2], 0x1111u);
}

} // namespace
