#include "hypervisor/mm/pt_ops.hpp"

#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pte_check.hpp"
#include "hypervisor/mm/pte_store.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {
// A general reference on a frame of the domain that holds page tables or
// data. Inline: every mmu_update request takes one on its table.
inline Page* get_domain_frame(Mm_ctx& c, Mfn mfn)
{
    Page* pg = c.fs.ram_page(mfn);
    return pg != nullptr && get_page(*pg, c.dom.id) ? pg : nullptr;
}

// The entry's one store. With preserve_ad the accessed and dirty bits it
// holds at that moment stay, also those a CPU sets after 'o' was read; they
// are not checked bits (fastpath_whitelist), so nothing checked on 'n'
// changes with them.
inline void write_entry(uint64_t* e, uint64_t o, uint64_t n, bool preserve_ad)
{
    if (preserve_ad)
        pte::store_keeping_ad(e, o, n);
    else
        pte::store(e, o, n);
}

// The new entry's references are taken before the old entry's are dropped,
// so a failure leaves the entry and every count untouched.
// A template on preserve_ad, inlined: one instance in mmu_normal_update's
// common path, the other out of it (keep_ad_l1_update). Left to the
// compiler, the function with both stores was called, not inlined, and
// every update of a batch cost about 30 instructions more.
// 'tp' is the table's descriptor (its present blocks).
template <bool preserve_ad>
[[gnu::always_inline]] inline int mod_l1_entry(Mm_ctx& c, Page& tp, uint64_t* t, uint32_t slot,
                                               uint64_t n, const Mm_domain& pg_owner)
{
    uint64_t o = t[slot];
    // A change of flags the fast path allows keeps the entry's references.
    bool same_refs = false;
    if (pte::present(n)) {
        uint32_t disallow = c.l1_disallow;
        if (disallow == 0) {
            disallow = pte::l1_disallow(c.fs, c.dom);
            if (c.held != nullptr)
                c.l1_disallow = disallow;
        }
        if (pte::flags(n) & disallow)
            return -XEN_EINVAL;
        same_refs = !pte::changed_beyond(o, n, pte::fastpath_whitelist);
        if (!same_refs)
            if (int rc = get_l1e_masked(c, n, pg_owner, disallow); rc != 0)
                return rc;
        pgt::note_present(tp.type_info, slot);
    }
    // No flush: as in Xen, the guest flushes the translations it changed
    // (Linux does after every change). What the hypervisor must keep
    // unreachable, it does with the TLB clock: a frame whose last
    // writable mapping goes, or that goes back to the allocator, is
    // stamped, and no CPU that may still cache it sees it validated,
    // typed otherwise or handed out.
    write_entry(&t[slot], o, n, preserve_ad);
    if (pte::present(o) && !same_refs)
        put_l1e(c, o);
    return 0;
}

int mod_l2_entry(Mm_ctx& c, Mfn table, Page& tp, uint32_t slot, uint64_t n, bool preserve_ad)
{
    uint32_t type_info = tp.type_info;
    // The hypervisor's slots of the top L2 are not the guest's to change.
    if (slot >= guest_l2_slots(type_info))
        return -XEN_EPERM;
    Table_map t(c.fs, table);
    if (!t)
        return -XEN_ENOMEM;
    uint64_t o = t[slot];
    bool same_refs = false; // a change of flags the fast path allows
    if (pte::present(n)) {
        if (pte::flags(n) & pte::l2_disallow(c.fs))
            return -XEN_EINVAL;
        same_refs = !pte::changed_beyond(o, n, pte::fastpath_whitelist);
        if (!same_refs)
            if (int rc = get_l2e(c, n, table); rc != 0)
                return rc;
        pgt::note_present(tp.type_info, slot);
    }
    write_entry(&t[slot], o, n, preserve_ad);
    c.flush_tlb |= pte::present(o);
    if (pte::present(o) && !same_refs)
        put_l2e(c, o, table);
    return 0;
}

int mod_l3_entry(Mm_ctx& c, Mfn table, uint32_t slot, uint64_t n, bool preserve_ad)
{
    // Slot 3 carries the hypervisor's L2 and is fixed for the L3's life;
    // slots past the 4 PDPTEs do not exist (mm.c mod_l3_entry).
    if (slot >= 3)
        return -XEN_EINVAL;
    Table_map t(c.fs, table);
    if (!t)
        return -XEN_ENOMEM;
    uint64_t o = t[slot];
    bool same_refs = false; // a change of flags the fast path allows
    if (pte::present(n)) {
        if (pte::flags(n) & pte::l3_disallow)
            return -XEN_EINVAL;
        same_refs = !pte::changed_beyond(o, n, pte::fastpath_whitelist);
        if (!same_refs)
            if (int rc = get_l3e(c, n); rc != 0)
                return rc;
    }
    write_entry(&t[slot], o, n, preserve_ad);
    c.fs.l3_changed();
    if (!same_refs)
        put_l3e(c, o);
    return 0;
}

// fn(entries of 'table'): through the batch's held mapping when there is
// one, else mapped for the call; -ENOMEM when it cannot be mapped.
template <typename Fn> int with_table(Mm_ctx& c, Mfn table, Fn fn)
{
    if (c.held != nullptr) {
        uint64_t* t = c.held->get(table);
        return t ? fn(t) : -XEN_ENOMEM;
    }
    Table_map t(c.fs, table);
    return t ? fn(t.get()) : -XEN_ENOMEM;
}

// ptwr_emulated_write on the mapped table; 'tp' is its descriptor.
int emulated_write(Mm_ctx& c, Page& tp, uint64_t* t, uint32_t offset, uint32_t bytes, uint64_t val);

int plain_write(Mm_ctx& c, Mfn mfn, Page& pg, uint32_t slot, uint64_t val)
{
    if (get_page_type(c, mfn, pg, pgt::bits(Page_type::writable)) != 0)
        return -XEN_EINVAL;
    int rc = -XEN_ENOMEM;
    if (Table_map t(c.fs, mfn); t) {
        t[slot] = val;
        rc = 0;
    }
    put_page_type(c, mfn, pg);
    return rc;
}
} // namespace

int pin_table(Mm_ctx& c, Mfn mfn, uint32_t level)
{
    if (level < 1 || level > 3)
        return -XEN_EINVAL;
    Page* pg = get_domain_frame(c, mfn);
    if (pg == nullptr)
        return -XEN_EINVAL;
    // A frame the domain gave back (still referenced, so still its own) is
    // no longer on its frame list: a pin there would outlive the domain,
    // since teardown drops the pins of listed frames only.
    if (!pgc::is_allocated(pg->count_info)) {
        release_frame(c, mfn, *pg);
        return -XEN_EINVAL;
    }
    int rc = get_page_type(c, mfn, *pg, pgt::bits(static_cast<Page_type>(level)));
    if (rc == 0 && pgt::is_pinned(pg->type_info)) {
        put_page_type(c, mfn, *pg);
        rc = -XEN_EINVAL;
    }
    if (rc != 0) {
        release_frame(c, mfn, *pg);
        return rc;
    }
    pg->type_info |= pgt::pinned;
    return 0;
}

int unpin_table(Mm_ctx& c, Mfn mfn)
{
    Page* pg = get_domain_frame(c, mfn);
    if (pg == nullptr)
        return -XEN_EINVAL;
    if (!pgt::is_pinned(pg->type_info)) {
        release_frame(c, mfn, *pg);
        return -XEN_EINVAL;
    }
    pg->type_info &= ~pgt::pinned;
    put_page_type(c, mfn, *pg);
    release_frame(c, mfn, *pg); // the pin's reference
    release_frame(c, mfn, *pg); // ours
    return 0;
}

int new_baseptr(Mm_ctx& c, Mfn mfn, Mfn& base)
{
    if (mfn == base)
        return 0; // same table: only a TLB flush, which the caller does
    Page* pg = get_domain_frame(c, mfn);
    if (pg == nullptr)
        return -XEN_EINVAL;
    if (int rc = get_page_type(c, mfn, *pg, pgt::bits(Page_type::l3)); rc != 0) {
        release_frame(c, mfn, *pg);
        return rc;
    }
    drop_baseptr(c, base);
    base = mfn;
    return 0;
}

void drop_baseptr(Mm_ctx& c, Mfn& base)
{
    if (base == invalid_mfn)
        return;
    if (Page* old = c.fs.page_of(base)) {
        put_page_type(c, base, *old);
        release_frame(c, base, *old);
    }
    base = invalid_mfn;
}

namespace {
// MMU_PT_UPDATE_PRESERVE_AD of an L1 entry, out of the common path.
[[gnu::noinline]] int keep_ad_l1_update(Mm_ctx& c, Mfn table, Page& tp, uint32_t slot,
                                        uint64_t val, const Mm_domain& pg_owner)
{
    return with_table(c, table, [&](uint64_t* t) {
        return mod_l1_entry<true>(c, tp, t, slot, val, pg_owner);
    });
}
} // namespace

int mmu_normal_update(Mm_ctx& c, Mfn table, uint32_t slot, uint64_t val, bool preserve_ad,
                      const Mm_domain& pg_owner)
{
    if (slot >= entries_per_table)
        return -XEN_EINVAL;
    Page* pg = get_domain_frame(c, table);
    if (pg == nullptr)
        return -XEN_EINVAL;
    uint32_t ti = pg->type_info;
    int rc;
    if (pgt::count(ti) != 0 && pgt::is_validated(ti) && pgt::type(ti) == Page_type::l1) {
        // The common case: an L1 entry, through the batch's mapping if any.
        // The lambda is used on both of with_table's paths; left to GCC it
        // became a call (about 50 instructions more an update of a batch).
        rc = preserve_ad ? keep_ad_l1_update(c, table, *pg, slot, val, pg_owner)
                         : with_table(c, table, [&](uint64_t* t) __attribute__((always_inline)) {
                               return mod_l1_entry<false>(c, *pg, t, slot, val, pg_owner);
                           });
    } else if (pgt::count(ti) == 0 || !pgt::is_validated(ti) || !is_page_table(pgt::type(ti))) {
        rc = plain_write(c, table, *pg, slot, val);
    } else if (pgt::type(ti) == Page_type::l2) {
        rc = mod_l2_entry(c, table, *pg, slot, val, preserve_ad);
    } else {
        rc = mod_l3_entry(c, table, slot, val, preserve_ad);
        c.reload_l3 = true;
    }
    release_frame(c, table, *pg);
    return rc;
}

int ptwr_emulated_write(Mm_ctx& c, Mfn table, uint32_t offset, uint32_t bytes, uint64_t val)
{
    if ((bytes != 4 && bytes != 8) || offset % bytes != 0 || offset >= page_size)
        return -XEN_EINVAL;
    Page* pg = c.fs.page_of(table);
    if (pg == nullptr || pg->owner != c.dom.id || pgt::type(pg->type_info) != Page_type::l1 ||
        pgt::count(pg->type_info) == 0 || !pgt::is_validated(pg->type_info))
        return -XEN_EINVAL;
    return with_table(c, table,
                      [&](uint64_t* t) { return emulated_write(c, *pg, t, offset, bytes, val); });
}

namespace {
int emulated_write(Mm_ctx& c, Page& tp, uint64_t* t, uint32_t offset, uint32_t bytes, uint64_t val)
{
    uint32_t slot = offset / 8;
    uint64_t o = t[slot];
    bool upper = bytes == 4 && (offset & 4) != 0;
    uint64_t n = val;
    if (bytes == 4)
        n = upper ? (o & 0xFFFFFFFFull) | (val << 32) : (o & ~0xFFFFFFFFull) | (val & 0xFFFFFFFFull);
    if (int rc = get_l1e(c, n, c.dom); rc != 0) {
        if (!upper || !pte::present(n))
            return rc;
        n &= ~static_cast<uint64_t>(pte::P);
    }
    if (pte::present(n))
        pgt::note_present(tp.type_info, slot);
    pte::store(&t[slot], o, n);
    put_l1e(c, o);
    return 0;
}
} // namespace
