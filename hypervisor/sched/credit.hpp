// The credit scheduler's policy (Xen's credit1, xen/common/sched/credit.c),
// portable and host-tested. The mechanism (context switch, idle loop, IPIs,
// timers, runstates; arch code) calls it; it never reads a clock (every
// call that needs time takes 'now', nanoseconds of system time), never
// touches hardware and never allocates: the mechanism owns one Credit_cpu
// per physical CPU, one Sched_domain per domain and one Sched_vcpu per vCPU.
//
// Policy
// - Each domain has a weight (1..65535, default 256) and a cap (percent of
//   one CPU, 0 = none; 100 * nr_vcpus lets every vCPU run flat out).
// - Every accounting period (the timeslice, 30 ms by default) account()
//   hands out credit: 10 credits per ms per CPU, split among the *active*
//   domains in proportion to weight x active vCPUs, then evenly among a
//   domain's active vCPUs. A domain gets at most a full period per active
//   vCPU (more only while the system-wide balance is negative) and at most
//   its cap; what it cannot take goes to the domains after it.
// - The running vCPU burns 10 credits per ms it runs (at every tick and
//   every schedule). A vCPU becomes active (earns credit) when it is picked
//   to run or a tick finds it running; it stops earning (leaves the active
//   list, its credit halved) once its credit exceeds one period's worth,
//   and its credit never sinks below minus one period's worth at
//   accounting. (Xen activates only from the tick: a vCPU running in short
//   bursts then burns for seconds without earning, turns OVER on joining
//   and loses its boost; activating on pick keeps it UNDER while it uses
//   less than its share.)
// - Priorities, highest first: BOOST (woke from blocking while UNDER: I/O
//   latency; the first tick that finds it running takes it back to UNDER),
//   UNDER (credit >= 0), OVER (credit < 0), then idle. account() sets UNDER
//   or OVER from the credit; a vCPU keeps its priority between periods.
// - A capped domain's vCPU whose credit falls below minus its share of the
//   cap is parked at accounting: it stays queued but is never picked nor
//   stolen until an accounting period brings its credit back to >= 0.
// - Each runqueue is ordered by priority, first in first out within one.
//   schedule() puts the current vCPU back (behind its equals; a yielding
//   one also behind the first lower vCPU) and runs the first that may run,
//   for one timeslice. Rate limit (sched_ratelimit_us, 1 ms): a vCPU that
//   has run for less keeps the CPU, unless it yields or may not go on.
// - Load balancing: a CPU with nothing to run (always), or whose best is
//   OVER (at most once per ms), steals the first vCPU of strictly higher priority
//   from a busy peer's runqueue that is in its affinity, not running (its
//   context saved), not yielding and not parked. Peers are taken with
//   try_lock only. A CPU that leaves vCPUs waiting while others idle
//   (schedule, tick, context_saved) kicks one idle CPU that may take them.
// - Wake: the vCPU goes on its CPU's runqueue. The CPU to kick: its CPU if
//   idle; else an idle CPU in its affinity (the vCPU is moved there); else
//   its CPU if the vCPU outranks what runs there (preemption); else none.
//   (Credit1's order: an idle CPU is preferred to preempting a busy one.)
// - Hard affinity (a mask of up to 64 CPUs) is never broken: a vCPU is only
//   queued on, picked on, stolen to or moved to CPUs in its mask.
//
// Locks
// - Credit_cpu::lock, the runqueue lock of a CPU, guards its runqueue, its
//   'curr', and the scheduling state of every vCPU whose 'cpu' names it;
//   moving a vCPU to another CPU holds both CPUs' locks. The mechanism must
//   also guard its own runnable state of a vCPU (blocked, paused, down)
//   with it, so that wake/sleep and schedule() agree on who may run.
// - Credit_scheduler's own lock guards weights, caps, the active lists and
//   the system-wide credit; it is innermost: taken while a runqueue lock is
//   held, and no runqueue lock is taken while holding it.
// - Several runqueue locks are taken by CPU index, lower first
//   (Cpu_pair_lock); a CPU holding its own lock takes a lower-numbered one
//   only with try_lock (steals, wake moves), so no order is ever inverted.
// - Order: (mechanism's domain/event locks) -> runqueue locks by CPU index
//   -> the scheduler lock -> console (dump sinks).
//
// What the mechanism calls, when
// - At boot: set_tslice() (optional), then init_cpu() for each CPU as it
//   comes up (before any vCPU may run on it; the first before any
//   add_vcpu), init_domain() and add_vcpu() for each vCPU (it starts not
//   runnable), then wake() when it comes up.
// - Every call holds exactly the lock named here and no other runqueue
//   lock: the policy takes what else it needs in the documented order.
// - With Vcpu_lock(v) held (the lock of v's CPU): wake(v) when v becomes
//   runnable (unblocked, unpaused, brought up), sleep(v) when it stops
//   being runnable (blocks, is paused, goes down), yield(v) on
//   SCHEDOP_yield. Each returns CPUs to kick: send them the schedule IPI
//   (or raise the schedule softirq if it is this CPU).
// - With c.lock held, on CPU c: schedule(c, now) when c's timeslice timer
//   fires, when kicked, and when its current vCPU slept or yielded. Arm the
//   timeslice timer for Decision::run_ns (0: none, idle until kicked),
//   switch to Decision::next (nullptr: the idle loop), kick Decision::kick.
//   tick(c, now) every tick_period_ns() (10 ms) while c runs a vCPU (it may
//   stop while idle; restart it aligned when leaving idle).
// - Without any scheduler lock: context_saved(prev) once the state of the
//   vCPU switched away from (Decision::prev) is saved and another CPU may
//   load it, and before c schedules again; until then no CPU steals it (a
//   vCPU re-pinned while it ran moves to its new CPU here). account(now) every
//   account_period_ns() (30 ms) on master_cpu(). Kick what they return.
// - remove_vcpu(v) without any scheduler lock; the Sched_vcpu may be freed
//   once the result says so or, if it was running, after context_saved(v).
//   Free a Sched_domain only after all its vCPUs.
// - The policy keeps per-vCPU consumed time and per-CPU busy/idle time
//   (cpu_times); runstates and their guest-visible accounting stay with the
//   mechanism.
#pragma once
#include <cstdint>

#include "hypervisor/lib/spinlock.hpp"
#include "hypervisor/sched/runq.hpp"
#include "hypervisor/sched/sched_types.hpp"
#include "hypervisor/sched/sched_unit.hpp"

namespace sched {

struct Credit_cpu {
    Spinlock lock;
    // Guarded by 'lock'.
    Runq runq;
    Sched_vcpu* curr = nullptr; // what runs here; nullptr = idle. Read by peers as a hint.
    int8_t curr_pri = static_cast<int8_t>(Prio::idle); // its priority when last looked at; a hint
    unsigned id = 0;
    uint32_t sorted_epoch = 0; // the accounting epoch the runqueue was sorted for
    uint64_t curr_since = 0;   // when 'curr' was switched to (rate limit)
    uint64_t last_switch = 0;  // busy/idle time counted up to here
    uint64_t busy_ns = 0;
    uint64_t idle_ns = 0;
    uint64_t last_balance = 0; // last steal attempt while the best was OVER
    uint64_t ticks = 0;
    uint32_t steals = 0; // vCPUs this CPU took from peers
};

struct Decision {
    Sched_vcpu* next = nullptr; // run this; nullptr = idle
    uint64_t run_ns = 0;        // for at most this long; 0 = until kicked
    Sched_vcpu* prev = nullptr; // switched away from: context_saved(*prev) when saved
    bool migrated = false;      // 'next' was stolen from another CPU
    Cpu_mask kick;              // other CPUs to reschedule
};

struct Wake_result {
    Cpu_mask kick;        // CPUs to reschedule (at most one)
    bool preempt = false; // the kick is to preempt a running vCPU
};

struct Remove_result {
    Cpu_mask kick;         // the CPU the vCPU was running on
    bool freeable = false; // else only after context_saved()
};

struct Affinity_result {
    int rc = 0; // 0, or -XEN_EINVAL (no online CPU in the mask)
    Cpu_mask kick;
};

struct Cpu_times {
    uint64_t busy_ns = 0; // running vCPUs
    uint64_t idle_ns = 0;
};

// Receives one line of a dump (no newline); must not take scheduler locks.
using Dump_sink = void (*)(void* ctx, const char* line);

class Credit_scheduler {
public:
    constexpr Credit_scheduler() = default;
    Credit_scheduler(const Credit_scheduler&) = delete;
    Credit_scheduler& operator=(const Credit_scheduler&) = delete;

    // Xen's sched_credit_tslice_ms and sched_ratelimit_us (0 = no rate
    // limit), also the sysctl putinfo: -XEN_EINVAL out of range or when the
    // rate limit exceeds the timeslice. Takes the scheduler lock.
    [[nodiscard]] int set_tslice(uint32_t tslice_ms, uint32_t ratelimit_us);
    uint32_t tslice_ms() const { return load(tslice_ms_); }
    uint32_t ratelimit_us() const { return load(ratelimit_us_); }
    uint64_t tick_period_ns() const { return load(tick_ns_); }
    uint64_t account_period_ns() const { return tslice_ms() * ns_per_ms; }
    unsigned master_cpu() const { return load(master_); }
    int32_t credits_per_tslice() const
    {
        return static_cast<int32_t>(tslice_ms() * credits_per_msec);
    }

    // CPU 'cpu' (< max_cpus) comes online, idle. Takes the scheduler lock.
    void init_cpu(Credit_cpu& c, unsigned cpu_id, uint64_t now);
    Credit_cpu* cpu(unsigned i) const
    {
        return i < max_cpus ? __atomic_load_n(&cpus_[i], __ATOMIC_ACQUIRE) : nullptr;
    }
    Cpu_mask online() const { return online_.get(); }
    Cpu_mask idlers() const { return idlers_.get(); }

    static void init_domain(Sched_domain& d, void* owner, uint16_t domid);
    // v starts not runnable, on an online CPU of 'hard' (all of them when
    // none is online). Takes the scheduler lock.
    void add_vcpu(Sched_vcpu& v, Sched_domain& d, void* owner, uint16_t vcpu_id,
                  Cpu_mask hard = Cpu_mask::all());
    // Takes v's lock, then the scheduler lock.
    [[nodiscard]] Remove_result remove_vcpu(Sched_vcpu& v);

    // weight 1..65535, cap any (0 = none): else -XEN_EINVAL. Scheduler lock.
    [[nodiscard]] int set_params(Sched_domain& d, uint16_t weight, uint16_t cap);
    void get_params(const Sched_domain& d, uint16_t& weight, uint16_t& cap);
    // Takes the locks of v's old and new CPU itself.
    [[nodiscard]] Affinity_result set_affinity(Sched_vcpu& v, Cpu_mask hard);

    // Caller holds Vcpu_lock(v).
    [[nodiscard]] Wake_result wake(Sched_vcpu& v, uint64_t now);
    [[nodiscard]] Cpu_mask sleep(Sched_vcpu& v);
    [[nodiscard]] Cpu_mask yield(Sched_vcpu& v);

    // Caller holds c.lock and runs on c.
    [[nodiscard]] Decision schedule(Credit_cpu& c, uint64_t now);
    [[nodiscard]] Cpu_mask tick(Credit_cpu& c, uint64_t now);
    Cpu_times cpu_times(const Credit_cpu& c, uint64_t now) const;

    // No scheduler lock held.
    [[nodiscard]] Cpu_mask context_saved(Sched_vcpu& v);
    [[nodiscard]] Cpu_mask account(uint64_t now);

    // The debug shell's 'r': take c.lock / the scheduler lock themselves.
    void dump_cpu(Credit_cpu& c, uint64_t now, Dump_sink out, void* ctx);
    void dump_params(Dump_sink out, void* ctx);

    // Read-only views for tests and dumps (scheduler lock or quiescence).
    uint64_t total_weight() const { return weight_total_; }
    int32_t credit_balance() const { return balance_; }

private:
    friend class Vcpu_lock;

    // One accounting period's running totals (csched_acct's locals).
    struct Period {
        uint64_t credit_total = 0;
        uint64_t weight_total = 0;
        uint64_t weight_left = 0;
        bool xtra = false; // an earlier domain could use more
    };

    // credit.cpp
    void set_tslice_locked(uint32_t tslice_ms);
    unsigned pick_cpu(Cpu_mask hard, unsigned prefer) const;
    Cpu_mask rehome(Sched_vcpu& v);
    Cpu_mask stay(Sched_vcpu& v, Credit_cpu& c);
    Cpu_mask kick_for(Credit_cpu& c, const Sched_vcpu& v);
    void set_idle(unsigned cpu_id, bool idle);
    // Inline for the usual answer on a busy machine: no idle candidate.
    Cpu_mask claim_idler(Cpu_mask candidates)
    {
        Cpu_mask idle = candidates & idlers();
        return idle.empty() ? idle : claim_one_idler(idle);
    }
    Cpu_mask claim_one_idler(Cpu_mask idle);
    // credit_wake.cpp
    bool place_on_idler(Sched_vcpu& v, Credit_cpu& home, unsigned to);
    // credit_schedule.cpp
    bool may_run_here(const Sched_vcpu& v, const Credit_cpu& c) const;
    void count_time(Credit_cpu& c, uint64_t now);
    void sort_if_needed(Credit_cpu& c);
    Sched_vcpu* first_eligible(const Credit_cpu& c) const;
    void requeue_prev(Credit_cpu& c, Sched_vcpu& prev);
    bool keep_for_ratelimit(Credit_cpu& c, Sched_vcpu& prev, uint64_t now, Decision& d);
    Sched_vcpu* steal(Credit_cpu& c, Prio than);
    Sched_vcpu* steal_from(Credit_cpu& peer, Credit_cpu& c, Prio than);
    // Inline for the usual answer on a busy machine: no idle CPU to kick.
    Cpu_mask spread_kick(const Credit_cpu& c)
    {
        return idlers().without(c.id).empty() ? Cpu_mask{} : spread_to_idler(c);
    }
    Cpu_mask spread_to_idler(const Credit_cpu& c);
    void set_curr(Credit_cpu& c, Sched_vcpu* v);
    // credit_account.cpp
    void burn(Sched_vcpu& v, uint64_t now);
    void acct_start(Sched_vcpu& v);
    void acct_stop_locked(Sched_vcpu& v);
    int64_t account_domain(Sched_domain& d, Period& p, Cpu_mask& kick);
    int32_t account_vcpu(Sched_vcpu& v, uint32_t share, uint32_t vcpu_cap, Cpu_mask& kick);
    void move_domain_to_front(Sched_domain& d);
    Cpu_mask unpark_kick(const Sched_vcpu& v);

    Spinlock lock_;
    // Guarded by lock_ (written), read without it as noted.
    uint32_t tslice_ms_ = default_tslice_ms;                              // read racily
    uint32_t ratelimit_us_ = default_ratelimit_us;                        // read racily
    uint32_t tick_ns_ = default_tslice_ms * ns_per_ms / ticks_per_tslice; // read racily
    uint32_t credit_total_ = 0; // credits_per_tslice x online CPUs
    uint64_t weight_total_ = 0; // sum of weight over active vCPUs
    int32_t balance_ = 0;       // credit left in the system after the last period
    Sched_domain* active_first_ = nullptr;
    unsigned ncpus_ = 0;
    unsigned master_ = 0;       // read racily
    uint32_t sort_epoch_ = 0;   // bumped by account(); read racily
    unsigned balance_bias_ = 0; // where the next steal search starts (racy hint)
    unsigned tickle_bias_ = 0;  // where the next idler search starts (racy hint)

    Credit_cpu* cpus_[max_cpus] = {}; // set once per CPU by init_cpu
    Atomic_cpu_mask online_;
    Atomic_cpu_mask idlers_; // CPUs idle and not yet kicked
};

// Takes the runqueue lock of the CPU v belongs to, re-checking after the
// lock is taken that v did not move meanwhile (Xen's unit_schedule_lock).
class [[nodiscard]] Vcpu_lock {
public:
    // Inline: a wake-up, a block and a switch each take one.
    Vcpu_lock(Credit_scheduler& s, Sched_vcpu& v)
    {
        // v.cpu only changes with its old CPU's lock held, so once that
        // lock is ours and v.cpu still names it, v stays put until we let go.
        for (;;) {
            unsigned n = v.cpu_hint();
            Credit_cpu* c = s.cpu(n);
            c->lock.lock();
            if (v.cpu_hint() == n) {
                c_ = c;
                return;
            }
            c->lock.unlock();
        }
    }
    ~Vcpu_lock() { c_->lock.unlock(); }
    Vcpu_lock(const Vcpu_lock&) = delete;
    Vcpu_lock& operator=(const Vcpu_lock&) = delete;
    Credit_cpu& cpu() const { return *c_; }

private:
    Credit_cpu* c_;
};

// Two runqueue locks, the lower CPU index first (one when they are equal).
class [[nodiscard]] Cpu_pair_lock {
public:
    Cpu_pair_lock(Credit_cpu& a, Credit_cpu& b);
    ~Cpu_pair_lock();
    Cpu_pair_lock(const Cpu_pair_lock&) = delete;
    Cpu_pair_lock& operator=(const Cpu_pair_lock&) = delete;

private:
    Credit_cpu& lo_;
    Credit_cpu& hi_;
};

} // namespace sched
