// What the portable scheduler and event code may ask of the CPUs: which one
// runs the caller, and making another one look at its work.
#pragma once

namespace arch {

// The index of the CPU running the caller (0 = boot CPU).
unsigned cpu_id();
// CPU 'cpu' runs the scheduler before it next returns to a guest or halts
// (an IPI when it is another CPU).
void raise_schedule(unsigned cpu);
// CPU 'cpu' re-checks its current vCPU's pending upcall before it returns
// to the guest (an IPI when it is another CPU; nothing on this one, whose
// exit path always checks).
void kick_events(unsigned cpu);

} // namespace arch
