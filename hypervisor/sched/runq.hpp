// One CPU's runqueue: the runnable vCPUs waiting for it, highest priority
// first and first-in first-out within a priority (credit1's __runq_insert).
// Intrusive (Sched_vcpu::rq_prev/rq_next), no allocation. The caller holds
// the owning Credit_cpu's lock for every call.
#pragma once
#include <cstdint>

#include "hypervisor/sched/sched_unit.hpp"

namespace sched {

class Runq {
public:
    constexpr Runq() = default;
    Runq(const Runq&) = delete;
    Runq& operator=(const Runq&) = delete;

    // Behind every vCPU of the same or higher priority. A yielding vCPU
    // goes one further, behind the first lower-priority one if any, so a
    // yield lets even an OVER vCPU run (credit1; the next sort brings it
    // back within a period).
    void insert(Sched_vcpu& v);
    void remove(Sched_vcpu& v);

    // Priorities change under the runqueue's feet (accounting runs on
    // another CPU): re-order stably by priority. O(n).
    void sort();

    Sched_vcpu* front() const { return head_; }
    static Sched_vcpu* next(const Sched_vcpu& v) { return v.rq_next; }
    bool empty() const { return head_ == nullptr; }
    // Read by other CPUs without the lock as a hint (load balancing).
    unsigned size() const { return load(n_); }

private:
    void link_before(Sched_vcpu& v, Sched_vcpu* at);
    void append(Sched_vcpu& v) { link_before(v, nullptr); }

    Sched_vcpu* head_ = nullptr;
    Sched_vcpu* tail_ = nullptr;
    unsigned n_ = 0;
};

} // namespace sched
