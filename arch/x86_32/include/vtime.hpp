// Guest time: the shared_info wall clock, each vCPU's vcpu_time_info, and
// the virtual timers (singleshot, periodic, poll timeouts) kept in one
// Timer_queue per CPU and driven by that CPU's APIC one-shot timer. An
// expired singleshot or periodic timer raises VIRQ_TIMER on its vCPU.
//
// A vCPU's timers live in the queue of the CPU that armed them; vCPUs run
// on the CPU that started them, so that is always their own CPU.
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

// XENPF_settime: the wall clock read secs.nsecs when system time was
// 'system_time'; every domain's shared_info wall clock is rewritten
// (wc_version protocol).
void vtime_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time);

// Versioned update of v's vcpu_time_info to "now" (public/xen.h protocol:
// version odd while the fields change).
void update_vcpu_time(Vcpu& v);

// Xen's NOW(): system time in ns, as the guests see it.
uint64_t system_time_ns();

// Arms (or moves) one of v's timers on this CPU and re-arms the hardware.
[[nodiscard]] bool vtimer_set(Vcpu& v, Timer_kind kind, uint64_t deadline_ns);
void vtimer_cancel(Vcpu& v, Timer_kind kind);

// Sets v's periodic timer: period 0 stops it.
[[nodiscard]] bool vtimer_set_periodic(Vcpu& v, uint64_t period_ns);

// CPU 'cpu''s timer queue, for the debug shell: read without its owner's
// co-operation, so a dump may catch it mid-update.
const Timer_queue& vtimer_queue(unsigned cpu);

// Halts this CPU with interrupts enabled until done(v, ctx) holds (checked
// with interrupts off before each halt, so no wake-up is lost). Returns
// with interrupts off.
using Wait_done = bool (*)(Vcpu& v, const void* ctx);
void wait_until(Vcpu& v, Wait_done done, const void* ctx);

} // namespace arch
