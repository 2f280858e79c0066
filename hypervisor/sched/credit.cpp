// Credit scheduler: set-up, parameters, affinity, and the lock helpers.
// The policy's essay and the lock rules are in credit.hpp.
#include "hypervisor/sched/credit.hpp"

#include "hypervisor/lib/xen_errno.hpp"

namespace sched {

Cpu_pair_lock::Cpu_pair_lock(Credit_cpu& a, Credit_cpu& b)
    : lo_(a.id <= b.id ? a : b), hi_(a.id <= b.id ? b : a)
{
    lo_.lock.lock();
    if (&hi_ != &lo_)
        hi_.lock.lock();
}

Cpu_pair_lock::~Cpu_pair_lock()
{
    if (&hi_ != &lo_)
        hi_.lock.unlock();
    lo_.lock.unlock();
}

int Credit_scheduler::set_tslice(uint32_t tslice_ms, uint32_t ratelimit_us)
{
    if (tslice_ms < tslice_min_ms || tslice_ms > tslice_max_ms)
        return -XEN_EINVAL;
    if (ratelimit_us && (ratelimit_us < ratelimit_min_us || ratelimit_us > ratelimit_max_us))
        return -XEN_EINVAL;
    if (uint64_t{ratelimit_us} * 1000 > uint64_t{tslice_ms} * ns_per_ms)
        return -XEN_EINVAL;
    Lock_guard g(lock_);
    set_tslice_locked(tslice_ms);
    store(ratelimit_us_, ratelimit_us);
    return 0;
}

void Credit_scheduler::set_tslice_locked(uint32_t tslice_ms)
{
    // Xen's __csched_set_tslice: three ticks per slice, one below 3 ms.
    uint32_t ticks = tslice_ms < ticks_per_tslice ? 1 : ticks_per_tslice;
    store(tslice_ms_, tslice_ms);
    store(tick_ns_, static_cast<uint32_t>(uint64_t{tslice_ms} * ns_per_ms / ticks));
    credit_total_ = static_cast<uint32_t>(credits_per_tslice()) * ncpus_;
}

void Credit_scheduler::init_cpu(Credit_cpu& c, unsigned cpu_id, uint64_t now)
{
    c.id = cpu_id;
    c.curr = nullptr;
    c.curr_since = c.last_switch = c.last_balance = now;
    c.sorted_epoch = load(sort_epoch_);
    Lock_guard g(lock_);
    if (ncpus_++ == 0)
        store(master_, cpu_id);
    credit_total_ += static_cast<uint32_t>(credits_per_tslice());
    // Release: a CPU that finds the pointer sees the initialised struct.
    __atomic_store_n(&cpus_[cpu_id], &c, __ATOMIC_RELEASE);
    online_.set(cpu_id);
    set_idle(cpu_id, true);
}

void Credit_scheduler::init_domain(Sched_domain& d, void* owner, uint16_t domid)
{
    d = Sched_domain{};
    d.owner = owner;
    d.id = domid;
}

void Credit_scheduler::add_vcpu(Sched_vcpu& v, Sched_domain& d, void* owner, uint16_t vcpu_id,
                                Cpu_mask hard)
{
    v = Sched_vcpu{};
    v.owner = owner;
    v.dom = &d;
    v.id = vcpu_id;
    v.affinity = (hard & online()).empty() ? Cpu_mask::all() : hard;
    v.cpu = pick_cpu(v.affinity, load(tickle_bias_));
    Lock_guard g(lock_);
    ++d.nr_vcpus;
}

Remove_result Credit_scheduler::remove_vcpu(Sched_vcpu& v)
{
    Remove_result r;
    {
        Vcpu_lock l(*this, v);
        Credit_cpu& c = l.cpu();
        v.removed = true;
        v.runnable = false;
        v.moving = false;
        if (v.queued)
            c.runq.remove(v);
        if (c.curr == &v)
            r.kick = Cpu_mask::of(c.id);
        r.freeable = !v.running;
    }
    Lock_guard g(lock_);
    if (v.active)
        acct_stop_locked(v);
    --v.dom->nr_vcpus;
    return r;
}

int Credit_scheduler::set_params(Sched_domain& d, uint16_t weight, uint16_t cap)
{
    if (weight == 0)
        return -XEN_EINVAL;
    Lock_guard g(lock_);
    // The active vCPUs carry the weight in the total (csched_dom_cntl).
    weight_total_ -= uint64_t{d.weight} * d.nr_active;
    weight_total_ += uint64_t{weight} * d.nr_active;
    d.weight = weight;
    d.cap = cap;
    return 0;
}

void Credit_scheduler::get_params(const Sched_domain& d, uint16_t& weight, uint16_t& cap)
{
    Lock_guard g(lock_);
    weight = d.weight;
    cap = d.cap;
}

Affinity_result Credit_scheduler::set_affinity(Sched_vcpu& v, Cpu_mask hard)
{
    Affinity_result r;
    if ((hard & online()).empty()) {
        r.rc = -XEN_EINVAL;
        return r;
    }
    {
        Vcpu_lock l(*this, v);
        Credit_cpu& c = l.cpu();
        v.affinity = hard;
        if (v.removed)
            return r;
        if (hard.has(c.id)) {
            r.kick = stay(v, c); // allowed here (again)
            return r;
        }
        // Not allowed here any more. Off the runqueue at once so c cannot
        // pick it; a running one leaves once its context is saved.
        if (v.queued)
            c.runq.remove(v);
        if (v.running) {
            v.moving = true;
            if (c.curr == &v)
                r.kick = Cpu_mask::of(c.id);
            return r;
        }
    }
    r.kick = rehome(v);
    return r;
}

// An online CPU of 'hard' for v: an idle one if any (prefer 'prefer'),
// else 'prefer' when allowed, else the next allowed after it.
unsigned Credit_scheduler::pick_cpu(Cpu_mask hard, unsigned prefer) const
{
    Cpu_mask allowed = hard & online();
    if (allowed.empty())
        allowed = online();
    if (allowed.empty())
        return 0;
    Cpu_mask idle = allowed & idlers();
    if (idle.has(prefer))
        return prefer;
    if (!idle.empty())
        return idle.cycle(prefer % max_cpus);
    return allowed.has(prefer) ? prefer : allowed.cycle(prefer % max_cpus);
}

// Moves a vCPU that may not stay on its CPU (and is not running) to one
// in its affinity, both locks taken in order; queues it there if runnable.
Cpu_mask Credit_scheduler::rehome(Sched_vcpu& v)
{
    for (;;) {
        unsigned from, to;
        {
            Vcpu_lock l(*this, v);
            from = l.cpu().id;
            to = pick_cpu(v.affinity, from);
        }
        Credit_cpu& a = *cpu(from);
        Credit_cpu& b = *cpu(to);
        Cpu_pair_lock pl(a, b);
        if (v.cpu != from || !v.affinity.has(to))
            continue; // moved or re-pinned meanwhile: choose again
        if (v.removed || v.running)
            return {}; // gone, or running again (leaves when saved)
        if (v.affinity.has(from))
            return stay(v, a); // re-pinned to where it is meanwhile
        if (v.queued)
            a.runq.remove(v);
        v.moving = false;
        store(v.cpu, to);
        if (!v.runnable)
            return {};
        b.runq.insert(v);
        return kick_for(b, v);
    }
}

// v, on c (locked), may stay there after all: if it was about to leave,
// it is queued here again unless it still runs here.
Cpu_mask Credit_scheduler::stay(Sched_vcpu& v, Credit_cpu& c)
{
    if (!v.moving)
        return {};
    v.moving = false;
    if (!v.runnable || v.queued || c.curr == &v)
        return {};
    c.runq.insert(v);
    return kick_for(c, v);
}

// The CPU to kick after queueing v on c (c's lock held): c when idle or
// when v outranks what runs there.
Cpu_mask Credit_scheduler::kick_for(Credit_cpu& c, const Sched_vcpu& v)
{
    if (v.is_parked())
        return {};
    if (c.curr == nullptr) {
        set_idle(c.id, false);
        return Cpu_mask::of(c.id);
    }
    return higher(v.prio(), c.curr->prio()) ? Cpu_mask::of(c.id) : Cpu_mask{};
}

void Credit_scheduler::set_idle(unsigned cpu_id, bool idle)
{
    if (idle)
        idlers_.set(cpu_id);
    else
        idlers_.clear(cpu_id);
}

// Takes one idle CPU out of the idlers, so two wakers do not both send
// their vCPU to the same one (Xen clears tickled CPUs from prv->idlers).
Cpu_mask Credit_scheduler::claim_one_idler(Cpu_mask idle)
{
    while (!idle.empty()) {
        unsigned n = idle.cycle(load(tickle_bias_) % max_cpus);
        if (idlers_.clear(n)) {
            store(tickle_bias_, n);
            return Cpu_mask::of(n);
        }
        idle = idle.without(n);
    }
    return {};
}

} // namespace sched
