// Scheduling, the mechanism's portable half (Xen's common/sched/core.c):
// why a vCPU may or may not run, the transitions between the two that the
// credit policy (credit.hpp) is told of, blocking, polling, pausing,
// yielding, runstates, and each CPU's decision of what to run next with
// its timeslice, tick and accounting timers. The arch half
// (arch/x86_32/include/context_switch.hpp) saves and loads vCPU state and
// runs the idle loop.
//
// A vCPU is runnable when it is up, not blocked and not paused
// (vcpu_runnable). Every change of those goes through this file, under the
// runqueue lock of the vCPU's CPU, so that the policy and the CPUs agree
// on who may run and no wake-up is lost against a concurrent schedule().
//
// Locks: callers may hold domain, event-channel and grant locks; this file
// takes runqueue locks (and through the policy the scheduler's lock), then
// timer queue locks, never the other way round.
#pragma once
#include <cstdint>

#include "hypervisor/domain/vcpu.hpp"
#include "hypervisor/sched/credit.hpp"
#include "public/vcpu.h"

struct Domain;
struct Vcpu;

namespace sched {

Credit_scheduler& policy();

// Boot, on CPU 'cpu' before it runs anything: its runqueue and timers.
void init_cpu(unsigned cpu);

} // namespace sched

// A new domain (weight and cap at their defaults) and each new vCPU (not
// runnable: down; placed by the policy on an online CPU, its timers
// there). The boot CPU's init_cpu comes first.
void sched_domain_init(Domain& d);
void sched_vcpu_init(Vcpu& v);
// Teardown: v is down or paused and not running anywhere (is_running
// false); it leaves the policy and its timers are killed.
void sched_vcpu_destroy(Vcpu& v);

inline bool vcpu_runnable(const Vcpu& v) { return v.up && !v.blocked && v.pause_count == 0; }

// VCPUOP_up / VCPUOP_down and the builder's first start.
void vcpu_set_up(Vcpu& v, bool up);

// Pausing (nests). The vCPU stops at its CPU's next exit to the hypervisor;
// vcpu_quiet() tells when its state is saved. A domain's pause is its
// vCPUs' and d.pause_count (reported as paused).
void vcpu_pause(Vcpu& v);
void vcpu_unpause(Vcpu& v);
void domain_pause(Domain& d);
void domain_unpause(Domain& d);
// No vCPU of d has its registers loaded on a CPU.
bool domain_quiet(const Domain& d);
// domain_pause, then waits until d is quiet (Xen's synchronous pause); d
// must not be the caller's domain.
void domain_pause_sync(Domain& d);

// vcpu_pause, then waits until v's state is saved; v must not be the caller.
void vcpu_pause_sync(Vcpu& v);

// The CPUs the policy returned: each reschedules (IPI, or this CPU's
// softirq). Inline for the usual answer, nobody: no call then.
void sched_kick_cpus(sched::Cpu_mask m);
inline void sched_kick(sched::Cpu_mask m)
{
    if (!m.empty())
        sched_kick_cpus(m);
}

// XEN_DOMCTL_{set,get}vcpuaffinity: v's hard affinity (bits beyond
// sched::max_cpus ignored). -EINVAL when no online CPU is in it.
[[nodiscard]] int vcpu_set_hard_affinity(Vcpu& v, sched::Cpu_mask hard);
sched::Cpu_mask vcpu_hard_affinity(Vcpu& v);
// The CPUs the scheduler runs guests on.
sched::Cpu_mask sched_online_cpus();

// SCHEDOP_block and HLT: the vCPU (the caller) waits for an event with
// delivery enabled; it returns at once when one is pending already.
void vcpu_block(Vcpu& v);
// SCHEDOP_poll, after the ports were checked: waits for 'port' (0: any
// port of the domain) or an upcall, until 'timeout' (system time; 0 =
// none). 'still_idle' is re-checked once the vCPU is marked polling, so an
// event raised meanwhile ends the wait.
void vcpu_poll(Vcpu& v, uint32_t port, uint64_t timeout, bool (*still_idle)(Vcpu& v, void* ctx),
               void* ctx);
// The poll timer fired at 'now': ends the poll whose timeout has passed,
// not a later poll that re-armed the timer meanwhile.
void vcpu_poll_timeout(Vcpu& v, uint64_t now);
// Ends a block or poll.
void vcpu_unblock(Vcpu& v);
// The event core's hook: v has an upcall pending now. A blocked v wakes;
// a v running on another CPU is interrupted so that it sees it.
void vcpu_kick(Vcpu& v);
// Port 'port' of d became pending (masked or not): its pollers wake.
void sched_port_raised(Domain& d, uint32_t port);
// SCHEDOP_yield.
void vcpu_yield(Vcpu& v);

// What CPU 'cpu' runs next, given what it runs now ('prev', nullptr when
// idle); with interrupts off on that CPU. When next differs from prev the
// caller saves prev, loads next and then calls sched_switched(prev).
struct Sched_pick {
    Vcpu* next = nullptr;
    bool switched = false;
    // The clock reading the decision was made at (system time and the TSC
    // value it came from): the switch stamps next's time record with it.
    uint64_t now = 0, tsc = 0;
};
Sched_pick sched_pick(unsigned cpu, Vcpu* prev);
// prev's state is saved: another CPU may load it now.
void sched_switched(Vcpu* prev);

// The guest-visible runstate of v now (the registered area's content).
vcpu_runstate_info_t runstate_snapshot(const Vcpu& v);
// Writes v's registered runstate area (the current address space must be
// v's); false when it cannot be written.
// Not inlined into the switch, which flattens load_vcpu.
[[gnu::noinline]] bool runstate_write_guest(Vcpu& v);
