// Running a function on another CPU: the "call function" IPI.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

namespace arch {

using Call_fn = void (*)(void* arg);

// Runs fn(arg) on online CPU 'index' in its interrupt context (interrupts
// off there) and waits up to timeout_ns for it to finish; on the calling
// CPU itself it just calls fn. One call is in flight machine-wide. False if
// the CPU is not online or did not answer in time; then fn may still run
// later, so 'arg' must outlive the call in that case too. Needs interrupts
// enabled on the target; the caller may have them off.
[[nodiscard]] bool call_on_cpu(unsigned index, Call_fn fn, void* arg, uint64_t timeout_ns);

// The handler for vector::call_function (apic_irq.cpp registers it).
void call_function_interrupt(Exception_frame& f);

} // namespace arch
