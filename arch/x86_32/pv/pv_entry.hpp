// Running PV guests on this CPU: the hypercall gate (int $0x82),
// exceptions bounced to the guest's own handlers through its virtual IDT,
// and the iret hypercall.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

struct Vcpu;

namespace arch {

struct Percpu;

// Boot, once: installs the hypercall gate and the guest-exception path.
void pv_entry_init();

// SYSENTER from guests enters sysenter.S on this CPU's guest frame; the
// MSRs are written the first time a CPU loads a vCPU, then left alone.
void load_sysenter(Percpu& cpu);
// The running vCPU's ring-1 stack (stack_switch) in this CPU's TSS, used
// when the CPU itself switches from the guest's ring 3 to ring 1.
void load_guest_kernel_stack(Vcpu& v);
// This CPU's direct system-call gate for the running vCPU's trap table.
void load_syscall_gate(Vcpu& v);

// Delivers exception 'vector' to the current vCPU's registered handler by
// building a bounce frame on its kernel stack. False when the guest has no
// handler (the caller then crashes the domain) or its stack is unusable.
[[nodiscard]] bool bounce_exception(Exception_frame& f, uint8_t vector, bool has_error,
                                    uint32_t error, uint32_t cr2);

// Builds a bounce frame (pv_bounce.cpp) on v's guest stack so the guest
// resumes at cs:eip as if the CPU had delivered an interrupt there: the
// 'nextra' words of 'extra' are pushed after eip in order (extra[0] right
// below eip, the last word lowest; at most 4). With mask_events the upcall mask is
// set after its old value was saved in the frame. False when the guest
// stack cannot be written.
[[nodiscard]] bool push_bounce_frame(Vcpu& v, Exception_frame& f, uint16_t cs, uint32_t eip,
                                     bool mask_events, const uint32_t* extra, unsigned nextra);

} // namespace arch
