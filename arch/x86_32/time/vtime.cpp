#include "arch/x86_32/include/vtime.hpp"

#include "arch/x86_32/irq/apic_irq.hpp"
#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/time/rtc.hpp"
#include "arch/x86_32/time/time_scale.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "arch/x86_32/time/timers.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace arch {
namespace {

constexpr uint64_t ns_per_s = 1000000000ull;

Xen_time_scale guest_scale;
// Wall-clock time at system time 0 (shared_info wc_sec/wc_nsec).
uint64_t wc_sec;
uint32_t wc_nsec;
// Orders the writers of wc_sec/wc_nsec and of every domain's copy (Xen's
// wc_lock): two writers of one shared_info interleaving their version
// increments could leave it odd, and the guest's reader loops forever.
Spinlock wc_lock;

Vcpu& owner(Timer& t) { return *static_cast<Vcpu*>(t.ctx); }

void singleshot_fired(Timer& t, uint64_t) { (void)evtchn::send_virq(owner(t), VIRQ_TIMER); }

void periodic_fired(Timer& t, uint64_t now)
{
    Vcpu& v = owner(t);
    (void)evtchn::send_virq(v, VIRQ_TIMER);
    // Set by the vCPU's own hypercalls; a stale period lasts one expiry.
    uint64_t period = v.periodic_period_ns;
    if (period == 0)
        return;
    // Missed periods are dropped, not replayed in a burst (Xen too).
    uint64_t next = t.deadline + period;
    if (next <= now)
        next = now + period;
    timer_set(t, next);
}

// SCHEDOP_poll's timeout: the poll ends as if an event had come.
void poll_fired(Timer& t, uint64_t now) { vcpu_poll_timeout(owner(t), now); }

// A log message waits at most this long for a guest's open console line
// (hypervisor/console/line_hold.hpp): long enough for dom0 to pass on the
// rest of a line it drained in pieces, short enough not to be noticed.
constexpr uint64_t console_hold_ns = 100'000'000;
Timer console_hold_timer;

void console_hold_fired(Timer&, uint64_t) { console::release_held(); }
void arm_console_hold() { timer_set(console_hold_timer, now_ns() + console_hold_ns); }

// APIC timer callback, interrupts off.
void on_tick(uint64_t now)
{
    timers_run(now);
    if (Vcpu* v = this_cpu().current)
        update_vcpu_time(*v);
}

} // namespace

// The domain's wall clock: the machine's plus its offset (settimeoffset).
void vtime_write_wallclock(Domain& d)
{
    Lock_guard<Spinlock> g(wc_lock);
    // A domain being destroyed has given its shared_info back (or is
    // about to: domain_kill's finish step, long after it became dying).
    if (d.shared == nullptr || d.life == Domain_life::dying || d.life == Domain_life::dead)
        return;
    shared_info& s = *d.shared;
    uint64_t sec = wc_sec + static_cast<uint64_t>(d.time_offset_s);
    // Same version protocol as vcpu_time_info (public/xen.h wc_version).
    __atomic_store_n(&s.wc_version, s.wc_version + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    s.wc_sec = static_cast<uint32_t>(sec);
    s.arch.wc_sec_hi = static_cast<uint32_t>(sec >> 32);
    s.wc_nsec = wc_nsec;
    __atomic_store_n(&s.wc_version, s.wc_version + 1, __ATOMIC_RELEASE);
}

uint64_t system_time_ns() { return now_ns(); }

uint64_t system_time_ns_with_tsc(uint64_t& tsc) { return now_ns_with_tsc(tsc); }

void vtime_init()
{
    guest_scale = xen_time_scale(tsc_hz());
    uint64_t unix_now = 0;
    uint64_t at = now_ns();
    if (!rtc_read_unix(unix_now)) {
        log::warn("time: the CMOS RTC holds no valid date; wall clock starts at 1970");
        unix_now = 0;
    }
    // Wall clock at system time 0 = RTC reading minus the time since boot.
    uint64_t up_s = at / ns_per_s;
    uint32_t up_ns = static_cast<uint32_t>(at % ns_per_s);
    wc_sec = unix_now >= up_s ? unix_now - up_s : 0;
    wc_nsec = 0;
    if (up_ns && wc_sec) {
        --wc_sec;
        wc_nsec = static_cast<uint32_t>(ns_per_s - up_ns);
    }
    set_timer_callback(on_tick);
    timer_init(console_hold_timer, console_hold_fired, nullptr, 0, "console hold");
    console::set_hold_timer(arm_console_hold);
    log::info("time: wall clock %llu s since 1970 at boot; guest TSC scale mul %#x shift %d",
              static_cast<unsigned long long>(wc_sec), guest_scale.mul, guest_scale.shift);
}

void vtime_domain_init(Domain& d)
{
    vtime_write_wallclock(d);
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        update_vcpu_time(*d.vcpus[i]);
}

void vtime_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    // Xen's do_settime: the clock at system time 0, in u64 ns arithmetic.
    uint64_t at_zero = secs * ns_per_s + nsecs - system_time;
    {
        Lock_guard<Spinlock> g(wc_lock);
        wc_sec = at_zero / ns_per_s;
        wc_nsec = static_cast<uint32_t>(at_zero % ns_per_s);
    }
    for_each_domain(
        [](Domain& d, void*) {
            vtime_write_wallclock(d);
        },
        nullptr);
}

void vtime_set_offset(Domain& d, int64_t seconds)
{
    d.time_offset_s = seconds;
    vtime_write_wallclock(d);
}

void update_vcpu_time(Vcpu& v)
{
    uint64_t tsc;
    uint64_t sys = now_ns_with_tsc(tsc);
    update_vcpu_time_at(v, tsc, sys);
}

void update_vcpu_time_at(Vcpu& v, uint64_t tsc, uint64_t sys)
{
    vcpu_time_info& t = v.info->time;
    // Odd version first; the release fences keep the field writes between
    // the two version stores for a reader on another CPU.
    __atomic_store_n(&t.version, t.version + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t.tsc_timestamp = tsc;
    t.system_time = sys;
    t.tsc_to_system_mul = guest_scale.mul;
    t.tsc_shift = guest_scale.shift;
    __atomic_store_n(&t.version, t.version + 1, __ATOMIC_RELEASE);
}

void vcpu_timers_init(Vcpu& v, unsigned cpu)
{
    timer_init(v.singleshot_timer, singleshot_fired, &v, cpu, "singleshot");
    timer_init(v.periodic_timer, periodic_fired, &v, cpu, "periodic");
    timer_init(v.poll_timer, poll_fired, &v, cpu, "poll");
}

void vcpu_timers_migrate(Vcpu& v, unsigned cpu)
{
    timer_migrate(v.singleshot_timer, cpu);
    timer_migrate(v.periodic_timer, cpu);
    timer_migrate(v.poll_timer, cpu);
}

void vcpu_timers_kill(Vcpu& v)
{
    v.periodic_period_ns = 0;
    timer_kill(v.singleshot_timer);
    timer_kill(v.periodic_timer);
    timer_kill(v.poll_timer);
}

void vtimer_set_periodic(Vcpu& v, uint64_t period_ns)
{
    v.periodic_period_ns = period_ns;
    if (period_ns == 0)
        timer_stop(v.periodic_timer);
    else
        timer_set(v.periodic_timer, now_ns() + period_ns);
}

} // namespace arch
