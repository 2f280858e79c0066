// Bringing a CPU's own tables up: per-CPU area, GDT window, TSSes, IDT.
//
// Boot CPU: cpu_tables_boot_init() once, right after the console is up.
// Application processor N (SMP bring-up, later), on the boot CPU:
//     Percpu* p = cpu_prepare(N, apic_id);   // nullptr if N is out of range
//     start the AP with esp = p->stack_top(); the AP then calls
//     cpu_tables_init(*p) before anything that may fault.
#pragma once
#include <cstdint>

#include "arch/x86_32/cpu/percpu.hpp"
#include "hypervisor/mm/frame.hpp"

namespace arch {

void cpu_tables_boot_init();

// Fills in CPU 'index''s area: Percpu, reserved GDT page, TSS, double-fault
// TSS and stack, GDT window mappings. Runs on any CPU; touches no CPU state.
[[nodiscard]] Percpu* cpu_prepare(unsigned index, uint32_t apic_id);

// Loads the prepared tables into the calling CPU (GDTR, segments, TR, IDTR).
void cpu_tables_init(Percpu& cpu);

// Context switch: maps a guest's GDT frames (at most 14, Xen's
// FIRST_RESERVED_GDT_PAGE) into pages 0.. of this CPU's GDT window; the
// remaining guest pages show the shared zero frame again. The caller has
// validated the frames as descriptor pages. False if count is too large.
[[nodiscard]] bool map_guest_gdt_frames(Percpu& cpu, const Mfn* frames, unsigned count);

// EFER.NXE is on (every CPU turns it on when the CPU has NX): guests may
// use bit 63 of their PTEs.
bool nx_enabled();

uint32_t read_cr0();
uint32_t read_cr2();
uint32_t read_cr3();
uint32_t read_cr4();

} // namespace arch
