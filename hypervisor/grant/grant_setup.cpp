// GNTTABOP_setup_table, query_size, get_status_frames, get_version and
// swap_grant_ref (Xen's gnttab_setup_table, gnttab_query_size,
// gnttab_get_status_frames, gnttab_get_version, swap_grant_ref).
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace grant {
namespace {

// The domain 'dom' names (DOMID_SELF or an id, Xen's
// rcu_lock_domain_by_any_id), and whether the caller may act on it
// (XSM_TARGET with the default policy: itself, or any domain for a
// privileged caller). 0, -ESRCH or -EPERM. 't' is its table, read once: a
// teardown on another CPU may set d->grant to nullptr meanwhile (the
// table it read stays valid, emptied, in the held domain).
long target(Grant_env& env, Domain& caller, uint16_t dom, Env_domain& d, Grant_table*& t)
{
    d = Env_domain(env, caller, caller.id, dom, true);
    t = d ? __atomic_load_n(&d->grant, __ATOMIC_ACQUIRE) : nullptr;
    if (t == nullptr)
        return -XEN_ESRCH;
    if (d.get() != &caller && !caller.privileged)
        return -XEN_EPERM;
    return 0;
}

int16_t target_status(Grant_env& env, Domain& caller, uint16_t dom, Env_domain& d,
                      Grant_table*& t)
{
    long rc = target(env, caller, dom, d, t);
    return rc == -XEN_ESRCH ? GNTST_bad_domain : rc ? GNTST_permission_denied : GNTST_okay;
}

} // namespace

int16_t setup_table(Grant_env& env, Domain& caller, uint16_t dom, uint32_t nr_frames,
                    Frame_sink& out)
{
    Env_domain d;
    Grant_table* tp;
    if (int16_t rc = target_status(env, caller, dom, d, tp); rc != GNTST_okay)
        return rc;
    Grant_table& t = *tp;
    Lock_guard<Spinlock> g(t.lock);
    if (nr_frames > t.max_frames)
        return GNTST_general_error;
    bool short_status =
        t.version == 2 && Grant_table::status_frames_for(nr_frames) > t.nr_status_frames;
    if ((nr_frames > t.nr_frames || short_status) && !grow(env, t, nr_frames))
        return GNTST_general_error;
    for (uint32_t i = 0; i < nr_frames; ++i)
        if (!out.put(i, raw(t.shared[i].mfn)))
            return GNTST_bad_virt_addr;
    return GNTST_okay;
}

int16_t query_size(Grant_env& env, Domain& caller, uint16_t dom, uint32_t& nr_frames,
                   uint32_t& max_frames)
{
    Env_domain d;
    Grant_table* t;
    if (int16_t rc = target_status(env, caller, dom, d, t); rc != GNTST_okay)
        return rc;
    Lock_guard<Spinlock> g(t->lock);
    nr_frames = t->nr_frames;
    max_frames = t->max_frames;
    return GNTST_okay;
}

int16_t get_status_frames(Grant_env& env, Domain& caller, uint16_t dom, uint32_t nr_frames,
                          Frame_sink& out)
{
    Env_domain d;
    Grant_table* tp;
    if (int16_t rc = target_status(env, caller, dom, d, tp); rc != GNTST_okay)
        return rc;
    Grant_table& t = *tp;
    Lock_guard<Spinlock> g(t.lock);
    if (nr_frames > t.nr_status_frames)
        return GNTST_general_error;
    for (uint32_t i = 0; i < nr_frames; ++i)
        if (!out.put(i, raw(t.status[i].mfn)))
            return GNTST_bad_virt_addr;
    return GNTST_okay;
}

long get_version(Grant_env& env, Domain& caller, uint16_t dom, uint32_t& version)
{
    Env_domain d;
    Grant_table* t;
    if (long rc = target(env, caller, dom, d, t))
        return rc;
    Lock_guard<Spinlock> g(t->lock);
    version = t->version;
    return 0;
}

int16_t swap_refs(Grant_env&, Domain& caller, uint32_t ref_a, uint32_t ref_b)
{
    if (caller.grant == nullptr)
        return GNTST_general_error;
    Grant_table& t = *caller.grant;
    Lock_guard<Spinlock> g(t.lock);
    if (ref_a >= t.nr_entries() || ref_b >= t.nr_entries())
        return GNTST_bad_gntref;
    if (ref_a == ref_b)
        return GNTST_okay;
    if (t.active_entry(ref_a).pin != 0 || t.active_entry(ref_b).pin != 0)
        return GNTST_eagain;
    uint32_t words = t.version == 1 ? 2 : 4;
    uint32_t* a = t.header(ref_a);
    uint32_t* b = t.header(ref_b);
    for (uint32_t i = 0; i < words; ++i) {
        uint32_t x = a[i];
        a[i] = b[i];
        b[i] = x;
    }
    if (t.version == 2) {
        uint16_t* sa = t.status_word(ref_a);
        uint16_t* sb = t.status_word(ref_b);
        uint16_t x = *sa;
        *sa = *sb;
        *sb = x;
    }
    return GNTST_okay;
}

} // namespace grant
