// Multiprocessor start-up: every enabled CPU of the ACPI MADT is started
// with INIT-SIPI-SIPI, one at a time, gets its own tables and stack
// (cpu_prepare), proves it takes timer and IPI interrupts, and parks in
// cpu_idle_loop() until a scheduler gives it work.
#pragma once
#include <cstdint>

#include "arch/x86_32/cpu/percpu.hpp"

namespace arch {

// Boot CPU, after platform_init() (local APIC and timer up), with
// apic_irq_init() and crash_init() done and interrupts off; returns with
// interrupts off. 'maxcpus' counts the boot CPU; 0 means no limit.
void smp_init(unsigned maxcpus);

// CPUs whose bring-up finished (the boot CPU counts from the start).
unsigned smp_online_count();
// The Percpu of online CPU 'index', or nullptr.
Percpu* smp_cpu(unsigned index);

// The scheduler's hook: each pass of every idle loop calls it with
// interrupts off; it returns when it has nothing to run. Interrupts
// (timer, IPI) wake the idle loop for another pass.
using Idle_hook = void (*)(Percpu& cpu);
void set_idle_hook(Idle_hook hook);

// Where an AP ends up once online (and where the boot CPU may go when it
// has nothing else to do).
[[noreturn]] void cpu_idle_loop();

} // namespace arch

// Entry from smp_trampoline.S on the AP's own stack.
extern "C" [[noreturn]] void smp_ap_start(arch::Percpu* cpu);
