#include "hypervisor/sched/runq.hpp"

namespace sched {

void Runq::link_before(Sched_vcpu& v, Sched_vcpu* at)
{
    Sched_vcpu* prev = at ? at->rq_prev : tail_;
    v.rq_prev = prev;
    v.rq_next = at;
    (prev ? prev->rq_next : head_) = &v;
    (at ? at->rq_prev : tail_) = &v;
    v.queued = true;
    store(n_, n_ + 1);
}

void Runq::insert(Sched_vcpu& v)
{
    Prio p = v.prio();
    Sched_vcpu* at = head_;
    while (at && !higher(p, at->prio()))
        at = at->rq_next;
    if (v.yielding && at)
        at = at->rq_next;
    link_before(v, at);
}

void Runq::remove(Sched_vcpu& v)
{
    (v.rq_prev ? v.rq_prev->rq_next : head_) = v.rq_next;
    (v.rq_next ? v.rq_next->rq_prev : tail_) = v.rq_prev;
    v.rq_prev = v.rq_next = nullptr;
    v.queued = false;
    v.yielding = false;
    store(n_, n_ - 1);
}

void Runq::sort()
{
    // Deal the queue out into one list per priority, keeping the order
    // inside each, then put them back highest first.
    constexpr Prio order[] = {Prio::boost, Prio::under, Prio::over, Prio::idle};
    constexpr unsigned nr = sizeof order / sizeof order[0];
    Sched_vcpu* first[nr] = {};
    Sched_vcpu* last[nr] = {};
    for (Sched_vcpu* v = head_; v;) {
        Sched_vcpu* after = v->rq_next;
        unsigned b = 0;
        while (b + 1 < nr && higher(order[b], v->prio()))
            ++b;
        v->rq_next = nullptr;
        v->rq_prev = last[b];
        (last[b] ? last[b]->rq_next : first[b]) = v;
        last[b] = v;
        v = after;
    }
    head_ = tail_ = nullptr;
    for (unsigned b = 0; b < nr; ++b) {
        if (!first[b])
            continue;
        first[b]->rq_prev = tail_;
        (tail_ ? tail_->rq_next : head_) = first[b];
        tail_ = last[b];
    }
}

} // namespace sched
