// Per-CPU data, reached through one accessor. Like Xen, the accessor derives
// the CPU from the stack pointer: every hypervisor stack is STACK_SIZE
// aligned and keeps a pointer to its CPU's Percpu at its top, so no segment
// register is taken away from guests.
#pragma once
#include <cstdint>

#include "arch/x86_32/cpu/cpu_layout.h"

namespace arch {

constexpr unsigned max_cpus = 64;

struct Cpu_area;
}
struct Vcpu;
namespace arch {

struct Percpu {
    unsigned index;        // 0 = boot CPU
    uint32_t apic_id;
    Cpu_area* area;        // stack, GDT page, TSSes (cpu_area.hpp)
    uint32_t gdt_window;   // virtual base of the 15-page GDT the CPU runs on
    bool online;           // tables loaded on this CPU
    bool reporting_fatal;  // a fatal report is in progress on this CPU
    Vcpu* current;         // the vCPU whose state is loaded here; nullptr: idle
    uint32_t softirqs;     // pending work (softirq.hpp), set by any CPU
    // Context-switch bookkeeping, this CPU only: how many leading pages of
    // the GDT window map guest frames (the others map the zero frame), and
    // how many leading pages of the LDT window may be present. A switch
    // rewrites only those and the next vCPU's, not the whole windows.
    uint8_t gdt_guest_pages;
    uint8_t ldt_window_pages;
    // The SYSENTER MSRs hold this CPU's entry (pv_entry.cpp): written at
    // its first vCPU load, not at every switch (they never change).
    bool sysenter_loaded;
    // DR7 enables the loaded vCPU's breakpoints (switch_debugregs).
    bool debugregs_armed;
    // hypercall_preempt_check's calls here, which read the local APIC's
    // IRR at every fourth (pv_entry.cpp).
    uint8_t preempt_checks;

    // Usable hypervisor stack: [stack_bottom, stack_top).
    uint32_t stack_bottom() const;
    uint32_t stack_top() const;
};

// Valid on any hypervisor stack (not on the double-fault stack, whose
// handler receives its Percpu explicitly).
inline Percpu& this_cpu()
{
    uint32_t esp;
    asm("movl %%esp, %0" : "=r"(esp));
    uint32_t top = (esp | (STACK_SIZE - 1)) + 1;
    return **reinterpret_cast<Percpu**>(top - STACK_TOP_SIZE + STACK_TOP_CPU);
}

} // namespace arch
