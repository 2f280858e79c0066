// One CPU reports a fatal error; the others are stopped first, so the
// report is not interleaved with their output and the machine halts or
// reboots from a single CPU.
#pragma once

namespace arch {

// Registers the NMI handler that parks a CPU once a crash is under way.
// Boot CPU, once, after idt_init().
void crash_init();

// Every fatal path calls this first, with interrupts off. The first CPU to
// get here owns the crash: it stops every other online CPU with an NMI
// (waiting briefly for them to park) and returns. A nested fatal error on
// the owner returns at once. Any other CPU is parked for good.
void crash_claim(unsigned self);

// Prints how many of the other online CPUs parked (console taken over).
void crash_print_stopped();

} // namespace arch
