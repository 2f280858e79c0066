#include "pt_lib.hpp"

#include "console.hpp"

namespace pt {
namespace {
alignas(4096) uint8_t windows[nr_windows][4096];
uint32_t next_pfn;
} // namespace

uint32_t alloc_mfn()
{
    if (next_pfn == 0)
        next_pfn = guest_start_info()->nr_pages;
    return pfn_to_mfn(--next_pfn);
}

uint32_t window_va(int w) { return hc::arg(windows[w]); }

uint64_t* window(int w, uint32_t mfn, bool writable, int32_t* rc)
{
    int32_t r = hc::update_va_mapping(window_va(w), entry(mfn, writable ? data_rw : data_ro),
                                      UVMF_INVLPG);
    if (rc)
        *rc = r;
    return reinterpret_cast<uint64_t*>(windows[w]);
}

void unwindow(int w)
{
    int32_t rc = hc::update_va_mapping(window_va(w),
                                       entry(pfn_to_mfn(virt_to_pfn(windows[w])), data_rw),
                                       UVMF_INVLPG);
    if (rc != 0)
        printf("pt_lib: restoring window %d failed: %d\n", w, rc);
}

bool fill(uint32_t mfn, uint32_t first, const uint64_t* e, uint32_t n)
{
    int32_t rc;
    uint64_t* t = window(2, mfn, true, &rc);
    if (rc != 0) {
        printf("pt_lib: cannot map frame %#x writable: %d\n", mfn, rc);
        return false;
    }
    for (uint32_t i = 0; i < 512; ++i)
        t[i] = 0;
    for (uint32_t i = 0; i < n; ++i)
        t[first + i] = e[i];
    unwindow(2);
    return true;
}

bool clear(uint32_t mfn) { return fill(mfn, 0, nullptr, 0); }

int32_t set_entry(uint32_t mfn, uint32_t slot, uint64_t val, uint32_t foreigndom)
{
    mmu_update_t u = {maddr(mfn) + slot * 8 + MMU_NORMAL_PT_UPDATE, val};
    return hc::mmu_update(&u, 1, nullptr, foreigndom);
}

int32_t ext(uint32_t cmd, uint32_t mfn, uint32_t foreigndom)
{
    mmuext_op_t op = {};
    op.cmd = cmd;
    op.arg1.mfn = mfn;
    return hc::mmuext_op(&op, 1, nullptr, foreigndom);
}

uint32_t boot_l3() { return pfn_to_mfn(virt_to_pfn(reinterpret_cast<void*>(guest_start_info()->pt_base))); }

uint32_t boot_top_l2()
{
    // The bootstrap tables are mapped read-only in the initial mapping.
    const uint64_t* l3 = reinterpret_cast<const uint64_t*>(guest_start_info()->pt_base);
    return static_cast<uint32_t>(l3[3] >> 12);
}

bool build_space(Space& s)
{
    s.l3 = alloc_mfn();
    s.top_l2 = alloc_mfn();
    s.low_l2 = alloc_mfn();
    s.l1 = alloc_mfn();
    if (!clear(s.l1))
        return false;
    uint64_t l2e = entry(s.l1, l2_flags);
    if (!fill(s.low_l2, 0, &l2e, 1))
        return false;
    // The new top L2 maps the image through the same (shared) L1s.
    int32_t rc;
    const uint64_t* old = window(0, boot_top_l2(), false, &rc);
    if (rc != 0 || !fill(s.top_l2, 0, old, guest_top_l2_slots)) {
        unwindow(0);
        return false;
    }
    unwindow(0);
    uint64_t l3e[4] = {0, entry(s.low_l2, l3_flags), 0, entry(s.top_l2, l3_flags)};
    return fill(s.l3, 0, l3e, 4);
}

} // namespace pt
