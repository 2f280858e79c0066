// Guest time: the shared_info wall clock, each vCPU's vcpu_time_info, and
// the timers, kept in one locked Timer_queue per CPU and driven by that
// CPU's APIC one-shot timer: the vCPUs' (an expired singleshot or periodic
// timer raises VIRQ_TIMER on its vCPU, a poll timeout wakes it) and the
// scheduler's. A vCPU's timers live on the queue of the CPU it runs on and
// move with it.
#pragma once
#include <cstdint>

#include "hypervisor/event/timer_queue.hpp"

struct Domain;
struct Vcpu;

namespace arch {

// Boot CPU, after timer_init() and apic_irq_init(): reads the RTC for the
// wall clock and takes over the APIC timer callback.
void vtime_init();

// A new domain's wall clock and its vCPUs' time records (after its
// shared_info and vcpu_info pointers are set).
void vtime_domain_init(Domain& d);

// d's shared_info wall clock rewritten from the machine's and d's offset
// (Xen's update_domain_wallclock_time). Also when vCPU 0 gets its first
// context: a domain builder clears shared_info (libxc does) after
// createdomain wrote it, and Xen's arch_set_info_guest writes it again.
void vtime_write_wallclock(Domain& d);

// XENPF_settime: the wall clock read secs.nsecs when system time was
// 'system_time'; every domain's shared_info wall clock is rewritten
// (wc_version protocol).
void vtime_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time);

// XEN_DOMCTL_settimeoffset: d's wall clock runs 'seconds' ahead of the
// machine's from now on (rewritten at once, wc_version protocol).
void vtime_set_offset(Domain& d, int64_t seconds);

// Versioned update of v's vcpu_time_info to "now" (public/xen.h protocol:
// version odd while the fields change).
void update_vcpu_time(Vcpu& v);
// The same with a reading taken a moment ago (a switch stamps the vCPU it
// loads with the reading its scheduling decision was made at): any TSC
// value and the system time it converts to make a valid record.
void update_vcpu_time_at(Vcpu& v, uint64_t tsc, uint64_t system_ns);

// Xen's NOW(): system time in ns, as the guests see it.
uint64_t system_time_ns();
// NOW() and the TSC value it was converted from.
uint64_t system_time_ns_with_tsc(uint64_t& tsc);

// Timers (hypervisor/event/timer_queue.hpp), one locked queue per CPU.
// t runs fn(t, now) on CPU 'cpu' when armed; 'name' is for dumps.
void timer_init(Timer& t, Timer_fn fn, void* ctx, unsigned cpu, const char* name);
// Arms (or moves) t on the queue of its CPU; from any CPU.
void timer_set(Timer& t, uint64_t deadline_ns);
void timer_stop(Timer& t);
bool timer_armed(const Timer& t);
// Arms t for deadline_ns unless it is armed for then or earlier already.
// Only for a timer of this CPU that no other CPU arms (its own function
// may), called with interrupts off: the check and the change are then one
// step.
void timer_set_by(Timer& t, uint64_t deadline_ns);
// t belongs to CPU 'cpu' from now on (still armed if it was).
void timer_migrate(Timer& t, unsigned cpu);
// Stopped, and its function running on no CPU: t may then be freed.
void timer_kill(Timer& t);
// Programs this CPU's timer for its queue's head (softirq_timer).
void timer_rearm_this_cpu();

// A vCPU's timers (singleshot, periodic, poll timeout): set up for its CPU
// at creation, moved with it when it runs elsewhere, killed at teardown.
void vcpu_timers_init(Vcpu& v, unsigned cpu);
// Not inlined into the switch (context_switch.cpp flattens load_vcpu): rare.
[[gnu::noinline]] void vcpu_timers_migrate(Vcpu& v, unsigned cpu);
void vcpu_timers_kill(Vcpu& v);
// v's periodic timer: period 0 stops it.
void vtimer_set_periodic(Vcpu& v, uint64_t period_ns);

// The debug shell's 'q': CPU 'cpu''s queue, walked under its lock by
// 'visit' (which must not take timer locks or print: it copies).
void timer_queue_visit(unsigned cpu, void (*visit)(const Timer& t, void* ctx), void* ctx);

} // namespace arch
