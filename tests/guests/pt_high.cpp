// Page directories above 4 GiB (VMASST_TYPE_pae_extended_cr3, the
// pae_pgdir_above_4gb feature): on a machine with memory above 4 GiB, an L3
// in a frame above 4 GiB is pinned and run on, and changes to its entries
// take effect; without the assist such an L3 is refused.
#include "console.hpp"
#include "pt_lib.hpp"
#include "test.hpp"
#include "traps.hpp"

#include "public/version.h"

namespace {

volatile uint32_t* at(uint32_t va) { return reinterpret_cast<volatile uint32_t*>(va); }

int32_t assist(uint32_t cmd) { return hc::call(__HYPERVISOR_vm_assist, cmd, VMASST_TYPE_pae_extended_cr3); }

// A frame above 4 GiB for the L3, swapped into the space build_space made.
bool move_l3_high(pt::Space& s)
{
    for (int tries = 0; tries < 64; ++tries) {
        uint32_t m = pt::alloc_mfn();
        if (m >= 0x100000) {
            uint64_t* old = pt::window(0, s.l3, false);
            uint64_t e[4] = {old[0], old[1], old[2], old[3]};
            pt::unwindow(0);
            s.l3 = m;
            return pt::fill(m, 0, e, 4);
        }
    }
    return false;
}

} // namespace

void guest_main(start_info_t*)
{
    xen_feature_info_t fi{0, 0};
    CHECK_EQ(hc::xen_version(XENVER_get_features, &fi), 0, "XENVER_get_features");
    CHECK(fi.submap & (1u << XENFEAT_pae_pgdir_above_4gb),
          "  pae_pgdir_above_4gb: the PAE=yes kernel got the extended-cr3 assist");

    pt::Space s;
    CHECK(pt::build_space(s), "build a fresh address space");
    if (!move_l3_high(s)) {
        printf("no frame above 4 GiB: this machine has none\n");
        CHECK(false, "the guest owns a frame above 4 GiB (run with more than 4 GiB)");
        gtest::finish();
    }
    printf("L3 at mfn %#x\n", s.l3);
    uint32_t data = pt::alloc_mfn();
    uint64_t e[1] = {pt::entry(data, pt::data_rw)};
    CHECK(pt::fill(s.l1, 0, e, 1), "map a data frame at 0x40000000");

    CHECK_EQ(assist(VMASST_CMD_disable), 0, "disable pae_extended_cr3");
    CHECK_EQ(pt::pin(3, s.l3), -XEN_ERANGE, "  an L3 above 4 GiB is then refused: -ERANGE");
    CHECK_EQ(assist(VMASST_CMD_enable), 0, "enable pae_extended_cr3 again");
    CHECK_EQ(pt::pin(3, s.l3), 0, "  the L3 above 4 GiB pins");
    CHECK_EQ(pt::new_baseptr(s.l3), 0, "MMUEXT_NEW_BASEPTR to it");
    *at(pt::low_va) = 0x4b1d;
    CHECK_EQ(*at(pt::low_va), 0x4b1du, "  the guest runs on it: 0x40000000 is the data frame");

    // An L3 entry change must reach the CPU (PAE caches the four entries).
    CHECK_EQ(pt::set_entry(s.l3, 1, 0), 0, "mmu_update clearing L3 slot 1 of the running L3");
    Fault f = try_fault([](void*) { (void)*at(pt::low_va); });
    CHECK(f.happened && f.vector == 14, "  0x40000000 is gone at once (#PF)");
    CHECK_EQ(pt::set_entry(s.l3, 1, pt::entry(s.low_l2, pt::l3_flags)), 0, "  and put back");
    CHECK_EQ(*at(pt::low_va), 0x4b1du, "  it maps the data frame again");

    CHECK_EQ(pt::new_baseptr(pt::boot_l3()), 0, "back to the bootstrap L3");
    CHECK_EQ(pt::unpin(s.l3), 0, "unpin the high L3");
    gtest::finish();
}
