#include "arch/x86_32/cpu/ipi.hpp"

#include "arch/x86_32/irq/irq_vectors.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "hypervisor/lib/spinlock.hpp"

namespace arch {
namespace {

// One request slot per CPU. 'requested' and 'done' are sequence numbers:
// the caller (holding call_lock) fills fn/arg, then publishes with a
// release store of 'requested'; the target acquires it, runs fn, then
// publishes completion with a release store of 'done'.
struct Mailbox {
    Call_fn fn;
    void* arg;
    uint32_t requested;
    uint32_t done;
};
Mailbox mailbox[max_cpus];
Spinlock call_lock;

} // namespace

void call_function_interrupt(Exception_frame&)
{
    Mailbox& m = mailbox[this_cpu().index];
    uint32_t seq = __atomic_load_n(&m.requested, __ATOMIC_ACQUIRE);
    if (seq != __atomic_load_n(&m.done, __ATOMIC_RELAXED)) {
        m.fn(m.arg);
        __atomic_store_n(&m.done, seq, __ATOMIC_RELEASE);
    }
    lapic::eoi();
}

bool call_on_cpu(unsigned index, Call_fn fn, void* arg, uint64_t timeout_ns)
{
    if (index == this_cpu().index) {
        fn(arg);
        return true;
    }
    const Percpu* target = smp_cpu(index);
    if (!target)
        return false;
    Lock_guard<Spinlock> g(call_lock);
    Mailbox& m = mailbox[index];
    m.fn = fn;
    m.arg = arg;
    uint32_t seq = m.requested + 1;
    __atomic_store_n(&m.requested, seq, __ATOMIC_RELEASE);
    lapic::send_ipi(target->apic_id, vector::call_function);
    uint64_t limit = now_ns() + timeout_ns;
    while (__atomic_load_n(&m.done, __ATOMIC_ACQUIRE) != seq) {
        if (now_ns() > limit)
            return false;
        asm volatile("pause" ::: "memory");
    }
    return true;
}

} // namespace arch
