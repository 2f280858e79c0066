// The local APIC's own interrupts: the timer (the scheduler's tick), APIC
// errors, spurious interrupts, and the "call function" IPI (ipi.hpp).
#pragma once
#include <cstdint>

namespace arch {

// Registers the handlers. Boot CPU, once, before any CPU enables
// interrupts; the IDT is shared, so APs need nothing more.
void apic_irq_init();

// Runs on the interrupted CPU, interrupts off, after the EOI; 'now' is
// now_ns() at entry. The scheduler installs its tick here. One-shot timers
// may fire early (timer.hpp): the callback compares 'now' to its deadline.
using Timer_callback = void (*)(uint64_t now);
void set_timer_callback(Timer_callback cb);

// Per CPU (by Percpu::index): timer interrupts taken, and when the last one
// was taken (now_ns()).
uint32_t timer_irq_count(unsigned cpu);
uint64_t last_timer_irq_ns(unsigned cpu);

uint32_t apic_error_count();
uint32_t apic_spurious_count();

} // namespace arch
