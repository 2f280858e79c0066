// GNTTABOP_map_grant_ref, unmap_grant_ref and unmap_and_replace against a
// fake machine (fake_grant_env.hpp): pin counts, GTF flags, references,
// PTEs, and every status Xen gives. Domain 1 grants, domain 0 or domain 1
// itself maps.
#include <gtest/gtest.h>

#include "tests/unit/fake_grant_env.hpp"

namespace {

using E = Fake_grant_env;
using F = Fake_frame_space;

class GrantMap : public ::testing::Test {
protected:
    E env;

    void TearDown() override
    {
        EXPECT_EQ(env.fs.mapped_now, 0u) << "a frame was left mapped";
        EXPECT_EQ(env.fs.bad_unmaps, 0u);
    }

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
    // A host mapping by VA of domain 1's ref at slot 'slot' of the mapper.
    gnttab_map_grant_ref_t map_va(uint32_t mapper, uint32_t ref, uint32_t slot, uint32_t extra = 0)
    {
        return map(mapper, 1, ref, GNTMAP_host_map | extra, E::va(slot));
    }
    int16_t unmap(uint32_t mapper, uint32_t handle, uint64_t host_addr, uint64_t dev = 0,
                  uint64_t new_addr = 0)
    {
        grant::Unmap_request r;
        r.host_addr = host_addr;
        r.dev_bus_addr = dev;
        r.new_addr = new_addr;
        r.handle = handle;
        grant::Unmap_work w;
        int16_t rc = grant::unmap(env, env.vcpu(mapper), r, w);
        env.flush_tlb(env.dom(mapper));
        grant::unmap_complete(env, env.dom(mapper), w);
        return rc;
    }
    void grant_data(uint32_t ref, uint16_t to, uint32_t k = 0, uint16_t extra = 0)
    {
        env.grant(1, ref, to, raw(E::data_mfn(1, k)), GTF_permit_access | extra);
    }
    void expect_clean()
    {
        Audit_report r = env.audit();
        EXPECT_TRUE(r.clean()) << r.issues << " issues, first kind "
                               << static_cast<int>(r.kept[0].kind) << " at " << raw(r.kept[0].mfn)
                               << " expected " << r.kept[0].expected << " found "
                               << r.kept[0].actual;
    }
};

// --- the happy paths ------------------------------------------------------------

TEST_F(GrantMap, GivenAWritableGrant_WhenMappedAtAVirtualAddress_ThenThePteMapsTheFrameWritable)
{
    grant_data(10, 0);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    uint64_t e = env.pte(0, 7);
    EXPECT_EQ(pte::mfn(e), E::data_mfn(1, 0));
    EXPECT_EQ(pte::flags(e), pte::P | pte::RW | pte::A | pte::D);
    EXPECT_EQ(op.dev_bus_addr, mfn_to_paddr(E::data_mfn(1, 0)));
    expect_clean();
}

TEST_F(GrantMap,
       GivenAMapping_ThenThePinCountsOneWritableHostMappingAndTheFlagsSayReadingAndWriting)
{
    grant_data(10, 0);
    ASSERT_EQ(map_va(0, 10, 7).status, GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), gntpin::hstw);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_reading | GTF_writing);
}

TEST_F(GrantMap, GivenAMapping_ThenTheFrameHoldsOneMoreGeneralAndTypeReference)
{
    grant_data(10, 0);
    uint32_t f = E::data(1, 0);
    uint32_t g = env.gcount(f), t = env.tcount(f);
    ASSERT_EQ(map_va(0, 10, 7).status, GNTST_okay);
    EXPECT_EQ(env.gcount(f), g + 1);
    EXPECT_EQ(env.tcount(f), t + 1);
    EXPECT_EQ(pgt::type(env.fs.pg(f).type_info), Page_type::writable);
}

TEST_F(GrantMap, GivenAMapping_WhenUnmapped_ThenThePteIsClearedAndPinsFlagsAndCountsAreAsBefore)
{
    grant_data(10, 0);
    uint32_t f = E::data(1, 0);
    uint32_t g = env.gcount(f), t = env.tcount(f);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
    EXPECT_EQ(env.pte(0, 7), 0u);
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
    EXPECT_EQ(env.gcount(f), g);
    EXPECT_EQ(env.tcount(f), t);
    EXPECT_EQ(env.table(0).maptrack_used, 0u);
    expect_clean();
}

TEST_F(GrantMap, GivenADomainGrantingToItself_WhenItMapsTheGrant_ThenTheMappingWorksAsAnyOther)
{
    grant_data(3, 1, 2);
    auto op = map_va(1, 3, 9);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(pte::mfn(env.pte(1, 9)), E::data_mfn(1, 2));
    EXPECT_EQ(env.pin(1, 3), gntpin::hstw);
    expect_clean();
    EXPECT_EQ(unmap(1, op.handle, E::va(9)), GNTST_okay);
    EXPECT_EQ(env.flags(1, 3), GTF_permit_access);
    expect_clean();
}

TEST_F(GrantMap, GivenAReadOnlyMapping_ThenThePteIsReadOnlyNoTypeIsTakenAndOnlyReadingIsSet)
{
    grant_data(10, 0);
    uint32_t f = E::data(1, 0);
    uint32_t t = env.tcount(f);
    auto op = map_va(0, 10, 7, GNTMAP_readonly);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(pte::flags(env.pte(0, 7)) & pte::RW, 0u);
    EXPECT_EQ(env.tcount(f), t);
    EXPECT_EQ(env.pin(1, 10), gntpin::hstr);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_reading);
    expect_clean();
}

TEST_F(GrantMap, GivenAReadOnlyGrant_WhenMappedReadOnly_ThenItSucceeds)
{
    grant_data(10, 0, 0, GTF_readonly);
    EXPECT_EQ(map_va(0, 10, 7, GNTMAP_readonly).status, GNTST_okay);
}

TEST_F(GrantMap, GivenAPteMachineAddress_WhenMappedWithContainsPte_ThenThatEntryIsWritten)
{
    grant_data(10, 0);
    auto op = map(0, 1, 10, GNTMAP_host_map | GNTMAP_contains_pte, env.pte_maddr(0, 12));
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(pte::mfn(env.pte(0, 12)), E::data_mfn(1, 0));
    EXPECT_EQ(unmap(0, op.handle, env.pte_maddr(0, 12)), GNTST_okay);
    EXPECT_EQ(env.pte(0, 12), 0u);
    expect_clean();
}

TEST_F(GrantMap, GivenApplicationMapAndAvailBits_ThenThePteIsUserAndCarriesTheBits)
{
    grant_data(10, 0);
    uint32_t avail = 5u << _GNTMAP_guest_avail0;
    ASSERT_EQ(map_va(0, 10, 7, GNTMAP_application_map | avail).status, GNTST_okay);
    uint32_t f = pte::flags(env.pte(0, 7));
    EXPECT_TRUE(f & pte::US);
    EXPECT_EQ((f & pte::AVAIL) >> 9, 5u);
}

TEST_F(GrantMap, GivenNxEnabled_ThenGrantPtesAreNotExecutable)
{
    env.fs.set_nx(true);
    grant_data(10, 0);
    ASSERT_EQ(map_va(0, 10, 7).status, GNTST_okay);
    EXPECT_TRUE(pte::flags(env.pte(0, 7)) & pte::NX);
}

TEST_F(GrantMap,
       GivenADeviceMapping_ThenDevBusAddrIsTheFrameAndTheReferencesAreHeldOutsidePageTables)
{
    grant_data(10, 0);
    uint32_t f = E::data(1, 0);
    uint32_t g = env.gcount(f);
    auto op = map(0, 1, 10, GNTMAP_device_map, 0);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(op.dev_bus_addr, mfn_to_paddr(E::data_mfn(1, 0)));
    EXPECT_EQ(env.pin(1, 10), gntpin::devw);
    EXPECT_EQ(env.gcount(f), g + 1);
    expect_clean(); // only with the device reference counted as external
    EXPECT_EQ(unmap(0, op.handle, 0, op.dev_bus_addr), GNTST_okay);
    EXPECT_EQ(env.gcount(f), g);
    EXPECT_EQ(env.pin(1, 10), 0u);
    expect_clean();
}

TEST_F(GrantMap, GivenHostAndDeviceMapping_ThenEachKindHoldsItsOwnPinAndReference)
{
    grant_data(10, 0);
    uint32_t f = E::data(1, 0);
    uint32_t g = env.gcount(f), t = env.tcount(f);
    auto op = map(0, 1, 10, GNTMAP_device_map | GNTMAP_host_map, E::va(7));
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), gntpin::devw + gntpin::hstw);
    EXPECT_EQ(env.gcount(f), g + 2);
    EXPECT_EQ(env.tcount(f), t + 2);
    // Unmapping the host part leaves the device part and its handle.
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), gntpin::devw);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_reading | GTF_writing);
    expect_clean();
    EXPECT_EQ(unmap(0, op.handle, 0, op.dev_bus_addr), GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(env.gcount(f), g);
    EXPECT_EQ(env.tcount(f), t);
    EXPECT_EQ(env.table(0).maptrack_used, 0u);
    expect_clean();
}

TEST_F(GrantMap,
       GivenAReadOnlyAndAWritableMapping_WhenTheWritableGoes_ThenWritingIsClearedButReadingStays)
{
    grant_data(10, 0);
    auto ro = map_va(0, 10, 7, GNTMAP_readonly);
    auto rw = map_va(0, 10, 8);
    ASSERT_EQ(ro.status, GNTST_okay);
    ASSERT_EQ(rw.status, GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), gntpin::hstr + gntpin::hstw);
    EXPECT_EQ(unmap(0, rw.handle, E::va(8)), GNTST_okay);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_reading);
    EXPECT_EQ(unmap(0, ro.handle, E::va(7)), GNTST_okay);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
    expect_clean();
}

TEST_F(GrantMap, GivenAMappingOverAPresentPte_ThenTheOldEntrysReferencesAreDropped)
{
    uint32_t own = E::data(0, 1);
    ASSERT_EQ(env.map_own(0, 7, own, pte::P | pte::RW | pte::A | pte::D), 0);
    uint32_t g = env.gcount(own);
    grant_data(10, 0);
    ASSERT_EQ(map_va(0, 10, 7).status, GNTST_okay);
    EXPECT_EQ(env.gcount(own), g - 1);
    expect_clean();
}

// The mapper's L1 is torn down reading only the blocks of 64 entries it
// marks as holding present entries: a grant PTE must mark its block.
TEST_F(GrantMap, GivenAMappingOrAReplacement_ThenTheL1MarksTheBlockOfTheSlot)
{
    auto marked = [&](uint32_t slot) {
        uint32_t ti = env.fs.pg(E::l1(0)).type_info;
        return (ti >> (pgt::present_shift + slot / 64) & 1) != 0;
    };
    grant_data(10, 0);
    ASSERT_FALSE(marked(300)) << "no entry there yet";
    auto op = map_va(0, 10, 300);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_TRUE(marked(300));
    EXPECT_EQ(unmap(0, op.handle, E::va(300)), GNTST_okay);
    // unmap_and_replace moves a present entry into the grant's slot.
    uint32_t own = E::data(0, 1);
    ASSERT_EQ(env.map_own(0, 20, own, pte::P | pte::RW | pte::A | pte::D), 0);
    ASSERT_FALSE(marked(450));
    op = map_va(0, 10, 450);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle, E::va(450), 0, E::va(20)), GNTST_okay);
    EXPECT_EQ(pte::mfn(env.pte(0, 450)), F::mfn(own));
    EXPECT_TRUE(marked(450));
    expect_clean();
}

TEST_F(GrantMap, GivenUnmapAndReplace_ThenTheOtherPteMovesIntoTheSlotAndItsSlotIsCleared)
{
    uint32_t own = E::data(0, 1);
    ASSERT_EQ(env.map_own(0, 20, own, pte::P | pte::RW | pte::A | pte::D), 0);
    grant_data(10, 0);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle, E::va(7), 0, E::va(20)), GNTST_okay);
    EXPECT_EQ(pte::mfn(env.pte(0, 7)), F::mfn(own));
    EXPECT_EQ(env.pte(0, 20), 0u);
    EXPECT_EQ(env.pin(1, 10), 0u);
    expect_clean();
}

TEST_F(GrantMap, GivenUnmapAndReplaceOfAContainsPteMapping_ThenGeneralError)
{
    grant_data(10, 0);
    auto op = map(0, 1, 10, GNTMAP_host_map | GNTMAP_contains_pte, env.pte_maddr(0, 12));
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle, env.pte_maddr(0, 12), 0, E::va(20)), GNTST_general_error);
    EXPECT_EQ(env.pin(1, 10), gntpin::hstw);
}

TEST_F(GrantMap, GivenManyMappingsOfOneGrant_ThenEachHasItsOwnHandleAndPin)
{
    grant_data(10, 0);
    uint32_t handles[4];
    for (uint32_t i = 0; i < 4; ++i) {
        auto op = map_va(0, 10, 30 + i);
        ASSERT_EQ(op.status, GNTST_okay);
        handles[i] = op.handle;
    }
    EXPECT_EQ(gntpin::count(env.pin(1, 10), gntpin::hstw), 4u);
    for (uint32_t i = 0; i < 4; ++i)
        EXPECT_EQ(unmap(0, handles[i], E::va(30 + i)), GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), 0u);
    expect_clean();
}

TEST_F(GrantMap, GivenAnUnmap_ThenTheTlbIsFlushedBeforeTheFrameLosesItsReference)
{
    grant_data(10, 0);
    uint32_t f = E::data(1, 0);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    uint32_t held = env.gcount(f);
    uint32_t at_flush = 0;
    env.on_flush = [&](Domain&) { at_flush = env.gcount(f); };
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
    EXPECT_EQ(at_flush, held) << "the reference went before the flush";
    EXPECT_EQ(env.gcount(f), held - 1);
}

// --- refusals, in Xen's order ---------------------------------------------------------

TEST_F(GrantMap, GivenNeitherHostNorDeviceMap_ThenBadGntref)
{
    grant_data(10, 0);
    EXPECT_EQ(map(0, 1, 10, GNTMAP_readonly, E::va(7)).status, GNTST_bad_gntref);
}

TEST_F(GrantMap, GivenDomidSelf_ThenBadDomainBecauseMapTakesOnlyRealIds)
{
    grant_data(10, 1);
    EXPECT_EQ(map(1, DOMID_SELF, 10, GNTMAP_host_map, E::va(7)).status, GNTST_bad_domain);
}

TEST_F(GrantMap, GivenADomainThatDoesNotExist_ThenBadDomain)
{
    EXPECT_EQ(map(0, 7, 10, GNTMAP_host_map, E::va(7)).status, GNTST_bad_domain);
}

TEST_F(GrantMap, GivenARefBeyondTheTable_ThenBadGntref)
{
    uint32_t n = env.table(1).nr_entries();
    EXPECT_EQ(map_va(0, n, 7).status, GNTST_bad_gntref);
    EXPECT_EQ(map_va(0, 0xFFFFFFFFu, 7).status, GNTST_bad_gntref);
}

TEST_F(GrantMap, GivenAnEntryForAnotherDomain_ThenGeneralErrorAndTheEntryIsUntouched)
{
    grant_data(10, 1);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
    EXPECT_EQ(env.table(0).maptrack_used, 0u);
}

TEST_F(GrantMap, GivenAnInvalidOrTransferEntry_ThenGeneralError)
{
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_invalid);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_accept_transfer);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
}

TEST_F(GrantMap, GivenAReadOnlyGrant_WhenMappedWritable_ThenGeneralErrorAndNoFlagSet)
{
    grant_data(10, 0, 0, GTF_readonly);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_readonly);
}

TEST_F(GrantMap, GivenASubPageFlagOnAV1Entry_ThenMappingItIsRefused)
{
    grant_data(10, 0, 0, GTF_sub_page);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
}

TEST_F(GrantMap, GivenAFrameTheGranterDoesNotOwn_ThenBadPageAndTheFlagsAreRestored)
{
    env.grant(1, 10, 0, raw(E::data_mfn(0, 0)), GTF_permit_access);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_bad_page);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
    env.grant(1, 11, 0, raw(F::mfn(F::first_hv)), GTF_permit_access);
    EXPECT_EQ(map_va(0, 11, 7).status, GNTST_bad_page);
    env.grant(1, 12, 0, 0x12345678u, GTF_permit_access);
    EXPECT_EQ(map_va(0, 12, 7).status, GNTST_bad_page);
    EXPECT_EQ(env.pin(1, 10), 0u);
    expect_clean();
}

TEST_F(GrantMap, GivenAGrantedPageTable_WhenMappedWritable_ThenGeneralErrorAndNothingHeld)
{
    uint32_t l1 = E::l1(1);
    env.grant(1, 10, 0, raw(F::mfn(l1)), GTF_permit_access);
    uint32_t g = env.gcount(l1);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    EXPECT_EQ(env.gcount(l1), g);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
    // Read-only is fine: a page table may be mapped read-only.
    EXPECT_EQ(map_va(0, 10, 7, GNTMAP_readonly).status, GNTST_okay);
    expect_clean();
}

TEST_F(GrantMap, GivenAGrantPinnedByAnotherDomain_ThenGeneralError)
{
    grant_data(10, 1);
    ASSERT_EQ(map_va(1, 10, 7).status, GNTST_okay);
    env.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access | GTF_reading | GTF_writing);
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
}

TEST_F(GrantMap, GivenAPinCounterAt128_ThenTheNextMappingOfThatKindIsRefused)
{
    grant_data(10, 0);
    for (uint32_t i = 0; i < 128; ++i)
        ASSERT_EQ(map(0, 1, 10, GNTMAP_device_map, 0).status, GNTST_okay) << i;
    EXPECT_EQ(map(0, 1, 10, GNTMAP_device_map, 0).status, GNTST_general_error);
    // Another counter still has room.
    EXPECT_EQ(map(0, 1, 10, GNTMAP_device_map | GNTMAP_readonly, 0).status, GNTST_okay);
    expect_clean();
}

TEST_F(GrantMap, GivenAnAddressWithoutAnL1_ThenGeneralErrorAndNothingIsHeld)
{
    grant_data(10, 0);
    uint32_t f = E::data(1, 0);
    uint32_t g = env.gcount(f);
    EXPECT_EQ(map(0, 1, 10, GNTMAP_host_map, 0x40000000u).status, GNTST_general_error); // L3 slot 1
    EXPECT_EQ(map(0, 1, 10, GNTMAP_host_map, 0x00200000u).status, GNTST_general_error); // L2 slot 1
    EXPECT_EQ(map(0, 1, 10, GNTMAP_host_map, 0xF5800000u).status,
              GNTST_general_error); // hypervisor
    EXPECT_EQ(map(0, 1, 10, GNTMAP_host_map, 0x100000000ull).status, GNTST_general_error);
    EXPECT_EQ(env.gcount(f), g);
    EXPECT_EQ(env.pin(1, 10), 0u);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access);
}

TEST_F(GrantMap, GivenAPteAddressOutsideAnInUseL1OfTheMapper_ThenGeneralError)
{
    grant_data(10, 0);
    uint32_t flags = GNTMAP_host_map | GNTMAP_contains_pte;
    EXPECT_EQ(map(0, 1, 10, flags, env.pte_maddr(0, 12) + 4).status,
              GNTST_general_error); // misaligned
    EXPECT_EQ(map(0, 1, 10, flags, env.pte_maddr(1, 12)).status,
              GNTST_general_error); // another's L1
    EXPECT_EQ(map(0, 1, 10, flags, mfn_to_paddr(E::data_mfn(0, 3))).status,
              GNTST_general_error);                                                       // data
    EXPECT_EQ(map(0, 1, 10, flags, mfn_to_paddr(F::mfn(1))).status, GNTST_general_error); // an L2
    EXPECT_EQ(env.pin(1, 10), 0u);
    expect_clean();
}

TEST_F(GrantMap, GivenEveryHandleInUse_ThenNoSpace)
{
    Fake_grant_env small(Grant_limits{64, 1, 2});
    small.grant(1, 10, 0, raw(E::data_mfn(1, 0)), GTF_permit_access);
    small.grant(1, 11, 0, raw(E::data_mfn(1, 1)), GTF_permit_access);
    small.grant(1, 12, 0, raw(E::data_mfn(1, 2)), GTF_permit_access);
    gnttab_map_grant_ref_t op{};
    op.flags = GNTMAP_device_map;
    op.dom = 1;
    for (uint32_t i = 0; i < Grant_table::maptrack_per_page; ++i) {
        op.ref = 10 + i / 100; // a pin counter holds 127

        grant::map(small, small.vcpu(0), op);
        ASSERT_EQ(op.status, GNTST_okay) << i;
    }
    grant::map(small, small.vcpu(0), op);
    EXPECT_EQ(op.status, GNTST_no_space);
}

TEST_F(GrantMap, GivenNoMemoryForAMaptrackPage_ThenNoSpace)
{
    grant_data(10, 0);
    env.allocs_left = 0;
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_no_space);
    EXPECT_EQ(env.pin(1, 10), 0u);
}

TEST_F(GrantMap, GivenABadHandle_ThenBadHandle)
{
    EXPECT_EQ(unmap(0, 0, E::va(7)), GNTST_bad_handle);
    EXPECT_EQ(unmap(0, 0xFFFFFFFFu, E::va(7)), GNTST_bad_handle);
    grant_data(10, 0);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle + 1, E::va(7)), GNTST_bad_handle) << "a free handle";
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_bad_handle) << "unmapped twice";
}

TEST_F(GrantMap, GivenTheWrongDeviceAddress_ThenBadDevAddrAndTheMappingStays)
{
    grant_data(10, 0);
    auto op = map(0, 1, 10, GNTMAP_device_map, 0);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle, 0, op.dev_bus_addr + page_size), GNTST_bad_dev_addr);
    EXPECT_EQ(env.pin(1, 10), gntpin::devw);
}

TEST_F(GrantMap, GivenNoAddresses_ThenUnmapDoesNothingAndSucceeds)
{
    grant_data(10, 0);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle, 0), GNTST_okay);
    EXPECT_EQ(env.pin(1, 10), gntpin::hstw);
    EXPECT_NE(env.pte(0, 7), 0u);
}

TEST_F(GrantMap, GivenTheWrongAddress_ThenGeneralErrorAndTheMappingStays)
{
    grant_data(10, 0);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(0, op.handle, E::va(8)), GNTST_general_error);
    EXPECT_EQ(env.pin(1, 10), gntpin::hstw);
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
}

TEST_F(GrantMap, GivenTheGuestRemovedTheGrantPte_ThenItsReferencesWentWithItAndUnmapFails)
{
    grant_data(10, 0);
    uint32_t f = E::data(1, 0);
    uint32_t g = env.gcount(f);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    Mm_ctx c{env.fs, env.dom(0).mm};
    ASSERT_EQ(mmu_normal_update(c, F::mfn(E::l1(0)), 7, 0, false, env.dom(0).mm), 0);
    EXPECT_EQ(env.gcount(f), g) << "mmu_update dropped the PTE's references";
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_general_error);
    EXPECT_EQ(env.gcount(f), g) << "nothing dropped twice";
}

// --- a guest racing the hypervisor on its entry ---------------------------------------

TEST_F(GrantMap,
       GivenTheGuestRevokesBetweenTheReadAndTheSwap_ThenGeneralErrorAndTheEntryStaysRevoked)
{
    grant_data(10, 0);
    env.before_cmpxchg = [](uint32_t* w) { *w &= 0xFFFF0000u; }; // flags := 0
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    EXPECT_EQ(env.flags(1, 10), 0u);
    EXPECT_EQ(env.pin(1, 10), 0u);
}

TEST_F(GrantMap, GivenTheGuestMakesTheGrantReadOnlyMidway_ThenAWritableMapIsRefused)
{
    grant_data(10, 0);
    env.before_cmpxchg = [](uint32_t* w) { *w |= GTF_readonly; };
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_readonly);
}

TEST_F(GrantMap, GivenTheGuestChangesAnotherBitOnce_ThenTheSwapIsRetriedAndSucceeds)
{
    grant_data(10, 0);
    int calls = 0;
    env.before_cmpxchg = [&](uint32_t* w) {
        if (calls++ == 0)
            *w |= GTF_PWT;
    };
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_okay);
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(env.flags(1, 10), GTF_permit_access | GTF_PWT | GTF_reading | GTF_writing);
}

TEST_F(GrantMap, GivenAGuestThatKeepsChangingTheEntry_ThenGeneralErrorAfterFiveAttempts)
{
    grant_data(10, 0);
    int calls = 0;
    env.before_cmpxchg = [&](uint32_t* w) {
        ++calls;
        *w ^= GTF_PCD;
    };
    EXPECT_EQ(map_va(0, 10, 7).status, GNTST_general_error);
    EXPECT_EQ(calls, 5);
    EXPECT_EQ(env.flags(1, 10) & (GTF_reading | GTF_writing), 0);
}

TEST_F(GrantMap, GivenAMappedGrant_WhenTheGuestRevokesTheRightWay_ThenItCannot)
{
    // Linux's gnttab_end_foreign_access_ref: cmpxchg flags to 0 only while
    // neither GTF_reading nor GTF_writing is set.
    grant_data(10, 0);
    auto op = map_va(0, 10, 7);
    ASSERT_EQ(op.status, GNTST_okay);
    uint32_t* w = env.table(1).header(10);
    uint32_t cur = *w;
    bool revoked = !(cur & (GTF_reading | GTF_writing)) &&
                   __atomic_compare_exchange_n(w, &cur, cur & 0xFFFF0000u, false, __ATOMIC_SEQ_CST,
                                               __ATOMIC_SEQ_CST);
    EXPECT_FALSE(revoked);
    EXPECT_EQ(unmap(0, op.handle, E::va(7)), GNTST_okay);
    cur = *w;
    revoked = !(cur & (GTF_reading | GTF_writing)) &&
              __atomic_compare_exchange_n(w, &cur, cur & 0xFFFF0000u, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST);
    EXPECT_TRUE(revoked);
}

TEST_F(GrantMap, GivenAPinnedGrantTheGuestRevokedAnyway_ThenFurtherMapsOfThePinStillWork)
{
    // Xen checks the entry only while it is unpinned: the pin stands for it.
    grant_data(10, 0);
    ASSERT_EQ(map_va(0, 10, 7, GNTMAP_readonly).status, GNTST_okay);
    env.set_flags(1, 10, GTF_reading);
    EXPECT_EQ(map_va(0, 10, 8, GNTMAP_readonly).status, GNTST_okay);
    // But an upgrade to writing sets the flag again through the swap.
    EXPECT_EQ(map_va(0, 10, 9).status, GNTST_okay);
    EXPECT_EQ(env.flags(1, 10), GTF_reading | GTF_writing);
}

} // namespace
