#include "hypervisor/mm/pte_check.hpp"

#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace pte {
uint32_t l1_disallow(Frame_space& fs, const Mm_domain& d)
{
    // The global bit is allowed in L1s (user mappings); cache attributes
    // only for domains with I/O capabilities (mm.c l1_disallow_mask).
    uint32_t m = base_disallow & ~G;
    if (fs.nx_enabled())
        m &= ~NX;
    if (d.io_caps)
        m &= ~(PSE | PCD | PWT);
    return m;
}

uint32_t l2_disallow(Frame_space& fs)
{
    // PSE stays disallowed: PV guests get no superpages.
    return fs.nx_enabled() ? base_disallow & ~NX : base_disallow;
}
} // namespace pte

namespace {
enum class Target { ram, io, m2p, hypervisor };

// What an L1 entry points at. Only 'ram' frames carry references. The
// answer depends on facts fixed for the frame's life as long as a
// reference is held (ownership cannot change then).
Target classify_asking(Frame_space& fs, Mfn m, Page*& pg)
{
    pg = nullptr;
    if (fs.is_m2p(m))
        return Target::m2p;
    if (fs.is_hypervisor(m))
        return Target::hypervisor;
    if (!fs.is_ram(m))
        return Target::io;
    pg = fs.page(m);
    if (pg == nullptr)
        return Target::hypervisor; // RAM the frame table does not cover: unmanageable
    if (pg->owner == DOMID_IO)
        return Target::io;
    return Target::ram;
}

// Inline: a domain's RAM, as the view's contract promises, is the same
// answer classify_asking gives, without asking.
inline Target classify(Frame_space& fs, Mfn m, Page*& pg)
{
    pg = fs.ordinary(m);
    return pg != nullptr ? Target::ram : classify_asking(fs, m, pg);
}

// Read-only mapping of another validated L2 (Xen's get_l2_linear_pagetable).
// An L2 holding linear entries may not itself be linearly mapped, and vice
// versa, so releasing one never recurses further (XSA-240).
bool get_linear_l2(Mm_ctx& c, uint64_t e, Mfn table)
{
    if (pte::flags(e) & pte::RW)
        return false;
    Mfn target = pte::mfn(e);
    if (target == table)
        return true; // a self-map holds no reference
    Page* tp = c.fs.page_of(table);
    Page* pg = c.fs.page_of(target);
    if (tp == nullptr || pg == nullptr || tp->owner != c.dom.id || !get_page(*pg, c.dom.id))
        return false;
    int32_t entries = pgc::linear(tp->count_info);
    int32_t uses = pgc::linear(pg->count_info);
    uint32_t ti = pg->type_info;
    if (entries < 0 || entries == pgc::linear_max || uses > 0 || uses == pgc::linear_min ||
        pgt::count(ti) == pgt::count_mask || pgt::type(ti) != Page_type::l2 || !pgt::is_validated(ti)) {
        release_frame(c, target, *pg);
        return false;
    }
    tp->count_info = pgc::with_linear(tp->count_info, entries + 1);
    pg->count_info = pgc::with_linear(pg->count_info, uses - 1);
    pg->type_info = pgt::with_count(ti, pgt::count(ti) + 1);
    return true;
}

// Take a general and a type reference on a frame of the domain. Inline
// for the view's frames: an L2 entry update (a PV kernel's set_pmd) takes
// one for the L1 it hooks and drops one for the L1 it unhooks.
[[gnu::always_inline]] inline int get_page_and_type(Mm_ctx& c, Mfn m, uint32_t type)
{
    Page* pg = c.fs.ram_page(m);
    if (pg == nullptr || !get_page(*pg, c.dom.id))
        return -XEN_EINVAL;
    int rc = get_page_type(c, m, *pg, type);
    if (rc != 0)
        release_frame(c, m, *pg);
    return rc;
}

[[gnu::always_inline]] inline void put_page_and_type(Mm_ctx& c, Mfn m)
{
    Page* pg = c.fs.page_of(m);
    if (pg == nullptr)
        return;
    put_page_type(c, m, *pg);
    release_frame(c, m, *pg);
}
} // namespace

int get_l1e_masked(Mm_ctx& c, uint64_t e, const Mm_domain& pg_owner, uint32_t disallow)
{
    uint32_t f = pte::flags(e);
    if (!(f & pte::P))
        return 0;
    if (f & disallow)
        return -XEN_EINVAL;
    Mfn m = pte::mfn(e);
    Page* pg;
    switch (classify(c.fs, m, pg)) {
    case Target::m2p:
        // Shared read-only with privileged domains; a writable type can
        // never be had (Xen: could_not_pin).
        return (!(f & pte::RW) && pg_owner.privileged) ? 0 : -XEN_EBUSY;
    case Target::hypervisor:
        return -XEN_EBUSY;
    case Target::io:
        // DOMID_IO reverts to the caller for the privilege check (Xen's
        // get_page_from_l1e).
        return c.fs.iomem_permitted(pg_owner.id == DOMID_IO ? c.dom : pg_owner, m) ? 0 : -XEN_EPERM;
    case Target::ram:
        break;
    }
    if (!get_page(*pg, pg_owner.id))
        return -XEN_EBUSY;
    if ((f & pte::RW) && get_page_type(c, m, *pg, pgt::bits(Page_type::writable)) != 0) {
        release_frame(c, m, *pg);
        return -XEN_EBUSY;
    }
    return 0;
}

int get_l1e(Mm_ctx& c, uint64_t e, const Mm_domain& pg_owner)
{
    if (!pte::present(e))
        return 0;
    return get_l1e_masked(c, e, pg_owner, pte::l1_disallow(c.fs, c.dom));
}

void put_l1e(Mm_ctx& c, uint64_t e)
{
    if (!pte::present(e))
        return;
    Mfn m = pte::mfn(e);
    Page* pg;
    if (classify(c.fs, m, pg) != Target::ram)
        return;
    if (pte::flags(e) & pte::RW)
        put_page_type(c, m, *pg);
    release_frame(c, m, *pg);
}

namespace {
// 'k' identical present entries 'e' of one L1, all or nothing: true when
// each would have passed get_l1e_masked and their references are taken
// (k general ones, and k writable type ones for RW); false, with nothing
// changed, when any check would fail or the run is not the fast case (not
// a domain's ordinary RAM of pg_owner, a count that would overflow): the
// caller then goes entry by entry.
bool get_l1e_run(Mm_ctx& c, uint64_t e, uint32_t k, const Mm_domain& pg_owner, uint32_t disallow)
{
    uint32_t f = pte::flags(e);
    if (f & disallow)
        return false;
    Mfn m = pte::mfn(e);
    Page* pg = c.fs.ordinary(m);
    if (pg == nullptr || pg->owner != pg_owner.id)
        return false;
    uint32_t n = pgc::count(pg->count_info);
    if (n == 0 || n + k > pgc::count_mask)
        return false;
    if (f & pte::RW) {
        uint32_t x = pg->type_info;
        constexpr uint32_t want = pgt::bits(Page_type::writable);
        bool same = (x & (pgt::identity_mask | pgt::validated)) == (want | pgt::validated);
        // Another type at count 0 changes to writable (never validation);
        // another type in use fails: both the per-entry way.
        if (!(same && pgt::count(x) + k <= pgt::count_mask) && pgt::count(x) != 0)
            return false;
        if (!same && get_page_type_slow(c, m, *pg, want) != 0)
            return false; // (cannot fail at count 0: nothing was taken)
        pg->type_info += same ? k : k - 1;
    }
    pg->count_info += k;
    return true;
}

// What get_l1e_quick and get_l2e_quick need, loaded once per table: the
// view, the domain, and the level's disallow mask split into its low-word
// and high-word bits (the halves pte::flags joins).
struct Quick_table {
    Frame_space::Direct_pages view;
    uint16_t owner;
    uint32_t dis_lo, dis_hi;
};

Quick_table quick_table(Mm_ctx& c, uint32_t disallow)
{
    Quick_table q{c.fs.direct_pages(), c.dom.id, disallow & 0xFFFu, disallow & ~0xFFFu};
    if (q.owner >= DOMID_FIRST_RESERVED)
        q.view.count = 0; // only a domain's own frames take this way
    return q;
}

// The low and high word of a table entry, each read where it is needed:
// the loops below have too few registers to keep both.
inline uint32_t lo_word(const uint64_t* e) { return static_cast<uint32_t>(*e); }
inline uint32_t hi_word(const uint64_t* e) { return static_cast<uint32_t>(*e >> 32); }

// The frame an entry maps, as an index into the view (>= count: outside).
inline uint32_t view_index(const Frame_space::Direct_pages& v, const uint64_t* e)
{
    return static_cast<uint32_t>(*e >> 12) - v.first; // pte::mfn, one shrd
}

// One present entry of a table being validated, the quick way, in the
// case that needs no call: the domain's own RAM in the view, counts with
// room, and when the entry takes a type reference ('typed') a frame
// already of that validated type. False, nothing changed, otherwise: the
// caller takes the general way.
[[gnu::always_inline]] inline bool get_quick(const Quick_table& q, const uint64_t* e, bool typed,
                                             Page_type type)
{
    if (lo_word(e) & q.dis_lo)
        return false;
    if (hi_word(e) & q.dis_hi)
        return false;
    uint32_t i = view_index(q.view, e);
    if (i >= q.view.count)
        return false;
    Page& pg = q.view.pages[i];
    uint32_t n = pgc::count(pg.count_info);
    if (pg.owner != q.owner || n == 0 || n == pgc::count_mask)
        return false;
    if (typed) {
        uint32_t x = pg.type_info;
        uint32_t want = pgt::bits(type) | pgt::validated;
        if ((x & (pgt::identity_mask | pgt::validated)) != want || pgt::count(x) == pgt::count_mask)
            return false;
        pg.type_info = x + 1;
    }
    pg.count_info += 1;
    return true;
}

// The reverse for a table being torn down: a frame in the view that keeps
// references of both kinds after this one goes, of type 'type' when the
// entry holds a type reference. False, nothing changed, otherwise.
[[gnu::always_inline]] inline bool put_quick(const Frame_space::Direct_pages& v,
                                             const uint64_t* e, bool typed, Page_type type)
{
    uint32_t i = view_index(v, e);
    if (i >= v.count)
        return false;
    Page& pg = v.pages[i];
    if (pg.owner >= DOMID_FIRST_RESERVED || pgc::count(pg.count_info) <= 1)
        return false;
    if (typed) {
        uint32_t x = pg.type_info;
        if (pgt::count(x) <= 1 || pgt::type(x) != type)
            return false;
        pg.type_info = x - 1;
    }
    pg.count_info -= 1;
    return true;
}

// An L1 entry: get_l1e_run with k = 1 without its calls, a writable one
// onto a frame of the validated writable type. About 9 instructions an
// entry fewer, and as many again in put_l1e_quick.
[[gnu::always_inline]] inline bool get_l1e_quick(const Quick_table& q, const uint64_t* e)
{
    return get_quick(q, e, lo_word(e) & pte::RW, Page_type::writable);
}
[[gnu::always_inline]] inline bool put_l1e_quick(const Frame_space::Direct_pages& v,
                                                 const uint64_t* e)
{
    return put_quick(v, e, lo_word(e) & pte::RW, Page_type::writable);
}

// An L2 entry that hooks one of the domain's own L1s, already validated:
// what get_l2e does then (get_page_and_type's inline path), without its
// calls. Every entry of a PV kernel's L2s is this case: Linux's new
// address space copies its kernel L2, about 140 entries, at every fork.
// Not a linear entry (its target is an L2) nor an L1 still to validate:
// the caller takes get_l2e, and put_l2e at teardown.
[[gnu::always_inline]] inline bool get_l2e_quick(const Quick_table& q, const uint64_t* e)
{
    return get_quick(q, e, true, Page_type::l1);
}
[[gnu::always_inline]] inline bool put_l2e_quick(const Frame_space::Direct_pages& v,
                                                 const uint64_t* e)
{
    return put_quick(v, e, true, Page_type::l1);
}

// The present entries from i on that 'quick' takes (or drops) one by one,
// up to the first it refuses, the first empty entry or 'end'; with 'runs',
// also up to the first of a run of identical entries (get_l1e_run's and
// put_l1e_run's case, the successor compared low word first: distinct
// frames differ there). Returns where it stopped. Out of line so that its
// few live values stay in registers (the loops around it hold many more
// and spilled them on every entry): an L1 entry takes about 39
// instructions on validation instead of 63, 30 on teardown instead of 45.
template <bool runs, class Quick>
[[gnu::noinline]] uint32_t quick_span(const uint64_t* t, uint32_t i, uint32_t end, Quick quick)
{
    // A pointer, not an index: one register fewer.
    const uint64_t* p = t + i;
    const uint64_t* stop = t + end;
    if (!runs) {
        for (; p != stop && (lo_word(p) & pte::P) && quick(p); ++p) {
        }
        return static_cast<uint32_t>(p - t);
    }
    // The last entry has no successor to compare: it is tried after the loop.
    if (p == stop)
        return end;
    for (--stop; p != stop; ++p) {
        if (!(lo_word(p) & pte::P) || (lo_word(p) == lo_word(p + 1) && hi_word(p) == hi_word(p + 1)) ||
            !quick(p))
            return static_cast<uint32_t>(p - t);
    }
    if ((lo_word(p) & pte::P) && quick(p))
        ++p;
    return static_cast<uint32_t>(p - t);
}

// Drops what 'k' identical present entries 'e' hold, exactly as k calls of
// put_l1e: the type references go first, then the general ones, and only
// the last of each can have an effect beyond the count.
void put_l1e_run(Mm_ctx& c, uint64_t e, uint32_t k)
{
    Mfn m = pte::mfn(e);
    Page* pg = c.fs.ordinary(m);
    if (pg == nullptr) {
        while (k-- > 0)
            put_l1e(c, e);
        return;
    }
    if (pte::flags(e) & pte::RW) {
        if (pgt::count(pg->type_info) > k)
            pg->type_info -= k;
        else
            for (uint32_t i = 0; i < k; ++i)
                put_page_type(c, m, *pg);
    }
    if (pgc::count(pg->count_info) > k)
        pg->count_info -= k;
    else
        for (uint32_t i = 0; i < k; ++i)
            release_frame(c, m, *pg);
}

// The first present entry at or after i (entries_per_table if none).
// P is in each entry's low word, so a group of entries is empty when the
// OR of their low words has no P: empty stretches go 64, 16, then four
// at a time (one load-or per entry, the loop's cost once per group).
// 'end' bounds the scan (an L2's guest slots); the result is at most 'end'.
uint32_t scan_present(const uint64_t* t, uint32_t i, uint32_t end)
{
    auto lo = [t](uint32_t k) { return static_cast<uint32_t>(t[k]); };
    auto any4 = [&](uint32_t k) { return lo(k) | lo(k + 1) | lo(k + 2) | lo(k + 3); };
    auto any16 = [&](uint32_t k) { return any4(k) | any4(k + 4) | any4(k + 8) | any4(k + 12); };
    while (i + 64 <= end && ((any16(i) | any16(i + 16) | any16(i + 32) | any16(i + 48)) & pte::P) == 0)
        i += 64;
    while (i + 16 <= end && (any16(i) & pte::P) == 0)
        i += 16;
    while (i + 4 <= end && (any4(i) & pte::P) == 0)
        i += 4;
    while (i < end && !(lo(i) & pte::P))
        ++i;
    return i;
}

// The same, with the entry at i tried inline first: the next of a dense
// table's entries usually is present, and then no call is made.
inline uint32_t next_present(const uint64_t* t, uint32_t i, uint32_t end = entries_per_table)
{
    if (i < end && (static_cast<uint32_t>(t[i]) & pte::P))
        return i;
    return scan_present(t, i, end);
}

// next_present for a table being torn down: the blocks of 64 entries that
// 'blocks' (pgt's present blocks, shifted down) does not mark hold no
// present entry and are not read.
uint32_t next_marked(const uint64_t* t, uint32_t i, uint32_t end, uint32_t blocks)
{
    while (i < end) {
        uint32_t b = i / 64;
        uint32_t ahead = blocks >> b;
        if (ahead == 0)
            return end;
        if (!(ahead & 1)) {
            i = (b + static_cast<uint32_t>(__builtin_ctz(ahead))) * 64;
            continue;
        }
        uint32_t stop = (b + 1) * 64 < end ? (b + 1) * 64 : end;
        if (uint32_t j = next_present(t, i, stop); j < stop)
            return j;
        i = stop;
    }
    return end;
}

// Entries [i, end) equal to t[i].
uint32_t run_end(const uint64_t* t, uint32_t i)
{
    uint64_t e = t[i];
    uint32_t j = i + 1;
    while (j < entries_per_table && t[j] == e)
        ++j;
    return j;
}
} // namespace

int get_l2e(Mm_ctx& c, uint64_t e, Mfn table)
{
    uint32_t f = pte::flags(e);
    if (!(f & pte::P))
        return 0;
    if (f & pte::l2_disallow(c.fs))
        return -XEN_EINVAL;
    int rc = get_page_and_type(c, pte::mfn(e), pgt::bits(Page_type::l1));
    if (rc == -XEN_EINVAL && get_linear_l2(c, e, table))
        rc = 0;
    return rc;
}

void put_l2e(Mm_ctx& c, uint64_t e, Mfn table)
{
    Mfn m = pte::mfn(e);
    if (!pte::present(e) || m == table)
        return;
    Page* pg = c.fs.page_of(m);
    if (pg == nullptr)
        return;
    if (pgt::type(pg->type_info) == Page_type::l2) {
        // A linear entry: undo both halves of the linear bookkeeping.
        Page* tp = c.fs.page_of(table);
        pg->count_info = pgc::with_linear(pg->count_info, pgc::linear(pg->count_info) + 1);
        if (tp != nullptr)
            tp->count_info = pgc::with_linear(tp->count_info, pgc::linear(tp->count_info) - 1);
    }
    put_page_and_type(c, m);
}

int get_l3e(Mm_ctx& c, uint64_t e)
{
    uint32_t f = pte::flags(e);
    if (!(f & pte::P))
        return 0;
    if (f & pte::l3_disallow)
        return -XEN_EINVAL;
    // Linear L3 entries are refused for 32-bit PAE guests (mm.c
    // get_page_from_l3e: !is_pv_32bit_domain), so a self-map fails here.
    return get_page_and_type(c, pte::mfn(e), pgt::bits(Page_type::l2));
}

void put_l3e(Mm_ctx& c, uint64_t e)
{
    if (pte::present(e))
        put_page_and_type(c, pte::mfn(e));
}

namespace {
// Empty entries are skipped in a tight loop; a run of identical present
// entries takes its references at once when get_l1e_run can, and entry by
// entry (every check of get_l1e, the flag mask looked up once) when not.
// Each stretch of present entries it takes marks its blocks in 'present'.
int validate_l1(Mm_ctx& c, uint64_t* t, uint32_t& present)
{
    uint32_t disallow = pte::l1_disallow(c.fs, c.dom);
    Quick_table q = quick_table(c, disallow);
    auto quick = [&q](const uint64_t* e) { return get_l1e_quick(q, e); };
    for (uint32_t i = next_present(t, 0); i < entries_per_table; i = next_present(t, i)) {
        uint32_t first = i;
        i = quick_span<true>(t, i, entries_per_table, quick);
        if (i < entries_per_table && pte::present(t[i])) {
            // A run, or an entry the quick way refused.
            uint32_t end = run_end(t, i);
            if (!get_l1e_run(c, t[i], end - i, c.dom, disallow)) {
                for (; i < end; ++i) {
                    int rc = get_l1e_masked(c, t[i], c.dom, disallow);
                    if (rc != 0) {
                        while (i-- > 0)
                            put_l1e(c, t[i]);
                        return rc;
                    }
                }
            }
            i = end;
        }
        present |= pgt::present_blocks(first, i);
    }
    return 0;
}

int validate_l2(Mm_ctx& c, Mfn mfn, uint64_t* t, uint32_t type_info, uint32_t& present)
{
    uint32_t n = guest_l2_slots(type_info);
    Quick_table q = quick_table(c, pte::l2_disallow(c.fs));
    auto quick = [&q](const uint64_t* e) { return get_l2e_quick(q, e); };
    for (uint32_t i = next_present(t, 0, n); i < n; i = next_present(t, i + 1, n)) {
        uint32_t first = i;
        i = quick_span<false>(t, i, n, quick);
        if (i == n) {
            present |= pgt::present_blocks(first, n);
            break;
        }
        if (!pte::present(t[i])) {
            present |= pgt::present_blocks(first, i);
            continue;
        }
        int rc = get_l2e(c, t[i], mfn);
        if (rc != 0) {
            while (i-- > 0)
                put_l2e(c, t[i], mfn);
            return rc;
        }
        present |= pgt::present_blocks(first, i + 1);
    }
    // The hypervisor's slots: whatever the guest put there is replaced.
    c.fs.hypervisor_l2es(c.dom, n, t);
    return 0;
}

// Slot 3 maps the top GiB: it must hold an L2 that takes the pae_xen_l2
// type, and that L2 may not be shared with any other L3 (mm.c
// create_pae_xen_mappings: "PAE L3 3rd slot is shared").
int get_l3e_slot3(Mm_ctx& c, uint64_t e)
{
    if (!pte::present(e) || (pte::flags(e) & pte::l3_disallow))
        return -XEN_EINVAL;
    Mfn m = pte::mfn(e);
    int rc = get_page_and_type(c, m, pgt::bits(Page_type::l2) | pgt::pae_xen_l2);
    if (rc != 0)
        return rc;
    if (pgt::count(c.fs.page_of(m)->type_info) != 1) {
        put_page_and_type(c, m);
        return -XEN_EINVAL;
    }
    return 0;
}

int validate_l3(Mm_ctx& c, Mfn mfn, uint64_t* t)
{
    // CR3 holds 32 bits: an L3 above 4 GiB needs the extended-cr3 format
    // the guest announces with VMASST_TYPE_pae_extended_cr3. The domain
    // builder gets slack until vcpu0 runs; Xen answers -ERANGE (mm.c
    // promote_l3_table).
    if (raw(mfn) >= 0x100000u && !c.dom.pae_extended_cr3 && c.dom.initialised)
        return -XEN_ERANGE;
    for (uint32_t i = 0; i < l3_entries; ++i) {
        int rc = i == 3 ? get_l3e_slot3(c, t[i]) : get_l3e(c, t[i]);
        if (rc != 0) {
            while (i-- > 0)
                put_l3e(c, t[i]);
            return rc;
        }
    }
    return 0;
}
} // namespace

int validate_table(Mm_ctx& c, Mfn mfn, uint32_t type_info, uint32_t& present)
{
    present = 0;
    Page_type type = pgt::type(type_info);
    if (type == Page_type::seg_desc)
        return c.fs.descriptors_ok(c.dom, mfn) ? 0 : -XEN_EINVAL;
    if (!is_page_table(type))
        return 0;
    Table_map t(c.fs, mfn);
    if (!t)
        return -XEN_ENOMEM;
    switch (type) {
    case Page_type::l1: return validate_l1(c, t.get(), present);
    case Page_type::l2: return validate_l2(c, mfn, t.get(), type_info, present);
    default: {
        int rc = validate_l3(c, mfn, t.get());
        if (rc == 0)
            c.fs.l3_changed();
        return rc;
    }
    }
}

bool devalidate_table(Mm_ctx& c, Mfn mfn, uint32_t type_info)
{
    if (!is_page_table(pgt::type(type_info)))
        return true;
    Table_map t(c.fs, mfn);
    if (!t)
        return false;
    uint32_t blocks = (type_info & pgt::present_mask) >> pgt::present_shift;
    switch (pgt::type(type_info)) {
    case Page_type::l1: {
        Frame_space::Direct_pages v = c.fs.direct_pages();
        const uint64_t* e = t.get();
        auto quick = [&v](const uint64_t* x) { return put_l1e_quick(v, x); };
        for (uint32_t i = next_marked(e, 0, entries_per_table, blocks); i < entries_per_table;
             i = next_marked(e, i, entries_per_table, blocks)) {
            i = quick_span<true>(e, i, entries_per_table, quick);
            if (i == entries_per_table || !pte::present(e[i]))
                continue;
            uint32_t end = run_end(e, i);
            put_l1e_run(c, e[i], end - i);
            i = end;
        }
        break;
    }
    case Page_type::l2: {
        uint32_t n = guest_l2_slots(type_info);
        Frame_space::Direct_pages v = c.fs.direct_pages();
        auto quick = [&v](const uint64_t* e) { return put_l2e_quick(v, e); };
        for (uint32_t i = next_marked(t.get(), 0, n, blocks); i < n;
             i = next_marked(t.get(), i + 1, n, blocks)) {
            i = quick_span<false>(t.get(), i, n, quick);
            if (i == n)
                break;
            if (pte::present(t[i]))
                put_l2e(c, t[i], mfn);
        }
        break;
    }
    case Page_type::l3:
        for (uint32_t i = 0; i < l3_entries; ++i)
            put_l3e(c, t[i]);
        break;
    default:
        break;
    }
    return true;
}
