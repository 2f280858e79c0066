// The report printed when the hypervisor itself takes an exception it
// cannot handle: registers, control registers, selectors, stack trace.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"
#include "arch/x86_32/cpu/percpu.hpp"

namespace arch {

const char* vector_name(unsigned vector);

// Prints the report for 'f' taken on 'cpu' (cr2 as read at entry), then
// stops the machine (hypervisor/lib/panic.hpp crash_stop).
[[noreturn]] void fatal_exception(Percpu& cpu, const Exception_frame& f, uint32_t cr2);

// Walks the frame-pointer chain from 'ebp', reading only words that lie
// inside cpu's hypervisor stack; at most 'max_depth' frames.
void print_stack_trace(const Percpu& cpu, uint32_t ebp, unsigned max_depth = 24);

} // namespace arch

// Entry of the double-fault task (cpu_tables.cpp builds its TSS).
extern "C" [[noreturn]] void double_fault_task(arch::Percpu* cpu);
