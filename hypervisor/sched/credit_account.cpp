// Credit scheduler: burning credit as vCPUs run, the active lists, and the
// master accounting that hands out credit every period (credit1's
// burn_credits, __csched_unit_acct_start/stop, csched_acct).
#include "hypervisor/sched/credit.hpp"

namespace sched {

namespace {

uint64_t div_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

// One burn never takes more than this (about 100 s of running): a caller
// that forgot to tick for ages cannot wrap the credit round.
constexpr uint64_t max_burn = 1u << 20;

void credit_add(Sched_vcpu& v, int32_t delta)
{
    __atomic_fetch_add(&v.credit, delta, __ATOMIC_RELAXED);
}

} // namespace

void Credit_scheduler::burn(Sched_vcpu& v, uint64_t now)
{
    if (now <= v.start_time)
        return;
    uint64_t delta = now - v.start_time;
    v.consumed_ns += delta;
    v.start_time = now;
    // 10 credits per ms; the part of a credit not yet burnt carries over.
    uint64_t val = delta * credits_per_msec + v.residual;
    uint64_t burnt;
    if (val >> 32) {
        burnt = val / ns_per_ms;
        v.residual = static_cast<uint32_t>(val % ns_per_ms);
    } else {
        // The usual case, a run of under 429 ms: one 32-bit divide instead
        // of the 64-bit library division (i686 has no 64-bit divide).
        uint32_t small = static_cast<uint32_t>(val);
        burnt = small / static_cast<uint32_t>(ns_per_ms);
        v.residual = small % static_cast<uint32_t>(ns_per_ms);
    }
    credit_add(v, -static_cast<int32_t>(burnt < max_burn ? burnt : max_burn));
}

void Credit_scheduler::acct_start(Sched_vcpu& v)
{
    Lock_guard g(lock_);
    if (v.active || v.removed)
        return;
    Sched_domain& d = *v.dom;
    v.act_prev = nullptr;
    v.act_next = d.active_first;
    if (d.active_first)
        d.active_first->act_prev = &v;
    d.active_first = &v;
    store(v.active, true);
    ++d.nr_active;
    weight_total_ += d.weight;
    if (d.active)
        return;
    d.adom_prev = nullptr;
    d.adom_next = active_first_;
    if (active_first_)
        active_first_->adom_prev = &d;
    active_first_ = &d;
    d.active = true;
}

void Credit_scheduler::acct_stop_locked(Sched_vcpu& v)
{
    Sched_domain& d = *v.dom;
    (v.act_prev ? v.act_prev->act_next : d.active_first) = v.act_next;
    if (v.act_next)
        v.act_next->act_prev = v.act_prev;
    v.act_prev = v.act_next = nullptr;
    store(v.active, false);
    --d.nr_active;
    weight_total_ -= d.weight;
    if (d.nr_active)
        return;
    (d.adom_prev ? d.adom_prev->adom_next : active_first_) = d.adom_next;
    if (d.adom_next)
        d.adom_next->adom_prev = d.adom_prev;
    d.adom_prev = d.adom_next = nullptr;
    d.active = false;
}

void Credit_scheduler::move_domain_to_front(Sched_domain& d)
{
    if (active_first_ == &d)
        return;
    d.adom_prev->adom_next = d.adom_next;
    if (d.adom_next)
        d.adom_next->adom_prev = d.adom_prev;
    d.adom_prev = nullptr;
    d.adom_next = active_first_;
    active_first_->adom_prev = &d;
    active_first_ = &d;
}

Cpu_mask Credit_scheduler::account(uint64_t)
{
    Cpu_mask kick;
    Lock_guard g(lock_);
    Period p;
    p.credit_total = credit_total_;
    p.weight_total = weight_total_;
    p.weight_left = weight_total_;
    // A negative balance (credit handed out but not burnt, e.g. by capped
    // or idle vCPUs) is given back so the balance converges to 0.
    if (balance_ < 0)
        p.credit_total += static_cast<uint64_t>(-int64_t{balance_});
    if (p.weight_total == 0) {
        balance_ = 0;
        store(sort_epoch_, sort_epoch_ + 1);
        return kick;
    }
    int64_t balance = 0;
    for (Sched_domain* d = active_first_; d;) {
        Sched_domain* after = d->adom_next; // d may move to the front or leave
        balance += account_domain(*d, p, kick);
        d = after;
    }
    balance_ = static_cast<int32_t>(balance);
    // Priorities changed: every CPU re-sorts its runqueue once.
    store(sort_epoch_, sort_epoch_ + 1);
    return kick;
}

// A domain's share of this period, spread over its active vCPUs; returns
// the sum of their credit afterwards.
int64_t Credit_scheduler::account_domain(Sched_domain& d, Period& p, Cpu_mask& kick)
{
    uint64_t cpt = static_cast<uint64_t>(credits_per_tslice());
    uint64_t dw = uint64_t{d.weight} * d.nr_active;
    p.weight_left -= dw;
    // At most a full period per active vCPU, plus its part of a negative
    // balance, and never more than the cap.
    uint64_t peak = d.nr_active * cpt;
    if (balance_ < 0)
        peak += div_up(static_cast<uint64_t>(-int64_t{balance_}) * dw, p.weight_total);
    uint32_t vcpu_cap = 0;
    if (d.cap) {
        uint64_t dcap = div_up(uint64_t{d.cap} * cpt, 100);
        peak = dcap < peak ? dcap : peak;
        vcpu_cap = static_cast<uint32_t>(div_up(dcap, d.nr_active));
    }
    uint64_t fair = div_up(p.credit_total * dw, p.weight_total);
    if (fair < peak) {
        p.xtra = true;
    } else {
        // It cannot use all of its share: the rest goes to those after it,
        // and it moves to the front so others get the chance next time.
        if (p.weight_left)
            p.credit_total += div_up((fair - peak) * p.weight_total, p.weight_left);
        if (p.xtra)
            move_domain_to_front(d);
        fair = peak;
    }
    uint32_t share = static_cast<uint32_t>(div_up(fair, d.nr_active));
    int64_t sum = 0;
    for (Sched_vcpu* v = d.active_first; v;) {
        Sched_vcpu* after = v->act_next; // v may leave the active list
        sum += account_vcpu(*v, share, vcpu_cap, kick);
        v = after;
    }
    return sum;
}

int32_t Credit_scheduler::account_vcpu(Sched_vcpu& v, uint32_t share, uint32_t vcpu_cap,
                                       Cpu_mask& kick)
{
    int32_t cpt = credits_per_tslice();
    int32_t credit = __atomic_add_fetch(&v.credit, static_cast<int32_t>(share), __ATOMIC_RELAXED);
    if (credit < 0) {
        v.set_prio(Prio::over);
        // A capped domain out of credit: parked until it is back to 0.
        if (vcpu_cap && credit < -static_cast<int32_t>(vcpu_cap) && !v.is_parked()) {
            store(v.parked, true);
            Credit_cpu* c = cpu(v.cpu_hint());
            if (c && load(c->curr) == &v)
                kick |= Cpu_mask::of(c->id);
        }
        if (credit < -cpt) {
            credit_add(v, -cpt - credit);
            credit = -cpt;
        }
        return credit;
    }
    v.set_prio(Prio::under);
    if (v.is_parked()) {
        store(v.parked, false);
        kick |= unpark_kick(v);
    }
    // Enough in hand: it stops earning, and starts again a little ahead.
    if (credit > cpt) {
        acct_stop_locked(v);
        credit_add(v, credit / 2 - credit);
        credit /= 2;
    }
    return credit;
}

// Where an unparked vCPU (queued, never stolen while parked) can run now:
// its CPU if idle or running something lower, else an idle CPU, which
// will steal it (or whatever else it may). Read without the runqueue
// locks (its affinity neither), so only a hint.
Cpu_mask Credit_scheduler::unpark_kick(const Sched_vcpu& v)
{
    Credit_cpu* c = cpu(v.cpu_hint());
    if (!c)
        return {};
    if (!load(c->curr) || higher(v.prio(), static_cast<Prio>(load(c->curr_pri))))
        return Cpu_mask::of(c->id);
    return claim_idler(online().without(c->id));
}

} // namespace sched
