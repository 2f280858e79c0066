// The credit scheduler's state of one vCPU and of one domain: plain structs
// the mechanism embeds in its Vcpu and Domain (or keeps beside them) and
// hands to Credit_scheduler; the scheduler never allocates them. 'owner'
// is the mechanism's object, opaque here. Which lock guards which field is
// written beside it; credit.hpp has the rules.
#pragma once
#include <cstdint>

#include "hypervisor/sched/sched_types.hpp"

namespace sched {

struct Sched_domain;

struct Sched_vcpu {
    void* owner = nullptr;
    Sched_domain* dom = nullptr;
    uint16_t id = 0; // vCPU id, for dumps

    // Guarded by the runqueue lock of 'cpu' (Credit_cpu::lock); changing
    // 'cpu' takes the old and the new CPU's lock. Other CPUs read 'cpu'
    // without a lock only to find which lock to take (Vcpu_lock re-checks).
    uint32_t cpu = 0;                    // the CPU whose runqueue owns it
    Cpu_mask affinity = Cpu_mask::all(); // hard affinity
    Sched_vcpu* rq_prev = nullptr;       // runqueue links
    Sched_vcpu* rq_next = nullptr;
    uint64_t start_time = 0;  // credit burnt up to here
    uint64_t consumed_ns = 0; // time run in total
    uint32_t residual = 0;    // credit burn remainder, credit*ns_per_ms units
    bool runnable = false;    // awake: neither blocked, paused nor down
    bool queued = false;      // on the runqueue of 'cpu'
    bool running = false;     // picked, and its context not yet saved
    bool yielding = false;    // SCHEDOP_yield until next picked
    bool moving = false;      // must leave 'cpu' (affinity) when saved
    bool removed = false;     // remove_vcpu was called

    // Written by accounting under the scheduler lock and by the owning CPU
    // under its runqueue lock; atomic (credit1 tolerates the race).
    int32_t credit = 0;
    int8_t pri = static_cast<int8_t>(Prio::under);
    bool parked = false; // capped out until credit >= 0

    // Guarded by the scheduler lock: membership of the domain's active list
    // (the vCPUs that earn credit each period).
    bool active = false;
    Sched_vcpu* act_prev = nullptr;
    Sched_vcpu* act_next = nullptr;

    Prio prio() const { return static_cast<Prio>(load(pri)); }
    void set_prio(Prio p) { store(pri, static_cast<int8_t>(p)); }
    int32_t credits() const { return load(credit); }
    bool is_parked() const { return load(parked); }
    unsigned cpu_hint() const { return load(cpu); }
};

struct Sched_domain {
    void* owner = nullptr;
    uint16_t id = 0; // domain id, for dumps

    // Guarded by the scheduler lock; read without it only by dumps.
    uint16_t weight = default_weight; // 1..65535
    uint16_t cap = 0;                 // percent of one CPU, 0 = none
    uint16_t nr_vcpus = 0;
    uint16_t nr_active = 0; // vCPUs on the active list
    Sched_vcpu* active_first = nullptr;
    bool active = false; // on the scheduler's active list
    Sched_domain* adom_prev = nullptr;
    Sched_domain* adom_next = nullptr;
};

} // namespace sched
