// Domain teardown (Xen's gnttab_release_mappings and grant_table_destroy). Unlike Xen, which keeps
// a dying granter around until its mappers let go, a granter's teardown removes every other
// domain's mapping of its grants by force: each host PTE still in place is cleared and the mapper's
// TLB flushed before the references go, so no domain reaches the memory of a domain that is gone.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/grant/grant_refs.hpp"
#include "hypervisor/grant/host_pte.hpp"
#include "hypervisor/grant/maptrack.hpp"

namespace grant {
namespace {

constexpr uint32_t kinds_mask = GNTMAP_host_map | GNTMAP_device_map;

bool in_use(const Maptrack_entry& e)
{
    return ((e.flags | e.pending) & kinds_mask) != 0;
}

// Ends mapping h of ld whatever its state (live, or between unmap's two
// phases). ld's maptrack_lock held.
void force_unmap(Grant_env& env, Domain& ld, Grant_table& lt, uint32_t h)
{
    Maptrack_entry& e = *lt.map_entry(h);
    Env_domain rd(env, e.domid);
    if (rd && rd->grant != nullptr && e.ref < rd->grant->nr_entries()) {
        Grant_table& rt = *rd->grant;
        Lock_guard<Spinlock> g(rt.lock);
        Mfn frame = rt.active_entry(e.ref).mfn;
        uint32_t live = e.flags & kinds_mask;
        uint32_t pending = e.pending & kinds_mask;
        // A pending host kind's PTE is gone already, its references are
        // the entry's; a live one's are the PTE's if the PTE is still there.
        bool host_refs = (pending & GNTMAP_host_map) != 0;
        if (live & GNTMAP_host_map)
            host_refs = clear_host_mapping(env, ld, e.pte, e.flags, frame);
        env.flush_tlb(ld);
        uint32_t flags = (e.flags | e.pending) & (kinds_mask | GNTMAP_readonly);
        end_mapping(env, *rd, rt, e.ref, live | pending, flags, host_refs);
    }
    maptrack_put(lt, h);
}

void mark_dying(Grant_table& t)
{
    Lock_guard<Spinlock> g(t.lock);
    t.dying = true;
}

// Ends every mapping of ld for which 'match' holds.
template <typename Match> void force_unmap_all(Grant_env& env, Domain& ld, Match match)
{
    Grant_table& lt = *ld.grant;
    Lock_guard<Spinlock> mg(lt.maptrack_lock);
    for (uint32_t h = 0; h < lt.maptrack_limit && lt.maptrack_used != 0; ++h) {
        const Maptrack_entry& e = *lt.map_entry(h);
        if (in_use(e) && match(e))
            force_unmap(env, ld, lt, h);
    }
}

bool any_pinned(Grant_table& t)
{
    Lock_guard<Spinlock> g(t.lock);
    for (uint32_t p = 0; p < Grant_table::active_pages_for(t.nr_frames); ++p)
        for (uint32_t i = 0; i < Grant_table::active_per_page; ++i)
            if (t.active[p][i].pin != 0)
                return true;
    return false;
}

} // namespace

bool pins_drained(Domain& d)
{
    return d.grant == nullptr || !any_pinned(*d.grant);
}

void release_mappings(Grant_env& env, Domain& d)
{
    if (d.grant == nullptr)
        return;
    mark_dying(*d.grant);
    force_unmap_all(env, d, [](const Maptrack_entry&) { return true; });
}

void revoke_mappings(Grant_env& env, Domain& d)
{
    if (d.grant == nullptr)
        return;
    mark_dying(*d.grant);
    if (!any_pinned(*d.grant))
        return;
    for (uint32_t id = 0; id < max_domains; ++id) {
        Env_domain ld(env, static_cast<uint16_t>(id));
        if (ld && ld->grant != nullptr)
            force_unmap_all(env, *ld, [&d](const Maptrack_entry& e) { return e.domid == d.id; });
    }
}

void table_destroy(Grant_env& env, Domain& d)
{
    if (d.grant == nullptr)
        return;
    release_mappings(env, d);
    revoke_mappings(env, d);
    Grant_table* t = d.grant;
    Frame_space& fs = env.frames();
    for (uint32_t i = 0; i < t->nr_frames; ++i)
        unshare_frame(fs, d, t->shared[i].mfn);
    for (uint32_t i = 0; i < t->nr_status_frames; ++i)
        unshare_frame(fs, d, t->status[i].mfn);
    for (uint32_t p = 0; p < Grant_table::active_pages_for(t->nr_frames); ++p)
        env.free(t->active[p]);
    maptrack_free_pages(env, *t);
    env.free(t->shared);
    env.free(t->status);
    env.free(t->active);
    env.free(t->maptrack);
    // The table stays dying and empty in d.grant_storage for whoever read
    // the pointer before this and takes the lock after it.
    t->nr_frames = t->nr_status_frames = t->max_frames = 0;
    t->maptrack_limit = t->maptrack_used = 0;
    t->shared = t->status = nullptr;
    t->active = nullptr;
    t->maptrack = nullptr;
    __atomic_store_n(&d.grant, nullptr, __ATOMIC_RELEASE);
}

} // namespace grant
