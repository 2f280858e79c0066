// Event delivery to PV guests: called on every exit to a guest, it starts
// the guest's event callback when an upcall is pending and not masked.
#pragma once
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/exception_frame.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/sched/schedule.hpp"

// Boot, once, before the first domain is built: connects the event
// channel core to the domain table.
void pv_events_init();

extern "C" void pv_exit_to_guest(arch::Exception_frame* frame);

// An upcall is pending, not masked, and v has an event callback to take it.
inline bool upcall_due(const Vcpu& v)
{
    const vcpu_info* vi = v.info;
    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE) &&
           !vi->evtchn_upcall_mask && v.event_callback.eip != 0;
}

// The exit to v has nothing to do: no softirq on this CPU, v still
// runnable, no upcall due. Interrupts are off; a softirq raised after the
// load comes with its IPI, taken as the guest resumes.
inline bool exit_is_quiet(arch::Percpu& cpu, const Vcpu& v)
{
    return __atomic_load_n(&cpu.softirqs, __ATOMIC_RELAXED) == 0 && vcpu_runnable(v) && !upcall_due(v);
}
