// The FPU (x87, MMX, SSE) is the guests': the hypervisor never touches it
// (it is built without FPU or SSE code). Each CPU enables what the CPU has
// (CR0.MP and NE; CR4.OSFXSR and OSXMMEXCPT with FXSR and SSE) and hands
// the registers to one vCPU at a time, lazily as Xen does: CR0.TS is set
// when another vCPU's state is loaded, the first FPU instruction raises #NM,
// and fpu_take() saves the previous owner's state and loads the new one.
#pragma once
#include <cstdint>

struct Vcpu;

namespace arch {

// Each CPU, early in its bring-up; the boot CPU (0) first.
void fpu_init_cpu(unsigned cpu);
// The CR4 bits fpu_init_cpu() turned on (what guests see of them).
uint32_t fpu_cr4_bits();

// #NM on this CPU for v: v's state is in the registers afterwards and TS
// is clear.
void fpu_take(Vcpu& v);
// v is about to run on this CPU: TS is set unless v owns the FPU here.
void fpu_switch_to(Vcpu& v);
// v leaves this CPU: its registers are saved if they are loaded here, so
// that any CPU can load them next (lazy restore, eager save).
void fpu_save_leaving(Vcpu& v);
// Nothing runs on this CPU: TS set, so that no FPU state is touched.
void fpu_idle();
// v goes away: the CPU forgets it as the owner (its state is not saved).
void fpu_forget(Vcpu& v);

} // namespace arch
