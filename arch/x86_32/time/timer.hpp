// Time on this machine: a monotonic nanosecond clock from the TSC, and a
// one-shot timer per CPU from the local APIC (TSC-deadline mode where the
// CPU has it, else the APIC's own count-down, calibrated against the PIT).
#pragma once
#include <cstdint>

namespace arch {

enum class Timer_mode : uint8_t { none, apic_oneshot, tsc_deadline };

// Measures the TSC (and the APIC timer, when there is an APIC) against PIT
// channel 2 and picks the timer mode. Boot CPU, interrupts off, after
// lapic::init(). Returns false if the TSC could not be calibrated.
[[nodiscard]] bool timer_init();

uint64_t tsc_hz();
uint64_t apic_timer_hz();     // after the APIC's divide-by-16
Timer_mode timer_mode();

// Nanoseconds since timer_init(); monotonic on one CPU.
uint64_t now_ns();
// now_ns(), and the TSC reading it was made from in 'tsc'.
uint64_t now_ns_with_tsc(uint64_t& tsc);
// now_ns() at a given TSC reading of this CPU.
uint64_t now_ns_at(uint64_t tsc);

// Arms this CPU's timer to raise vector::lapic_timer once at now_ns() >=
// 'deadline_ns' (at once if that has passed). An APIC count-down longer
// than its 32-bit counter fires early: the handler must compare now_ns()
// with its deadline and re-arm.
void timer_set_oneshot(uint64_t deadline_ns);
void timer_cancel();

// Arms the timer with its interrupt masked for each of a few delays and
// polls for expiry, logging requested vs measured. Interrupts off.
[[nodiscard]] bool timer_self_test();

} // namespace arch
