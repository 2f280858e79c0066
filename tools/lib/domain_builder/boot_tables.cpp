// The bootstrap page tables: written into the new domain's frames with the
// placement and flags dom0's builder uses (boot_tables in
// hypervisor/boot/boot_layout.hpp), then pinned as its L3 (libxc's
// setup_pgtables_x86_32_pae and arch_setup_bootlate).
#include "tools/lib/domain_builder/build_session.hpp"

namespace toolstack {
namespace {

constexpr uint32_t page_size = 4096;
constexpr uint32_t two_mib = 2u << 20;

uint64_t maddr(xen_pfn_t mfn) { return uint64_t{mfn} << 12; }

} // namespace

bool Build_session::build_page_tables()
{
    Boot_tables t = boot_tables(layout_);
    {
        Foreign_page l3(hc_, domid_, mfn_of_va(layout_.pt_base));
        if (!l3.ok())
            return failed_call("mapping the new domain's L3", l3.rc());
        for (uint32_t s = 0; s < 4; ++s)
            if (t.l2_va[s])
                l3.as<uint64_t>()[s] = maddr(mfn_of_va(t.l2_va[s])) | boot_l3_flags;
    }
    uint32_t chunk = t.first_chunk, l1_va = t.first_l1_va;
    for (uint32_t c = 0; c < t.nr_chunks; ++c, chunk += two_mib, l1_va += page_size) {
        {
            Foreign_page l2(hc_, domid_, mfn_of_va(t.l2_va[chunk >> 30]));
            if (!l2.ok())
                return failed_call("mapping the new domain's L2", l2.rc());
            l2.as<uint64_t>()[(chunk >> 21) & 511] = maddr(mfn_of_va(l1_va)) | boot_l2_flags;
        }
        Foreign_page l1(hc_, domid_, mfn_of_va(l1_va));
        if (!l1.ok())
            return failed_call("mapping the new domain's L1", l1.rc());
        for (uint32_t i = 0; i < 512; ++i) {
            uint32_t va = chunk + i * page_size;
            if (va < layout_.v_start || va - layout_.v_start >= layout_.region_pages * page_size)
                continue;
            l1.as<uint64_t>()[i] = maddr(mfn_of_va(va)) | boot_l1_flags(layout_, va);
        }
    }
    return true;
}

// MMUEXT_PIN_L3_TABLE with foreigndom = the new domain: the hypervisor
// validates the whole tree and keeps it typed while pinned.
bool Build_session::pin_tables()
{
    mmuext_op op{};
    op.cmd = MMUEXT_PIN_L3_TABLE;
    op.arg1.mfn = mfn_of_va(layout_.pt_base);
    if (int rc = hc_.mmuext_op(&op, 1, domid_); rc != 0)
        return failed_call("MMUEXT_PIN_L3_TABLE", rc);
    return true;
}

} // namespace toolstack
