// GNTTABOP_copy (Xen's gnttab_copy_one with acquire_grant_for_copy and
// release_grant_for_copy): the hypervisor copies bytes between two frames,
// each named by a frame of the caller (DOMID_SELF only) or by a grant. A
// grant is pinned for the copy as a host mapping would pin it (read-only
// for the source, writable for the destination) and unpinned after.
// Transitive grants (v2 GTF_transitive) are refused, as by a Xen started
// with transitive grants disabled.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_entry.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/grant/grant_refs.hpp"

namespace grant {
namespace {

struct Copy_buf {
    Env_domain held; // dom, held for the copy
    Domain* dom = nullptr;
    Mfn mfn = invalid_mfn;
    uint32_t ref = 0;
    uint16_t start = 0; // the window the grant allows
    uint16_t length = page_size;
    bool readonly = true;
    bool have_grant = false; // pinned
    bool have_ref = false;   // a general reference, and a writable type one
                             // unless readonly (get_frame_as)
};

// Pins grant ref of rd for 'ldom' and takes a general reference on its
// frame, and a writable type reference unless b.readonly.
int16_t acquire(Grant_env& env, Domain& rd, uint32_t ref, uint16_t ldom, Copy_buf& b)
{
    Grant_table& rt = *rd.grant;
    Lock_guard<Spinlock> g(rt.lock);
    if (ref >= rt.nr_entries())
        return GNTST_bad_gntref;
    Active_entry& act = rt.active_entry(ref);
    bool ro = b.readonly;
    uint32_t incr = ro ? gntpin::hstr : gntpin::hstw;
    if (act.pin != 0 && (act.domid != ldom || (act.pin & gntpin::overflow_mask(incr)) != 0))
        return GNTST_general_error;
    if (rt.version == 2 && (header_flags(*rt.header(ref)) & GTF_type_mask) == GTF_transitive)
        return GNTST_general_error;
    uint32_t old_pin = act.pin;
    if (old_pin == 0 || (!ro && (old_pin & gntpin::writers) == 0)) {
        if (int16_t rc = set_status(env, rt, ref, act, ro, false, ldom); rc != GNTST_okay)
            return rc;
        Entry_frame f = entry_frame(rt, ref);
        Mfn m = f.gfn >> 32 ? invalid_mfn : Mfn{static_cast<uint32_t>(f.gfn)};
        if (Frame_ref r = get_frame_as(env, rd, m, !ro); r != Frame_ref::ok) {
            reduce_status(env, rt, ref, act, ro);
            return r == Frame_ref::no_frame ? GNTST_bad_page : GNTST_general_error;
        }
        if (old_pin == 0) {
            act.domid = ldom;
            act.mfn = m;
            act.sub_page = f.sub_page;
            act.start = f.start;
            act.length = f.length;
        } else if (act.mfn != m || (act.sub_page && (!f.sub_page || act.start != f.start ||
                                                     act.length != f.length))) {
            // The guest changed a grant in use.
            put_frame_as(env, rd, m, !ro);
            reduce_status(env, rt, ref, act, ro);
            return GNTST_general_error;
        }
    } else if (Frame_ref r = get_frame_as(env, rd, act.mfn, !ro); r != Frame_ref::ok) {
        reduce_status(env, rt, ref, act, ro);
        return r == Frame_ref::no_frame ? GNTST_bad_domain : GNTST_general_error;
    }
    act.pin += incr;
    b.mfn = act.mfn;
    b.start = act.start;
    b.length = act.length;
    b.ref = ref;
    b.have_grant = b.have_ref = true;
    return GNTST_okay;
}

void release(Grant_env& env, Copy_buf& b)
{
    if (b.have_grant) {
        Grant_table& rt = *b.dom->grant;
        Lock_guard<Spinlock> g(rt.lock);
        Active_entry& act = rt.active_entry(b.ref);
        act.pin -= b.readonly ? gntpin::hstr : gntpin::hstw;
        reduce_status(env, rt, b.ref, act, b.readonly);
        b.have_grant = false;
    }
    if (b.have_ref) {
        put_frame_as(env, *b.dom, b.mfn, !b.readonly);
        b.have_ref = false;
    }
}

// The domain one side names (Xen's gnttab_copy_lock_domain): a frame only
// of DOMID_SELF, a grant of any domain (DOMID_SELF or an id).
int16_t side_domain(Grant_env& env, Domain& caller, uint16_t domid, bool gref, Copy_buf& b)
{
    if (domid != DOMID_SELF && !gref)
        return GNTST_permission_denied;
    b.held = Env_domain(env, caller, caller.id, domid, true);
    Domain* d = b.held.get();
    if (d == nullptr || d->grant == nullptr || d->grant->dying)
        return GNTST_bad_domain;
    b.dom = d;
    return GNTST_okay;
}

int16_t claim(Grant_env& env, Domain& caller, const gnttab_copy_ptr& p, bool gref, Copy_buf& b)
{
    if (gref) {
        if (int16_t rc = acquire(env, *b.dom, p.u.ref, caller.id, b); rc != GNTST_okay)
            return rc;
    } else {
        b.mfn = Mfn{p.u.gmfn};
        if (Frame_ref r = get_frame_as(env, *b.dom, b.mfn, !b.readonly); r != Frame_ref::ok)
            return r == Frame_ref::no_frame ? GNTST_bad_page : GNTST_general_error;
        b.have_ref = true;
    }
    return GNTST_okay;
}

int16_t copy_bytes(Grant_env& env, const gnttab_copy& op, const Copy_buf& src, const Copy_buf& dst)
{
    uint32_t len = op.len;
    if (op.source.offset + len > page_size || op.dest.offset + len > page_size)
        return GNTST_bad_copy_arg;
    if (op.source.offset < src.start || op.source.offset + len > uint32_t{src.start} + src.length)
        return GNTST_general_error;
    if (op.dest.offset < dst.start || op.dest.offset + len > uint32_t{dst.start} + dst.length)
        return GNTST_general_error;
    Frame_space& fs = env.frames();
    Table_map s(fs, src.mfn);
    Table_map d(fs, dst.mfn);
    if (!s || !d)
        return GNTST_general_error;
    // memmove: source and destination may be the same frame.
    __builtin_memmove(reinterpret_cast<unsigned char*>(d.get()) + op.dest.offset,
                      reinterpret_cast<const unsigned char*>(s.get()) + op.source.offset, len);
    return GNTST_okay;
}

} // namespace

int16_t copy(Grant_env& env, Domain& caller, const gnttab_copy& op)
{
    if (op.len == 0)
        return GNTST_okay;
    bool src_gref = (op.flags & GNTCOPY_source_gref) != 0;
    bool dst_gref = (op.flags & GNTCOPY_dest_gref) != 0;
    Copy_buf src, dst;
    dst.readonly = false;
    int16_t rc = side_domain(env, caller, op.source.domid, src_gref, src);
    if (rc == GNTST_okay)
        rc = side_domain(env, caller, op.dest.domid, dst_gref, dst);
    if (rc == GNTST_okay)
        rc = claim(env, caller, op.source, src_gref, src);
    if (rc == GNTST_okay)
        rc = claim(env, caller, op.dest, dst_gref, dst);
    if (rc == GNTST_okay)
        rc = copy_bytes(env, op, src, dst);
    release(env, dst);
    release(env, src);
    return rc;
}

} // namespace grant
