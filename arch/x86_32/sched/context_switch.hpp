// The mechanism's arch half: switching this CPU from one vCPU to another
// (or to its idle loop) when the scheduler (hypervisor/sched/schedule.hpp)
// says so. All of it runs on the way out to a guest or in the idle loop,
// with interrupts off, never inside a hypercall: a vCPU's registers are
// the guest frame at the top of this CPU's stack, saved into Vcpu::regs
// when it leaves and copied back when it comes again.
#pragma once

#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/exception_frame.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace arch {

// Boot CPU, before any guest page table is loaded: the page tables the
// idle loop runs on (the hypervisor's own).
void context_switch_init();

// The exit path (pv_exit_to_guest): this CPU's softirqs. May save the
// frame's vCPU and put another one's registers in 'f', or leave for the
// idle loop and not return.
void exit_softirqs_slow(Percpu& cpu, Exception_frame& f);
inline void exit_softirqs(Percpu& cpu, Exception_frame& f)
{
    // The common case, one load and the run conditions: nothing to do. A
    // softirq raised after this load comes with its IPI, taken at once
    // when the guest runs again.
    if (__atomic_load_n(&cpu.softirqs, __ATOMIC_RELAXED) != 0 || !vcpu_runnable(*cpu.current))
        exit_softirqs_slow(cpu, f);
}

// This CPU's idle loop: halts until the scheduler has a vCPU for it, then
// enters it. Every CPU ends its bring-up here.
[[noreturn]] void idle_loop();

// Loads everything of v but its registers on this CPU (address space,
// descriptor tables, kernel stack, system-call gates, FPU and debug
// state, timers, time record, runstate area). The time record is stamped
// with the clock reading of the decision 'at' (one reading per switch).
void load_vcpu(Vcpu& v, const Sched_pick& at);

} // namespace arch
