// Multiprocessor start-up: every enabled CPU of the ACPI MADT is started
// with INIT-SIPI-SIPI, one at a time, gets its own tables and stack
// (cpu_prepare), proves it takes timer and IPI interrupts, and parks
// until smp_start_scheduling() sends it to the scheduler's idle loop.
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

// Boot CPU, once timers work: the scheduler starts on the boot CPU, then
// on every online AP (each joins from its parking loop and enters the
// scheduler's idle loop); returns once they all have, or after a second.
void smp_start_scheduling();

} // namespace arch

// Entry from smp_trampoline.S on the AP's own stack.
extern "C" [[noreturn]] void smp_ap_start(arch::Percpu* cpu);
