// Credit scheduler: choosing what a CPU runs next, load balancing, the
// per-CPU tick (credit1's csched_schedule, csched_load_balance,
// csched_runq_steal, csched_tick, csched_runq_sort).
#include "hypervisor/sched/credit.hpp"

namespace sched {

bool Credit_scheduler::may_run_here(const Sched_vcpu& v, const Credit_cpu& c) const
{
    return v.runnable && !v.removed && !v.moving && !v.is_parked() && v.affinity.has(c.id);
}

void Credit_scheduler::count_time(Credit_cpu& c, uint64_t now)
{
    if (now <= c.last_switch)
        return;
    (c.curr ? c.busy_ns : c.idle_ns) += now - c.last_switch;
    c.last_switch = now;
}

Cpu_times Credit_scheduler::cpu_times(const Credit_cpu& c, uint64_t now) const
{
    Cpu_times t{c.busy_ns, c.idle_ns};
    if (now > c.last_switch)
        (c.curr ? t.busy_ns : t.idle_ns) += now - c.last_switch;
    return t;
}

void Credit_scheduler::sort_if_needed(Credit_cpu& c)
{
    uint32_t epoch = load(sort_epoch_);
    if (c.sorted_epoch == epoch)
        return;
    c.runq.sort();
    c.sorted_epoch = epoch;
}

Sched_vcpu* Credit_scheduler::first_eligible(const Credit_cpu& c) const
{
    // Anything queued here that is running is c's own previous vCPU.
    for (Sched_vcpu* v = c.runq.front(); v; v = Runq::next(*v))
        if (!v->is_parked() && v->affinity.has(c.id))
            return v;
    return nullptr;
}

void Credit_scheduler::requeue_prev(Credit_cpu& c, Sched_vcpu& prev)
{
    if (!prev.runnable || prev.removed || prev.queued)
        return;
    if (!prev.affinity.has(c.id)) {
        prev.moving = true; // re-homed by context_saved()
        return;
    }
    c.runq.insert(prev);
}

// The first vCPU of 'peer' (locked) that c may take: strictly better than
// c's best, allowed on c, not running, not yielding (it waits for a
// reason), not parked. Never from an idle peer: it is about to run it.
Sched_vcpu* Credit_scheduler::steal_from(Credit_cpu& peer, Credit_cpu& c, Prio than)
{
    if (peer.curr == nullptr)
        return nullptr;
    for (Sched_vcpu* v = peer.runq.front(); v; v = Runq::next(*v)) {
        if (!higher(v->prio(), than))
            break;
        if (v->running || v->yielding || v->is_parked() || !v->affinity.has(c.id))
            continue;
        peer.runq.remove(*v);
        store(v->cpu, c.id); // both CPUs' locks held
        return v;
    }
    return nullptr;
}

Sched_vcpu* Credit_scheduler::steal(Credit_cpu& c, Prio than)
{
    Cpu_mask peers = online().without(c.id);
    unsigned first = peers.cycle(load(balance_bias_) % max_cpus);
    if (first == max_cpus)
        return nullptr;
    unsigned p = first;
    do {
        Credit_cpu* peer = cpu(p);
        // Cheap looks first; only try_lock: the peer may be balancing
        // towards us with its own lock held.
        if (peer && load(peer->curr) && peer->runq.size() && peer->lock.try_lock()) {
            Sched_vcpu* v = steal_from(*peer, c, than);
            peer->lock.unlock();
            if (v) {
                store(balance_bias_, p);
                ++c.steals;
                return v;
            }
        }
        p = peers.cycle(p);
    } while (p != first);
    return nullptr;
}

// One idle CPU that could take something waiting here, claimed.
Cpu_mask Credit_scheduler::spread_to_idler(const Credit_cpu& c)
{
    Cpu_mask want;
    for (Sched_vcpu* v = c.runq.front(); v; v = Runq::next(*v))
        if (!v->running && !v->yielding && !v->is_parked())
            want |= v->affinity;
    want = want.without(c.id);
    return want.empty() ? want : claim_idler(want);
}

void Credit_scheduler::set_curr(Credit_cpu& c, Sched_vcpu* v)
{
    store(c.curr, v);
    store(c.curr_pri, static_cast<int8_t>(v ? v->prio() : Prio::idle));
}

Decision Credit_scheduler::schedule(Credit_cpu& c, uint64_t now)
{
    Decision d;
    Sched_vcpu* prev = c.curr;
    count_time(c, now);
    if (prev)
        burn(*prev, now);
    sort_if_needed(c);
    // A vCPU that blocked or went down is never kept: no need to ask.
    if (prev && prev->runnable && keep_for_ratelimit(c, *prev, now, d))
        return d;
    if (prev)
        requeue_prev(c, *prev);

    Sched_vcpu* next = first_eligible(c);
    Prio best = next ? next->prio() : Prio::idle;
    bool over = best == Prio::over && now - c.last_balance > balance_ratelimit_ns;
    if (best == Prio::idle || over) {
        if (over)
            c.last_balance = now;
        if (Sched_vcpu* s = steal(c, best)) {
            next = s;
            d.migrated = true;
        }
    }
    if (next && next->queued)
        c.runq.remove(*next);

    if (next != prev) {
        c.curr_since = now;
        d.prev = prev;
    }
    set_curr(c, next);
    if (next) {
        next->running = true;
        next->start_time = now;
        if (!load(next->active))
            acct_start(*next);
    }
    set_idle(c.id, next == nullptr);
    d.next = next;
    d.run_ns = next ? account_period_ns() : 0;
    d.kick = spread_kick(c);
    return d;
}

// Rate limit (csched_schedule): a vCPU that may go on and has run for less
// than the limit keeps the CPU for the rest of it, never under 100 us.
bool Credit_scheduler::keep_for_ratelimit(Credit_cpu& c, Sched_vcpu& prev, uint64_t now,
                                          Decision& d)
{
    uint64_t limit = uint64_t{ratelimit_us()} * 1000;
    uint64_t ran = now - c.curr_since;
    if (!limit || prev.yielding || !may_run_here(prev, c) || ran >= limit)
        return false;
    d.next = &prev;
    d.run_ns = limit - ran < min_timer_ns ? min_timer_ns : limit - ran;
    prev.start_time = now;
    return true;
}

Cpu_mask Credit_scheduler::tick(Credit_cpu& c, uint64_t now)
{
    ++c.ticks;
    if (Sched_vcpu* v = c.curr; v && !v->removed) {
        // Found running at a tick: it uses real CPU, so no more boost, and
        // it takes part in the accounting.
        if (v->prio() == Prio::boost)
            v->set_prio(Prio::under);
        burn(*v, now);
        if (!load(v->active))
            acct_start(*v);
        store(c.curr_pri, static_cast<int8_t>(v->prio()));
    }
    sort_if_needed(c);
    return spread_kick(c);
}

} // namespace sched
