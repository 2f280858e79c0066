// Emulation of what a PV guest kernel may do from ring 1 that the hardware
// refuses: the forced-emulation CPUID, privileged instructions (CLTS, HLT,
// CLI/STI with a virtual IOPL, port I/O the domain is entitled to, MSRs by
// policy, control and debug register moves), and software interrupts the
// guest's virtual IDT allows but the real IDT does not.
#pragma once
#include "arch/x86_32/include/exception_frame.hpp"
#include "arch/x86_32/x86_emulate/x86_emulate.hpp"

struct Vcpu;

namespace arch {

// Both return okay (emulated, eip past it), exception ('ev' is to be
// delivered instead) or unhandleable (the original fault is the guest's).
//
// #UD at "ud2; .ascii \"xen\"; cpuid" (Xen's forced emulation prefix).
[[nodiscard]] x86emul::Rc emulate_forced_cpuid(Vcpu& v, Exception_frame& f, x86emul::Event& ev);
// #GP(0) from a privileged instruction: in/out/ins/outs, cli/sti, hlt,
// clts, mov to/from CR0/2/3/4 and DR0-7, lmsw/smsw, rdmsr/wrmsr, rdtsc,
// invd/wbinvd.
[[nodiscard]] x86emul::Rc emulate_privileged(Vcpu& v, Exception_frame& f, x86emul::Event& ev);
// #GP from "int n" / int3 / into that the guest's trap table permits: the
// interrupt is delivered to its handler (true).
[[nodiscard]] bool reflect_software_interrupt(Vcpu& v, Exception_frame& f);

} // namespace arch
