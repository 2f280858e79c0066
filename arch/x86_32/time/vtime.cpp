#include "arch/x86_32/include/vtime.hpp"

#include "arch/x86_32/irq/apic_irq.hpp"
#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/time/rtc.hpp"
#include "arch/x86_32/time/time_scale.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"

namespace arch {
namespace {

constexpr uint64_t ns_per_s = 1000000000ull;

Timer_queue queues[max_cpus];
Xen_time_scale guest_scale;
// Wall-clock time at system time 0 (shared_info wc_sec/wc_nsec).
uint64_t wc_sec;
uint32_t wc_nsec;

Timer_queue& my_queue() { return queues[this_cpu().index]; }

void rearm(Timer_queue& q)
{
    uint64_t next = q.earliest();
    if (next == Timer_queue::never)
        timer_cancel();
    else
        timer_set_oneshot(next);
}

void fire(const Timer_entry& e, uint64_t now, Timer_queue& q)
{
    Vcpu& v = *static_cast<Vcpu*>(e.owner);
    switch (e.kind) {
    case Timer_kind::singleshot: (void)evtchn::send_virq(v, VIRQ_TIMER); break;
    case Timer_kind::periodic: {
        (void)evtchn::send_virq(v, VIRQ_TIMER);
        // Missed periods are dropped, not replayed in a burst (Xen too).
        uint64_t next = e.deadline + v.periodic_period_ns;
        if (next <= now)
            next = now + v.periodic_period_ns;
        (void)q.set(&v, Timer_kind::periodic, next);
        break;
    }
    case Timer_kind::poll: break; // the interrupt itself ends the vCPU's halt
    }
}

// APIC timer callback, interrupts off. One-shot timers may fire early
// (timer.hpp): only entries whose deadline passed are run.
void on_tick(uint64_t now)
{
    Timer_queue& q = my_queue();
    Timer_entry e;
    while (q.pop_expired(now, e))
        fire(e, now, q);
    if (Vcpu* v = this_cpu().current)
        update_vcpu_time(*v);
    rearm(q);
}

void write_wallclock(shared_info& s)
{
    // Same version protocol as vcpu_time_info (public/xen.h wc_version).
    __atomic_store_n(&s.wc_version, s.wc_version + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    s.wc_sec = static_cast<uint32_t>(wc_sec);
    s.arch.wc_sec_hi = static_cast<uint32_t>(wc_sec >> 32);
    s.wc_nsec = wc_nsec;
    __atomic_store_n(&s.wc_version, s.wc_version + 1, __ATOMIC_RELEASE);
}

} // namespace

uint64_t system_time_ns() { return now_ns(); }

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
    log::info("time: wall clock %llu s since 1970 at boot; guest TSC scale mul %#x shift %d",
              static_cast<unsigned long long>(wc_sec), guest_scale.mul, guest_scale.shift);
}

void vtime_domain_init(Domain& d)
{
    write_wallclock(*d.shared);
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        update_vcpu_time(*d.vcpus[i]);
}

void vtime_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    // Xen's do_settime: the clock at system time 0, in u64 ns arithmetic.
    uint64_t at_zero = secs * ns_per_s + nsecs - system_time;
    wc_sec = at_zero / ns_per_s;
    wc_nsec = static_cast<uint32_t>(at_zero % ns_per_s);
    for_each_domain(
        [](Domain& d, void*) {
            if (d.shared)
                write_wallclock(*d.shared);
        },
        nullptr);
}

void update_vcpu_time(Vcpu& v)
{
    vcpu_time_info& t = v.info->time;
    uint64_t tsc = rdtsc();
    uint64_t sys = now_ns_at(tsc);
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

bool vtimer_set(Vcpu& v, Timer_kind kind, uint64_t deadline_ns)
{
    Timer_queue& q = my_queue();
    bool ok = q.set(&v, kind, deadline_ns);
    rearm(q);
    return ok;
}

void vtimer_cancel(Vcpu& v, Timer_kind kind)
{
    Timer_queue& q = my_queue();
    q.cancel(&v, kind);
    rearm(q);
}

bool vtimer_set_periodic(Vcpu& v, uint64_t period_ns)
{
    v.periodic_period_ns = period_ns;
    if (period_ns == 0) {
        vtimer_cancel(v, Timer_kind::periodic);
        return true;
    }
    return vtimer_set(v, Timer_kind::periodic, now_ns() + period_ns);
}

const Timer_queue& vtimer_queue(unsigned cpu) { return queues[cpu < max_cpus ? cpu : 0]; }

void wait_until(Vcpu& v, Wait_done done, const void* ctx)
{
    while (!done(v, ctx)) {
        // STI's one-instruction shadow makes "sti; hlt" atomic: an
        // interrupt that arrives after the check still ends the halt.
        asm volatile("sti; hlt; cli" ::: "memory");
    }
}

} // namespace arch
