#include "hypervisor/mm/page_type.hpp"

#include "hypervisor/mm/frame_space.hpp"
#include "hypervisor/mm/pte_check.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {
// Types whose contents need checking before use. Others are valid as soon
// as they are taken.
bool needs_validation(Page_type t) { return is_page_table(t) || t == Page_type::seg_desc; }
} // namespace

int get_page_type_slow(Mm_ctx& c, Mfn mfn, Page& pg, uint32_t type)
{
    uint32_t x = pg.type_info;
    uint32_t n = pgt::count(x);
    if (n == pgt::count_mask)
        return -XEN_EINVAL;
    if (n != 0) {
        // In use: only the same type (and marker) may share it. A count
        // without the validated flag means a validation is still running
        // further up this call chain: the frame cannot be used yet.
        if ((x & pgt::identity_mask) != type || !pgt::is_validated(x))
            return -XEN_EINVAL;
        pg.type_info = pgt::with_count(x, n + 1);
        return 0;
    }
    bool was_table = false;
    if ((x & pgt::identity_mask) != type) {
        // Type change at count zero; the pin flag cannot be set here
        // because a pin holds a type reference.
        was_table = is_page_table(pgt::type(x));
        x = type;
        if (!needs_validation(pgt::type(type)))
            x |= pgt::validated;
    }
    pg.type_info = pgt::with_count(x, 1);
    if (pgt::is_validated(x)) {
        // A frame that was a page table until its last type reference
        // went may still be walked by another CPU through a paging-
        // structure entry it cached (Xen flushes on every type change):
        // it is not handed out writable before those CPUs flush.
        if (was_table)
            c.fs.before_validate(mfn);
        return 0;
    }
    // A CPU may still reach the frame through a writable translation it
    // cached before the frame's last writable mapping went.
    c.fs.before_validate(mfn);
    uint32_t present = 0;
    int rc = validate_table(c, mfn, x, present);
    if (rc != 0) {
        pg.type_info = x; // back to count 0, still not validated
        return rc;
    }
    // The blocks of an earlier validation of the same type go: these are
    // the contents' now.
    pg.type_info = pgt::with_count((x & ~pgt::present_mask) | present | pgt::validated, 1);
    return 0;
}

void put_page_type_slow(Mm_ctx& c, Mfn mfn, Page& pg)
{
    uint32_t x = pg.type_info;
    uint32_t n = pgt::count(x);
    if (n == 0)
        return; // unbalanced put: the audit reports the damage
    if (n > 1 || !is_page_table(pgt::type(x)) || !pgt::is_validated(x)) {
        pg.type_info = pgt::with_count(x, n - 1);
        if (n == 1 && pgt::type(x) == Page_type::writable)
            c.fs.note_writable_dropped(mfn);
        return;
    }
    // Last reference on a page table: it stops being one before its
    // entries' references go, so nothing can use it half torn down. CPUs
    // may still cache translations through it until they next flush: the
    // clock is stamped, as for a writable frame's last mapping.
    pg.type_info = pgt::with_count(x & ~pgt::validated, 0);
    c.fs.note_writable_dropped(mfn);
    if (!devalidate_table(c, mfn, x)) {
        // The table could not be mapped (never, with the mapping depth
        // bounded): its entries keep their references. Frames stay pinned
        // by a leak the audit reports, instead of being freed unchecked.
        pg.type_info = pgt::with_count(x, 0);
    }
}
