// Emulation of what a PV guest kernel may do from ring 1 that the hardware
// refuses: the forced-emulation CPUID, privileged instructions (CLTS, HLT,
// CLI/STI with a virtual IOPL, port I/O the domain is entitled to, MSRs by
// policy, control and debug register moves), and software interrupts the
// guest's virtual IDT allows but the real IDT does not.
#pragma once
#include "arch/x86_32/include/exception_frame.hpp"

struct Vcpu;

namespace arch {

// #UD at "ud2; .ascii \"xen\"; cpuid" (Xen's forced emulation prefix).
[[nodiscard]] bool emulate_forced_cpuid(Vcpu& v, Exception_frame& f);
// #GP from a privileged instruction: emulated (true) or left to become a
// #GP for the guest (false).
[[nodiscard]] bool emulate_privileged(Vcpu& v, Exception_frame& f);
// #GP from "int n" / int3 / into that the guest's trap table permits: the
// interrupt is delivered to its handler (true).
[[nodiscard]] bool reflect_software_interrupt(Vcpu& v, Exception_frame& f);

} // namespace arch
