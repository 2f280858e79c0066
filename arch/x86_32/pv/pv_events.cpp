#include "arch/x86_32/pv/pv_events.hpp"

#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/pv/pv_entry.hpp"
#include "arch/x86_32/sched/context_switch.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/domain/shutdown.hpp"
#include "hypervisor/sched/schedule.hpp"

void pv_events_init()
{
    evtchn::set_hooks({domain_get_raw, domain_put, vcpu_kick, sched_port_raised, domain_peek});
}

// Xen x86_32 test_all_events: with an upcall pending and not masked, mask
// further upcalls and enter the event callback through a frame shaped like
// an exception without error code. The mask is saved in the frame, so the
// guest's iret (or HYPERVISOR_iret) restores it; the guest clears
// evtchn_upcall_pending itself before scanning, so nothing is delivered
// twice, and anything raised after that scan sets it again and is seen on
// the next exit.
extern "C" void pv_exit_to_guest(arch::Exception_frame* frame)
{
    // The scheduler may put another vCPU's registers in the frame first.
    arch::Percpu& cpu = arch::this_cpu();
    arch::exit_softirqs(cpu, *frame);
    Vcpu* v = cpu.current;
    if (!v || !upcall_due(*v))
        return;
    if (!arch::push_bounce_frame(*v, *frame, static_cast<uint16_t>(v->event_callback.cs),
                                 v->event_callback.eip, true, nullptr, 0)) {
        log::warn("d%u v%u: cannot deliver an event upcall", v->domain->id, v->id);
        domain_crash(*v->domain, frame);
    }
}
