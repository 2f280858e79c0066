#include "arch/x86_32/time/timer.hpp"

#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/irq/irq_vectors.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/time/pit.hpp"
#include "arch/x86_32/time/time_scale.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {
namespace {

constexpr uint64_t ns_per_s = 1000000000ull;
// Each run follows the PIT through 100 ms of ticks, reading its count and
// the TSC together, so the figure does not depend on when the polling loop
// happens to look (a virtual CPU can be descheduled for milliseconds) and
// one tick is 8 ppm of the interval. Three runs, median taken.
constexpr uint32_t calib_pit_ticks = pit::hz / 10;
constexpr int calib_runs = 3;

uint64_t tsc_rate;
uint64_t apic_rate;
uint64_t tsc_base;
Time_scale tsc_to_ns;
Time_scale ns_to_tsc;
Time_scale ns_to_apic;
Timer_mode mode = Timer_mode::none;

struct Sample {
    uint64_t tsc;
    uint32_t apic;
    uint32_t pit;
};

// The TSC at the moment the PIT count was read: the middle of the two TSC
// reads around it, retried until they are close (not interrupted).
struct Stamp {
    uint64_t tsc;
    uint16_t count;
    uint32_t apic;
};

Stamp stamp(bool with_apic)
{
    Stamp best{};
    uint64_t best_spread = ~0ull;
    for (int i = 0; i < 8; ++i) {
        uint64_t a = rdtsc();
        uint16_t c = pit::read_count();
        uint32_t ap = with_apic ? lapic::read(lapic::timer_current) : 0;
        uint64_t b = rdtsc();
        if (b - a < best_spread) {
            best_spread = b - a;
            best = {a + (b - a) / 2, c, ap};
        }
    }
    return best;
}

Sample measure_once(bool with_apic)
{
    if (with_apic) {
        lapic::write(lapic::lvt_timer, lapic::lvt_masked | lapic::timer_oneshot | vector::lapic_timer);
        lapic::write(lapic::timer_divide, lapic::divide_by_16);
        lapic::write(lapic::timer_initial, 0xFFFFFFFF);
    }
    pit::periodic_start();
    Stamp first = stamp(with_apic);
    Stamp last = first;
    uint32_t ticks = 0;
    // Samples come far more often than the 55 ms the counter takes to wrap,
    // so each step's decrease modulo 2^16 is the ticks elapsed.
    while (ticks < calib_pit_ticks) {
        Stamp s = stamp(with_apic);
        ticks += static_cast<uint16_t>(last.count - s.count);
        last = s;
    }
    pit::gate_stop();
    if (with_apic)
        lapic::write(lapic::timer_initial, 0);
    return {last.tsc - first.tsc, first.apic - last.apic, ticks};
}

template <typename T>
T median3(T a, T b, T c)
{
    if ((a <= b && b <= c) || (c <= b && b <= a))
        return b;
    if ((b <= a && a <= c) || (c <= a && a <= b))
        return a;
    return c;
}

uint64_t ticks_to_hz(uint64_t ticks, uint32_t pit_ticks)
{
    return pit_ticks ? ticks * pit::hz / pit_ticks : 0;
}

void log_rate(const char* what, uint64_t hz, const char* tail)
{
    log::info("%s %llu.%03llu MHz%s", what, static_cast<unsigned long long>(hz / 1000000),
              static_cast<unsigned long long>(hz / 1000 % 1000), tail);
}

} // namespace

uint64_t tsc_hz() { return tsc_rate; }
uint64_t apic_timer_hz() { return apic_rate; }
Timer_mode timer_mode() { return mode; }

bool timer_init()
{
    if (!(cpuid(1).edx & cpuid1_edx_tsc)) {
        log::error("timer: this CPU has no TSC");
        return false;
    }
    bool apic = lapic::present();
    Sample s[calib_runs];
    for (Sample& x : s)
        x = measure_once(apic);
    uint64_t tsc_hz_run[calib_runs], apic_hz_run[calib_runs];
    for (int i = 0; i < calib_runs; ++i) {
        tsc_hz_run[i] = ticks_to_hz(s[i].tsc, s[i].pit);
        apic_hz_run[i] = ticks_to_hz(s[i].apic, s[i].pit);
    }
    tsc_rate = median3(tsc_hz_run[0], tsc_hz_run[1], tsc_hz_run[2]);
    apic_rate = apic ? median3(apic_hz_run[0], apic_hz_run[1], apic_hz_run[2]) : 0;
    if (tsc_rate == 0)
        return false;
    tsc_base = rdtsc();
    tsc_to_ns = Time_scale::make(tsc_rate, ns_per_s);
    ns_to_tsc = Time_scale::make(ns_per_s, tsc_rate);
    ns_to_apic = Time_scale::make(ns_per_s, apic_rate);
    log_rate("timer: TSC", tsc_rate, " (PIT channel 2, median of 3 x 100 ms)");
    if (!apic) {
        log::warn("timer: no local APIC: no one-shot timer");
        return true;
    }
    mode = (cpuid(1).ecx & cpuid1_ecx_tsc_deadline) ? Timer_mode::tsc_deadline : Timer_mode::apic_oneshot;
    log_rate("timer: APIC timer", apic_rate,
             mode == Timer_mode::tsc_deadline ? " (bus/16), mode TSC-deadline" : " (bus/16), mode one-shot");
    return true;
}

uint64_t now_ns() { return tsc_to_ns.apply(rdtsc() - tsc_base); }

uint64_t now_ns_with_tsc(uint64_t& tsc)
{
    tsc = rdtsc();
    return tsc_to_ns.apply(tsc - tsc_base);
}

uint64_t now_ns_at(uint64_t tsc) { return tsc > tsc_base ? tsc_to_ns.apply(tsc - tsc_base) : 0; }

namespace {

void arm(uint64_t deadline_ns, bool masked)
{
    uint32_t lvt = vector::lapic_timer | (masked ? lapic::lvt_masked : 0);
    if (mode == Timer_mode::tsc_deadline) {
        uint64_t delta = ns_to_tsc.apply(deadline_ns);
        uint64_t target = delta > ~0ull - tsc_base ? ~0ull : tsc_base + delta;
        lapic::write(lapic::lvt_timer, lvt | lapic::timer_tsc_deadline);
        // The LVT write must land before the MSR write arms the timer
        // (Intel SDM vol. 3A §11.5.4.1).
        asm volatile("mfence" ::: "memory");
        wrmsr(msr_tsc_deadline, target ? target : 1);
        return;
    }
    uint64_t now = now_ns();
    uint64_t ticks = deadline_ns > now ? ns_to_apic.apply(deadline_ns - now) : 0;
    uint32_t count = ticks == 0 ? 1 : ticks > 0xFFFFFFFF ? 0xFFFFFFFF : static_cast<uint32_t>(ticks);
    lapic::write(lapic::lvt_timer, lvt | lapic::timer_oneshot);
    lapic::write(lapic::timer_divide, lapic::divide_by_16);
    lapic::write(lapic::timer_initial, count);
}

bool expired()
{
    if (mode == Timer_mode::tsc_deadline)
        return rdmsr(msr_tsc_deadline) == 0;
    return lapic::read(lapic::timer_current) == 0;
}

} // namespace

void timer_set_oneshot(uint64_t deadline_ns)
{
    if (mode != Timer_mode::none)
        arm(deadline_ns, false);
}

void timer_cancel()
{
    if (mode == Timer_mode::tsc_deadline)
        wrmsr(msr_tsc_deadline, 0);
    else if (mode == Timer_mode::apic_oneshot)
        lapic::write(lapic::timer_initial, 0);
}

bool timer_self_test()
{
    if (mode == Timer_mode::none)
        return false;
    constexpr uint64_t delays_us[] = {1000, 5000, 20000};
    bool ok = true;
    for (uint64_t us : delays_us) {
        uint64_t start = now_ns();
        arm(start + us * 1000, true);
        uint64_t limit = start + us * 1000 * 10 + 10000000;
        uint64_t t = start;
        while (!expired() && (t = now_ns()) < limit)
            asm volatile("pause");
        t = now_ns();
        bool fired = expired();
        timer_cancel();
        uint64_t took_us = (t - start) / 1000;
        log::info("timer: self-test: requested %llu us, %s after %llu us", static_cast<unsigned long long>(us),
                  fired ? "expired" : "NOT expired", static_cast<unsigned long long>(took_us));
        ok = ok && fired && took_us + 50 >= us;
    }
    lapic::write(lapic::lvt_timer, lapic::lvt_masked | vector::lapic_timer);
    return ok;
}

} // namespace arch
