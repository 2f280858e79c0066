// The memory one CPU owns: its reserved GDT page, TSSes, Percpu, the
// double-fault stack, a guard page and the hypervisor stack (layout in
// cpu_layout.h). The areas come from a static pool so application
// processors can be prepared before any page allocator exists.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86_32/cpu/descriptors.hpp"
#include "arch/x86_32/include/exception_frame.hpp"
#include "arch/x86_32/cpu/percpu.hpp"

namespace arch {

// The top of every hypervisor stack, as Xen's struct cpu_info: the frame a
// guest-to-hypervisor transition builds (TSS esp0 points at its 'es', so
// the CPU-pushed part lands in place) and the owning CPU.
struct Stack_top {
    Exception_frame guest_frame;
    Percpu* cpu;
    uint32_t pad[6];
};
static_assert(sizeof(Stack_top) == STACK_TOP_SIZE);
static_assert(offsetof(Stack_top, cpu) == STACK_TOP_CPU);

constexpr size_t page = 4096;

struct alignas(CPU_AREA_SIZE) Cpu_area {
    Descriptor gdt[gdt_entries_per_page];
    Tss tss;
    Tss df_tss;
    Percpu percpu;
    uint8_t df_stack[2 * page - sizeof(Tss) * 2 - sizeof(Percpu)];
    uint8_t guard[page];
    uint8_t stack[STACK_SIZE - sizeof(Stack_top)];
    Stack_top top;

    uint32_t df_stack_top() const { return reinterpret_cast<uint32_t>(guard); }
};
static_assert(sizeof(Cpu_area) == CPU_AREA_SIZE);
static_assert(offsetof(Cpu_area, tss) == page);
static_assert(offsetof(Cpu_area, percpu) == CPU_AREA_PERCPU);
static_assert(offsetof(Cpu_area, guard) == CPU_AREA_STACK - page);
static_assert(offsetof(Cpu_area, stack) == CPU_AREA_STACK);

// Defined in cpu_tables.cpp; entry.S runs the boot CPU on area 0's stack.
extern "C" Cpu_area xenith_cpu_areas[max_cpus];

} // namespace arch
