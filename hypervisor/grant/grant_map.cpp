// GNTTABOP_map_grant_ref, unmap_grant_ref and unmap_and_replace (Xen's
// map_grant_ref, unmap_common and unmap_common_complete).
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_entry.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/grant/grant_refs.hpp"
#include "hypervisor/grant/host_pte.hpp"
#include "hypervisor/grant/maptrack.hpp"

namespace grant {
namespace {

constexpr uint32_t kinds_mask = GNTMAP_host_map | GNTMAP_device_map;

struct Mapped {
    Mfn mfn = invalid_mfn;
    uint64_t pte = 0;
};

// References for a mapping: one general and (writable) one type reference
// per kind. GNTST_okay; GNTST_bad_page when the frame is not the granter's
// on the first pin (Xen's get_paged_frame), GNTST_general_error otherwise
// (Xen's could_not_pin).
int16_t take_refs(Grant_env& env, Domain& rd, Mfn m, uint32_t n, bool ro, bool first_pin)
{
    for (uint32_t i = 0; i < n; ++i) {
        Frame_ref r = get_frame_as(env, rd, m, !ro);
        if (r != Frame_ref::ok) {
            for (uint32_t j = 0; j < i; ++j)
                put_frame_as(env, rd, m, !ro);
            return r == Frame_ref::no_frame && i == 0 && first_pin ? GNTST_bad_page
                                                                   : GNTST_general_error;
        }
    }
    return GNTST_okay;
}

void drop_refs(Grant_env& env, Domain& rd, Mfn m, uint32_t n, bool ro)
{
    for (uint32_t i = 0; i < n; ++i)
        put_frame_as(env, rd, m, !ro);
}

// The map under rd's table lock: pin, references, host PTE. Nothing is
// left changed when it fails. A dying table is refused here, under the
// lock teardown marks it with: a map that looked before the mark pins
// before the teardown's look for pins, one after it is refused.
int16_t map_locked(Grant_env& env, Vcpu& v, Domain& rd, Grant_table& rt,
                   const gnttab_map_grant_ref& op, uint32_t incr, Mapped& out)
{
    Domain& ld = *v.domain;
    if (rt.dying)
        return GNTST_bad_domain;
    if (op.ref >= rt.nr_entries())
        return GNTST_bad_gntref;
    Active_entry& act = rt.active_entry(op.ref);
    bool ro = (op.flags & GNTMAP_readonly) != 0;
    // Pinned already: for the same domain only, never a sub-page grant,
    // and no counter may overflow.
    if (act.pin != 0 &&
        (act.domid != ld.id || (act.pin & gntpin::overflow_mask(incr)) != 0 || act.sub_page))
        return GNTST_general_error;
    bool first = act.pin == 0;
    if (first || (!ro && (act.pin & gntpin::writers) == 0))
        if (int16_t rc = set_status(env, rt, op.ref, act, ro, true, ld.id); rc != GNTST_okay)
            return rc;
    Mfn m = act.mfn;
    if (first) {
        Entry_frame f = entry_frame(rt, op.ref);
        m = f.gfn >> 32 ? invalid_mfn : Mfn{static_cast<uint32_t>(f.gfn)}; // PV: gfn is the mfn
    }
    uint32_t kinds =
        ((op.flags & GNTMAP_device_map) ? 1u : 0u) + ((op.flags & GNTMAP_host_map) ? 1u : 0u);
    if (int16_t rc = take_refs(env, rd, m, kinds, ro, first); rc != GNTST_okay) {
        reduce_status(env, rt, op.ref, act, ro);
        return rc;
    }
    act.pin += incr;
    if (first) {
        act.domid = ld.id;
        act.mfn = m;
        act.start = 0;
        act.length = page_size;
        act.sub_page = false;
    }
    if (op.flags & GNTMAP_host_map) {
        int16_t rc = create_host_mapping(env, v, op.host_addr, op.flags, m, out.pte);
        if (rc != GNTST_okay) {
            drop_refs(env, rd, m, kinds, ro);
            act.pin -= incr;
            reduce_status(env, rt, op.ref, act, ro);
            return rc;
        }
    }
    out.mfn = m;
    return GNTST_okay;
}

// unmap_and_replace moved the PTE at moved.from: a grant mapping recorded
// there is now found at moved.to (so teardown can still remove it).
void follow_move(Grant_table& lt, const Pte_move& moved)
{
    for (uint32_t h = 0; h < lt.maptrack_limit; ++h) {
        Maptrack_entry& e = *lt.map_entry(h);
        if ((e.flags & GNTMAP_host_map) && e.pte == moved.from)
            e.pte = moved.to;
    }
}

} // namespace

void map(Grant_env& env, Vcpu& v, gnttab_map_grant_ref& op)
{
    Domain& ld = *v.domain;
    uint32_t incr = pin_increment(op.flags);
    if (incr == 0) {
        op.status = GNTST_bad_gntref;
        return;
    }
    // By id only: Xen's map_grant_ref does not accept DOMID_SELF.
    Env_domain rd(env, op.dom);
    Grant_table* rtp = rd ? __atomic_load_n(&rd->grant, __ATOMIC_ACQUIRE) : nullptr;
    // The granter's dying flag is read under its lock (map_locked); the
    // mapper's own vCPUs no longer run once it is dying.
    if (rtp == nullptr || ld.grant == nullptr || ld.grant->dying) {
        op.status = GNTST_bad_domain;
        return;
    }
    Grant_table& lt = *ld.grant;
    Grant_table& rt = *rtp;
    Lock_guard<Spinlock> mg(lt.maptrack_lock);
    uint32_t h = maptrack_get(env, lt);
    if (h == Grant_table::no_handle) {
        op.status = GNTST_no_space;
        return;
    }
    Mapped m;
    int16_t rc;
    {
        Lock_guard<Spinlock> g(rt.lock);
        rc = map_locked(env, v, *rd, rt, op, incr, m);
    }
    if (rc != GNTST_okay) {
        maptrack_put(lt, h);
        op.status = rc;
        return;
    }
    Maptrack_entry& e = *lt.map_entry(h);
    e.ref = op.ref;
    e.domid = rd->id;
    e.flags = static_cast<uint8_t>(
        op.flags & (kinds_mask | GNTMAP_readonly | GNTMAP_contains_pte | GNTMAP_application_map));
    e.pte = m.pte;
    op.dev_bus_addr = mfn_to_paddr(m.mfn);
    op.handle = h;
    op.status = GNTST_okay;
}

int16_t unmap(Grant_env& env, Vcpu& v, const Unmap_request& r, Unmap_work& w)
{
    w = Unmap_work{};
    w.handle = r.handle;
    Domain& ld = *v.domain;
    if (ld.grant == nullptr)
        return GNTST_bad_handle;
    Grant_table& lt = *ld.grant;
    Lock_guard<Spinlock> mg(lt.maptrack_lock);
    Maptrack_entry* e = lt.map_entry(r.handle);
    if (e == nullptr || (e->flags & kinds_mask) == 0)
        return GNTST_bad_handle;
    // Teardown removes every mapping of a domain before it goes, so the
    // granter is always there (Xen crashes the mapper otherwise).
    Env_domain rd(env, e->domid);
    if (!rd || rd->grant == nullptr)
        return GNTST_bad_handle;
    Grant_table& rt = *rd->grant;
    Lock_guard<Spinlock> g(rt.lock);
    if (e->ref >= rt.nr_entries())
        return GNTST_bad_handle;
    const Active_entry& act = rt.active_entry(e->ref);
    if (r.dev_bus_addr && (e->flags & GNTMAP_device_map) && r.dev_bus_addr != mfn_to_paddr(act.mfn))
        return GNTST_bad_dev_addr;
    uint8_t done = 0;
    if (r.host_addr && (e->flags & GNTMAP_host_map)) {
        Pte_move moved;
        int16_t rc =
            replace_host_mapping(env, v, r.host_addr, e->flags, act.mfn, r.new_addr, moved);
        if (rc != GNTST_okay)
            return rc;
        done |= GNTMAP_host_map;
        if (moved.from != 0)
            follow_move(lt, moved);
    }
    if (r.dev_bus_addr && (e->flags & GNTMAP_device_map))
        done |= GNTMAP_device_map;
    if (done == 0)
        return GNTST_okay;
    done |= e->flags & GNTMAP_readonly;
    e->flags = static_cast<uint8_t>(e->flags & ~(done & kinds_mask));
    if ((e->flags & kinds_mask) == 0)
        e->flags = 0;
    e->pending |= done;
    w.ref = e->ref;
    w.domid = e->domid;
    w.done = done;
    return GNTST_okay;
}

void unmap_complete(Grant_env& env, Domain& ld, const Unmap_work& w)
{
    uint32_t kinds = w.done & kinds_mask;
    if (kinds == 0 || ld.grant == nullptr)
        return;
    Grant_table& lt = *ld.grant;
    Lock_guard<Spinlock> mg(lt.maptrack_lock);
    Maptrack_entry* e = lt.map_entry(w.handle);
    // Teardown may have finished this mapping meanwhile.
    if (e == nullptr || (e->pending & kinds) != kinds || e->ref != w.ref || e->domid != w.domid)
        return;
    Env_domain rd(env, w.domid);
    if (rd && rd->grant != nullptr) {
        Lock_guard<Spinlock> g(rd->grant->lock);
        end_mapping(env, *rd, *rd->grant, w.ref, kinds, w.done, true);
    }
    e->pending = static_cast<uint8_t>(e->pending & ~kinds);
    if ((e->pending & kinds_mask) == 0)
        e->pending = 0;
    if (e->flags == 0 && e->pending == 0)
        maptrack_put(lt, w.handle);
}

} // namespace grant
