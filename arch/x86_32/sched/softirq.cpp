#include "arch/x86_32/sched/softirq.hpp"

#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/cpu_kick.hpp"
#include "arch/x86_32/irq/irq_vectors.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {
namespace {

// The interrupt itself is the message: taking it ended a halt or the
// guest's run, and the exit path or idle loop now reads 'softirqs'.
void on_event_check(Exception_frame&) { lapic::eoi(); }

void send_event_check(unsigned cpu)
{
    if (cpu == this_cpu().index)
        return;
    if (Percpu* c = smp_cpu(cpu))
        lapic::send_ipi(c->apic_id, vector::event_check);
}

} // namespace

void raise_softirq(unsigned cpu, uint32_t bits)
{
    Percpu& self = this_cpu();
    if (cpu == self.index) {
        // This CPU looks at its softirqs on its way out of the hypervisor.
        __atomic_fetch_or(&self.softirqs, bits, __ATOMIC_SEQ_CST);
        return;
    }
    Percpu* c = smp_cpu(cpu);
    if (!c)
        return;
    // Only a CPU that had nothing pending needs the interrupt: one that
    // had will look anyway.
    uint32_t old = __atomic_fetch_or(&c->softirqs, bits, __ATOMIC_SEQ_CST);
    if ((old & bits) != bits)
        send_event_check(cpu);
}

uint32_t take_softirqs(Percpu& cpu) { return __atomic_exchange_n(&cpu.softirqs, 0u, __ATOMIC_SEQ_CST); }

bool softirq_pending(const Percpu& cpu) { return __atomic_load_n(&cpu.softirqs, __ATOMIC_SEQ_CST) != 0; }

void softirq_init()
{
    if (!set_interrupt_handler(vector::event_check, on_event_check))
        log::error("cannot install the event-check IPI handler");
}

unsigned cpu_id() { return this_cpu().index; }

void raise_schedule(unsigned cpu) { raise_softirq(cpu, softirq_schedule); }

void kick_events(unsigned cpu) { send_event_check(cpu); }

} // namespace arch
