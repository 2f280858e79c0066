// The interrupt descriptor table, shared by all CPUs, and the registry of
// handlers the common entry path dispatches to.
//
// Dispatch rule (traps.cpp): a #PF or #GP taken in ring 0 at an address in
// the exception fix-up table resumes at its fix-up; otherwise the vector's
// registered handler runs; otherwise an exception (0..31) is fatal and any
// other vector is counted as spurious and logged once.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

namespace arch {

using Interrupt_handler = void (*)(Exception_frame&);

// interrupt: IF cleared on entry; trap: IF left as it was.
enum class Gate_type : uint8_t { interrupt, trap };

// Well-known vectors left unassigned for later registration: the Xen
// hypercall gate (int $0x82, DPL 1 so a ring-1 guest kernel may use it) and
// the legacy system call vector.
constexpr uint8_t hypercall_vector = 0x82;
constexpr uint8_t syscall_vector = 0x80;

void idt_init();   // once, on the boot CPU
void idt_load(unsigned cpu); // on every CPU, its own table

// Installs fn for 'vector' and sets its gate's DPL (the lowest privilege
// allowed to raise it with INT n) and type. Vector 8 (#DF) is a task gate
// and cannot be changed. Not synchronised against a concurrent dispatch of
// the same vector: register before enabling the source.
[[nodiscard]] bool set_interrupt_handler(uint8_t vector, Interrupt_handler fn, uint8_t dpl = 0,
                                         Gate_type type = Gate_type::interrupt);
// An interrupt gate straight to an entry of its own (not through the
// common stub and the handler table): the hypercall gate's fast path.
[[nodiscard]] bool set_interrupt_entry(uint8_t vector, uint32_t entry, uint8_t dpl);

Interrupt_handler interrupt_handler(uint8_t vector);

// The direct system-call path (Xen's int80 direct trap): CPU 'cpu''s gate for
// vector 0x80 leads to cs:eip of the guest it runs. The caller checked that
// cs can only name a ring-1 (or ring-3) guest code segment.
void set_syscall_gate(unsigned cpu, uint16_t cs, uint32_t eip);
void clear_syscall_gate(unsigned cpu);

// Exceptions (vectors 0..31) raised by guest code go here instead: they are
// the guest's to handle (or the hypervisor emulates what faulted).
using Guest_exception_handler = void (*)(Exception_frame&, uint32_t cr2);
void set_guest_exception_handler(Guest_exception_handler fn);
uint32_t spurious_count(uint8_t vector);

} // namespace arch
