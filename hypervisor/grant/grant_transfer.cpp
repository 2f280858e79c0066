// GNTTABOP_transfer (Xen's gnttab_transfer for a PV domain): the caller
// gives one of its frames to a domain that asked for one with a
// GTF_accept_transfer entry. The frame must hold nothing but its
// allocation reference (unmapped, untyped). Once taken from the caller it
// is never given back: any later failure frees it (Xen: "even if the
// transfer fails, the page no longer belongs to the calling domain unless
// the error is GNTST_bad_page").
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_ops.hpp"

namespace grant {
namespace {

constexpr int max_retries = 4;

// Marks <e, ref> committed for a transfer from 'from' (Xen's
// gnttab_prepare_for_transfer): the entry must be exactly an
// accept_transfer entry for 'from'. False on failure. t.lock held.
bool prepare(Grant_env& env, Grant_table& t, uint32_t ref, uint16_t from)
{
    if (ref >= t.nr_entries())
        return false;
    uint32_t* w = t.header(ref);
    uint32_t cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
    for (int retries = 0;; ++retries) {
        if (header_flags(cur) != GTF_accept_transfer || header_domid(cur) != from)
            return false;
        uint32_t seen = env.cmpxchg(w, cur, cur | GTF_transfer_committed);
        if (seen == cur)
            return true;
        if (retries == max_retries)
            return false;
        cur = seen;
    }
}

// Writes the frame into the committed entry and completes it: the guest
// reads the frame once GTF_transfer_completed is set. t.lock held.
void complete(Grant_env& env, Grant_table& t, uint32_t ref, Mfn m)
{
    uint32_t* frame = t.version == 1 ? t.v1_frame(ref) : t.v2_words(ref) + 2;
    // PV: the entry's frame is the pfn the receiver wants the frame at.
    env.set_m2p(m, __atomic_load_n(frame, __ATOMIC_RELAXED));
    __atomic_store_n(frame, raw(m), __ATOMIC_RELAXED);
    if (t.version == 2)
        __atomic_store_n(frame + 1, 0u, __ATOMIC_RELAXED);
    // Release order through the seq_cst RMW: the frame before the flag.
    env.set_bits(t.header(ref), GTF_transfer_completed);
}

} // namespace

int16_t transfer(Grant_env& env, Domain& caller, const gnttab_transfer& op)
{
    Mfn m{op.mfn};
    if (env.frames().page(m) == nullptr || !env.steal_page(caller, m))
        return GNTST_bad_page;
    {
        Lock_guard<Spinlock> g(caller.mm_lock);
        --caller.tot_pages;
    }
    env.flush_tlb(caller);
    // By id only (Xen: rcu_lock_domain_by_id).
    Env_domain e(env, op.domid);
    Grant_table* t = e ? __atomic_load_n(&e->grant, __ATOMIC_ACQUIRE) : nullptr;
    if (t == nullptr) {
        env.free_stolen(m);
        return GNTST_bad_domain;
    }
    {
        Lock_guard<Spinlock> g(e->mm_lock);
        if (e->tot_pages >= e->max_pages || e->tot_pages + 1 == 0) {
            env.free_stolen(m);
            return GNTST_general_error;
        }
        ++e->tot_pages; // reserved before the entry is committed
    }
    // Commit, hand over and complete in one hold of the receiver's table
    // lock, under which its teardown marks it dying: the frame is the
    // receiver's before its teardown begins, or it is refused.
    {
        Lock_guard<Spinlock> g(t->lock);
        if (!t->dying && prepare(env, *t, op.ref, caller.id)) {
            env.give_page(*e, m);
            complete(env, *t, op.ref, m);
            return GNTST_okay;
        }
        Lock_guard<Spinlock> mg(e->mm_lock);
        --e->tot_pages;
    }
    env.free_stolen(m);
    return GNTST_general_error;
}

} // namespace grant
