// Credit scheduler: a vCPU becomes runnable, stops being runnable, yields,
// or has its context saved after a switch (credit1's csched_unit_wake,
// __runq_tickle, csched_unit_sleep, csched_unit_yield; Xen's
// sched_context_switched / vcpu_migrate_finish for the hand-over).
#include "hypervisor/sched/credit.hpp"

namespace sched {

Wake_result Credit_scheduler::wake(Sched_vcpu& v, uint64_t)
{
    Wake_result r;
    if (v.removed || v.runnable)
        return r;
    v.runnable = true;
    Credit_cpu& c = *cpu(v.cpu);
    // Still running here (schedule() keeps it), or on its way to another
    // CPU once its context is saved: nothing to queue now.
    if (c.curr == &v || v.moving)
        return r;
    // Boost for wake-to-run latency, but not a capped vCPU out of credit.
    if (v.prio() == Prio::under && !v.is_parked())
        v.set_prio(Prio::boost);
    if (c.curr == nullptr) {
        c.runq.insert(v);
        r.kick = kick_for(c, v);
        return r;
    }
    // Its CPU is busy: an idle CPU in its affinity rather than preempting
    // (unless its context is still being saved here, then it stays).
    if (!v.running && !v.is_parked()) {
        Cpu_mask idler = claim_idler(v.affinity.without(c.id));
        if (!idler.empty()) {
            if (!place_on_idler(v, c, idler.first()))
                c.runq.insert(v); // the idler steals it from here
            r.kick = idler;
            return r;
        }
    }
    c.runq.insert(v);
    r.kick = kick_for(c, v);
    r.preempt = !r.kick.empty();
    return r;
}

// Moves v (runnable, on no runqueue) from 'home', whose lock is held, to
// the idle CPU 'to'. Blocking on a higher CPU's lock keeps the order; a
// lower one is only tried. False when it could not be had.
bool Credit_scheduler::place_on_idler(Sched_vcpu& v, Credit_cpu& home, unsigned to)
{
    Credit_cpu& b = *cpu(to);
    if (to > home.id)
        b.lock.lock();
    else if (!b.lock.try_lock())
        return false;
    store(v.cpu, to);
    b.runq.insert(v);
    b.lock.unlock();
    return true;
}

Cpu_mask Credit_scheduler::sleep(Sched_vcpu& v)
{
    if (!v.runnable)
        return {};
    v.runnable = false;
    Credit_cpu& c = *cpu(v.cpu);
    if (v.queued)
        c.runq.remove(v);
    return c.curr == &v ? Cpu_mask::of(c.id) : Cpu_mask{};
}

Cpu_mask Credit_scheduler::yield(Sched_vcpu& v)
{
    Credit_cpu& c = *cpu(v.cpu);
    if (c.curr != &v)
        return {};
    v.yielding = true;
    return Cpu_mask::of(c.id);
}

Cpu_mask Credit_scheduler::context_saved(Sched_vcpu& v)
{
    Cpu_mask kick;
    {
        Vcpu_lock l(*this, v);
        Credit_cpu& c = l.cpu();
        if (c.curr == &v)
            return kick; // picked again before the mechanism got here
        v.running = false;
        if (v.removed)
            return kick; // the mechanism may free it now
        if (!v.moving) {
            // Now that it can move, an idle CPU may take it off c.
            if (v.queued && !v.is_parked() && !v.yielding)
                kick = claim_idler(v.affinity.without(c.id));
            return kick;
        }
    }
    return rehome(v);
}

} // namespace sched
