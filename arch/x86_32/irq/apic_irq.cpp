#include "arch/x86_32/irq/apic_irq.hpp"

#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/cpu/ipi.hpp"
#include "arch/x86_32/irq/irq_vectors.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {
namespace {

// Each slot is written only by its own CPU, in its timer handler; other
// CPUs read it. i686 has no plain 64-bit atomic store, so the count works
// as a sequence number: 'last_ns' is written between an odd and an even
// count, and a reader retries until it sees the same even count around
// its read.
struct Timer_stats {
    uint32_t seq;
    uint64_t last_ns;
};
Timer_stats timer_stats[max_cpus];
Timer_callback timer_cb;
uint32_t errors;
uint32_t spurious;

void on_timer(Exception_frame&)
{
    Timer_stats& s = timer_stats[this_cpu().index];
    uint64_t now = now_ns();
    // Release fences: the odd count is visible before the time changes,
    // the new time before the even count.
    __atomic_store_n(&s.seq, s.seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    *static_cast<volatile uint64_t*>(&s.last_ns) = now;
    __atomic_store_n(&s.seq, s.seq + 1, __ATOMIC_RELEASE);
    lapic::eoi();
    // Acquire pairs with the release in set_timer_callback(): a callback
    // seen here is fully set up.
    if (Timer_callback cb = __atomic_load_n(&timer_cb, __ATOMIC_ACQUIRE))
        cb(now);
}

// The ESR latches errors until written; the write-then-read is the
// documented way to read it (Intel SDM vol. 3A §11.5.3).
void on_error(Exception_frame&)
{
    lapic::write(lapic::esr, 0);
    uint32_t esr = lapic::read(lapic::esr);
    // Logging from an interrupt would deadlock if this CPU was stopped
    // inside the console lock; hypervisor code logs with interrupts off, and
    // only the first few errors are logged at all.
    if (__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED) < 4)
        log::warn("CPU %u: APIC error, ESR %#x", this_cpu().index, esr);
    lapic::eoi();
}

// A spurious interrupt sets no ISR bit, so it must not be acknowledged
// (Intel SDM vol. 3A §11.9): an EOI would retire some other interrupt.
void on_spurious(Exception_frame&) { __atomic_fetch_add(&spurious, 1, __ATOMIC_RELAXED); }

} // namespace

void apic_irq_init()
{
    bool ok = set_interrupt_handler(vector::lapic_timer, on_timer) &&
              set_interrupt_handler(vector::lapic_error, on_error) &&
              set_interrupt_handler(vector::lapic_spurious, on_spurious) &&
              set_interrupt_handler(vector::call_function, call_function_interrupt);
    if (!ok)
        log::error("APIC: could not register the local APIC interrupt handlers");
}

void set_timer_callback(Timer_callback cb) { __atomic_store_n(&timer_cb, cb, __ATOMIC_RELEASE); }

uint32_t timer_irq_count(unsigned cpu)
{
    return cpu < max_cpus ? __atomic_load_n(&timer_stats[cpu].seq, __ATOMIC_ACQUIRE) / 2 : 0;
}

uint64_t last_timer_irq_ns(unsigned cpu)
{
    if (cpu >= max_cpus)
        return 0;
    const Timer_stats& s = timer_stats[cpu];
    for (;;) {
        uint32_t before = __atomic_load_n(&s.seq, __ATOMIC_ACQUIRE);
        uint64_t t = *static_cast<const volatile uint64_t*>(&s.last_ns);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (!(before & 1) && __atomic_load_n(&s.seq, __ATOMIC_RELAXED) == before)
            return t;
        asm volatile("pause");
    }
}

uint32_t apic_error_count() { return __atomic_load_n(&errors, __ATOMIC_RELAXED); }
uint32_t apic_spurious_count() { return __atomic_load_n(&spurious, __ATOMIC_RELAXED); }

} // namespace arch
