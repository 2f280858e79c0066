// What the reference audit (hypervisor/mm/audit/page_audit.hpp) must know of a
// domain's grants: references held outside page tables, and the foreign
// frames its page tables may map because it mapped their grants.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_ops.hpp"

namespace grant {
namespace {

constexpr uint32_t kinds_mask = GNTMAP_host_map | GNTMAP_device_map;

// The granter's active entry behind mapping e, or nullptr.
const Active_entry* granted_entry(Grant_env& env, const Maptrack_entry& e)
{
    Env_domain rd(env, e.domid);
    if (!rd || rd->grant == nullptr || e.ref >= rd->grant->nr_entries())
        return nullptr;
    // The audit runs with every domain quiet: the entry outlives the hold.
    return &rd->grant->active_entry(e.ref);
}

} // namespace

uint32_t external_refs(Grant_env& env, const Domain& d, External_ref* out, uint32_t max)
{
    const Grant_table* t = d.grant;
    if (t == nullptr)
        return 0;
    uint32_t n = 0;
    auto add = [&](Mfn m, uint32_t general, uint32_t type) {
        if (n < max)
            out[n] = External_ref{m, general, type};
        ++n;
    };
    for (uint32_t i = 0; i < t->nr_frames; ++i)
        add(t->shared[i].mfn, 1, 1);
    for (uint32_t i = 0; i < t->nr_status_frames; ++i)
        add(t->status[i].mfn, 1, 1);
    // Device mappings' references, and those of mappings between unmap's
    // two phases, are held outside any page table.
    for (uint32_t h = 0; h < t->maptrack_limit; ++h) {
        const Maptrack_entry& e = *t->map_entry(h);
        uint32_t held = (e.flags & GNTMAP_device_map) | (e.pending & kinds_mask);
        const Active_entry* act = held ? granted_entry(env, e) : nullptr;
        if (act == nullptr)
            continue;
        uint32_t refs =
            ((held & GNTMAP_device_map) ? 1u : 0u) + ((held & GNTMAP_host_map) ? 1u : 0u);
        bool ro = ((e.flags | e.pending) & GNTMAP_readonly) != 0;
        add(act->mfn, refs, ro ? 0 : refs);
    }
    return n;
}

uint32_t granted_frames(Grant_env& env, const Domain& d, Granted_frame* out, uint32_t max)
{
    const Grant_table* t = d.grant;
    if (t == nullptr)
        return 0;
    uint32_t n = 0;
    for (uint32_t h = 0; h < t->maptrack_limit; ++h) {
        const Maptrack_entry& e = *t->map_entry(h);
        const Active_entry* act = (e.flags & GNTMAP_host_map) ? granted_entry(env, e) : nullptr;
        if (act == nullptr)
            continue;
        if (n < max)
            out[n] = Granted_frame{d.id, act->mfn};
        ++n;
    }
    return n;
}

} // namespace grant
