// GNTTABOP_copy (Xen's gnttab_copy, gnttab_copy_one with
// acquire_grant_for_copy and release_grant_for_copy, and its copy
// buffers): the hypervisor copies bytes between two frames, each named by
// a frame of the caller (DOMID_SELF only) or by a grant. A grant is pinned
// for the copy as a host mapping would pin it (read-only for the source,
// writable for the destination). A batch keeps each side claimed and
// mapped while its ops name the same thing, and gives everything back at
// its end. Transitive grants (v2 GTF_transitive) are refused, as by a Xen
// started with transitive grants disabled.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_entry.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/grant/grant_refs.hpp"

namespace grant {
namespace {

// Pins grant ref of rd for 'ldom' and takes a general reference on its
// frame, and a writable type reference unless s.readonly. The table's
// dying flag is read under its lock: teardown marks it under the same
// lock and then waits for pins taken before to go (pins_drained), so none
// is taken after.
int16_t acquire(Grant_env& env, Domain& rd, uint32_t ref, uint16_t ldom, Copy_side& s)
{
    Grant_table* t = __atomic_load_n(&rd.grant, __ATOMIC_ACQUIRE);
    if (t == nullptr)
        return GNTST_bad_domain;
    Grant_table& rt = *t;
    Lock_guard<Spinlock> g(rt.lock);
    if (rt.dying)
        return GNTST_bad_domain;
    if (ref >= rt.nr_entries())
        return GNTST_bad_gntref;
    Active_entry& act = rt.active_entry(ref);
    bool ro = s.readonly;
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
    s.mfn = act.mfn;
    s.start = act.start;
    s.length = act.length;
    s.have_grant = s.have_ref = true;
    return GNTST_okay;
}

// A frame only of DOMID_SELF, a grant of any domain.
bool may_name(uint16_t domid, bool gref)
{
    return domid == DOMID_SELF || gref;
}

// The domain one side names (Xen's gnttab_copy_lock_domain), whose table
// is looked at again when a grant of it is claimed.
int16_t side_domain(Grant_env& env, Domain& caller, uint16_t domid, bool gref, Copy_side& s)
{
    if (!may_name(domid, gref))
        return GNTST_permission_denied;
    s.held = Env_domain(env, caller, caller.id, domid, true);
    Domain* d = s.held.get();
    if (d == nullptr || d->grant == nullptr)
        return GNTST_bad_domain;
    s.dom = d;
    s.domid = domid;
    return GNTST_okay;
}

// The side claims what ptr names already.
bool holds(const Copy_side& s, const gnttab_copy_ptr& p, bool gref)
{
    return s.va != nullptr && s.gref == gref && s.name == (gref ? p.u.ref : p.u.gmfn);
}

} // namespace

int16_t Copy_batch::claim(Copy_side& s, const gnttab_copy_ptr& p, bool gref)
{
    if (gref) {
        if (int16_t rc = acquire(env_, *s.dom, p.u.ref, caller_.id, s); rc != GNTST_okay)
            return rc;
    } else {
        s.mfn = Mfn{p.u.gmfn};
        if (Frame_ref r = get_frame_as(env_, *s.dom, s.mfn, !s.readonly); r != Frame_ref::ok)
            return r == Frame_ref::no_frame ? GNTST_bad_page : GNTST_general_error;
        s.have_ref = true;
        s.start = 0;
        s.length = page_size;
    }
    s.gref = gref;
    s.name = gref ? p.u.ref : p.u.gmfn;
    Frame_space& fs = env_.frames();
    uint64_t* t = fs.direct_table(s.mfn);
    if (t == nullptr) {
        t = fs.map_table(s.mfn);
        s.mapped = t != nullptr;
    }
    if (t == nullptr) {
        give_back(s, false);
        return GNTST_general_error;
    }
    s.va = reinterpret_cast<unsigned char*>(t);
    return GNTST_okay;
}

// The mapping (if 'mapped'), the pin and the references of a side.
void Copy_batch::give_back(Copy_side& s, bool mapped)
{
    if (mapped)
        env_.frames().unmap_table(reinterpret_cast<uint64_t*>(s.va));
    s.va = nullptr;
    s.mapped = false;
    if (s.have_grant) {
        // Pinned: teardown waits for the pin, so the table is still there.
        Grant_table& rt = *s.dom->grant;
        Lock_guard<Spinlock> g(rt.lock);
        Active_entry& act = rt.active_entry(s.name);
        act.pin -= s.readonly ? gntpin::hstr : gntpin::hstw;
        reduce_status(env_, rt, s.name, act, s.readonly);
        s.have_grant = false;
    }
    if (s.have_ref) {
        put_frame_as(env_, *s.dom, s.mfn, !s.readonly);
        s.have_ref = false;
    }
}

void Copy_batch::drop_domains()
{
    release(dst_);
    release(src_);
    src_.held = Env_domain();
    dst_.held = Env_domain();
    src_.dom = dst_.dom = nullptr;
}

int16_t Copy_batch::copy(const gnttab_copy& op)
{
    if (op.len == 0)
        return GNTST_okay;
    bool src_gref = (op.flags & GNTCOPY_source_gref) != 0;
    bool dst_gref = (op.flags & GNTCOPY_dest_gref) != 0;
    if (src_.dom == nullptr || op.source.domid != src_.domid || dst_.dom == nullptr ||
        op.dest.domid != dst_.domid) {
        end();
        int16_t rc = side_domain(env_, caller_, op.source.domid, src_gref, src_);
        if (rc == GNTST_okay)
            rc = side_domain(env_, caller_, op.dest.domid, dst_gref, dst_);
        if (rc != GNTST_okay) {
            end();
            return rc;
        }
    } else if (!may_name(op.source.domid, src_gref) || !may_name(op.dest.domid, dst_gref)) {
        // The domains held were named with grants before.
        return GNTST_permission_denied;
    }
    if (!holds(src_, op.source, src_gref)) {
        release(src_);
        if (int16_t rc = claim(src_, op.source, src_gref); rc != GNTST_okay)
            return rc;
    }
    if (!holds(dst_, op.dest, dst_gref)) {
        release(dst_);
        if (int16_t rc = claim(dst_, op.dest, dst_gref); rc != GNTST_okay)
            return rc;
    }
    uint32_t len = op.len;
    if (op.source.offset + len > page_size || op.dest.offset + len > page_size)
        return GNTST_bad_copy_arg;
    if (op.source.offset < src_.start || op.source.offset + len > uint32_t{src_.start} + src_.length)
        return GNTST_general_error;
    if (op.dest.offset < dst_.start || op.dest.offset + len > uint32_t{dst_.start} + dst_.length)
        return GNTST_general_error;
    // memmove: source and destination may be the same frame.
    __builtin_memmove(dst_.va + op.dest.offset, src_.va + op.source.offset, len);
    return GNTST_okay;
}

int16_t copy(Grant_env& env, Domain& caller, const gnttab_copy& op)
{
    Copy_batch b(env, caller);
    return b.copy(op);
}

} // namespace grant
