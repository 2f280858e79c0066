#include "arch/x86_32/mm/tlb_clock.hpp"

#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/irq/irq_vectors.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/mm/guest_cr3.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/lib/spinlock.hpp"
#include "hypervisor/mm/heap.hpp"

namespace arch {
namespace tlb_clock {
// The clock starts at 1 and every CPU at time 1: stamps of 0 (never
// stamped) need no flush. Times and stamps compare as signed distances,
// so a wrap of the clock only causes needless flushes.
uint32_t clock = 1;
uint32_t* stamps;
uint32_t nr_groups;
} // namespace tlb_clock

using namespace tlb_clock;

namespace {

uint32_t cpu_time[max_cpus];
// Per CPU: a flush was asked of it and not yet done.
uint32_t pending[max_cpus];

bool flushed_since(unsigned cpu, uint32_t stamp)
{
    uint32_t t = __atomic_load_n(&cpu_time[cpu], __ATOMIC_ACQUIRE);
    return static_cast<int32_t>(t - stamp) > 0;
}

void flush_local() { flush_this_cpu(this_cpu().current); }

void on_flush_ipi(Exception_frame&)
{
    tlb_service();
    lapic::eoi();
}

void spin_service() { tlb_service(); }

// CPUs are brought up with indices 0, 1, ... in order (smp.cpp), and one
// runs guests only once it counts as online, so the scans stop there
// rather than at max_cpus: a stale-frame check on a 2-CPU machine looked
// at 64 slots, some 700 instructions per allocation of a reused frame.
unsigned cpus_to_scan() { return smp_online_count(); }

// Asks every CPU in 'want' (bit per CPU, this one excluded) to flush and
// waits, answering requests made of this CPU meanwhile.
void flush_others(uint64_t want)
{
    for (unsigned i = 0; i < max_cpus; ++i)
        if (want >> i & 1) {
            Percpu* c = smp_cpu(i);
            if (!c) {
                want &= ~(1ull << i);
                continue;
            }
            __atomic_store_n(&pending[i], 1u, __ATOMIC_SEQ_CST);
            lapic::send_ipi(c->apic_id, vector::invalidate_tlb);
        }
    for (unsigned i = 0; i < max_cpus; ++i)
        if (want >> i & 1)
            while (__atomic_load_n(&pending[i], __ATOMIC_ACQUIRE)) {
                tlb_service();
                asm volatile("pause" ::: "memory");
            }
}

} // namespace

bool tlb_clock_init(uint32_t nr_frames)
{
    uint32_t groups = (nr_frames >> group_shift) + 1;
    stamps = static_cast<uint32_t*>(heap_alloc(groups * sizeof(uint32_t)));
    if (!stamps)
        return false;
    __builtin_memset(stamps, 0, groups * sizeof(uint32_t));
    nr_groups = groups; // last: a count without its array is never seen
    for (uint32_t& t : cpu_time)
        t = 1;
    return true;
}

void tlb_flush_ipi_init()
{
    if (!set_interrupt_handler(vector::invalidate_tlb, on_flush_ipi))
        log::error("cannot install the TLB flush IPI handler");
    set_spin_relax_hook(spin_service);
}

void tlb_flush_starts()
{
    uint32_t t = __atomic_add_fetch(&clock, 1u, __ATOMIC_SEQ_CST);
    __atomic_store_n(&cpu_time[this_cpu().index], t, __ATOMIC_RELEASE);
}

void tlb_stamp(Mfn first, uint32_t n)
{
    if (!stamps || n == 0)
        return;
    uint32_t now = __atomic_load_n(&clock, __ATOMIC_SEQ_CST);
    uint32_t g0 = raw(first) >> group_shift, g1 = (raw(first) + n - 1) >> group_shift;
    for (uint32_t g = g0; g <= g1 && g < nr_groups; ++g)
        __atomic_store_n(&stamps[g], now, __ATOMIC_RELEASE);
}

void tlb_flush_stale(Mfn first, uint32_t n)
{
    if (!stamps || n == 0)
        return;
    uint32_t g0 = raw(first) >> group_shift, g1 = (raw(first) + n - 1) >> group_shift;
    uint32_t newest = 0;
    bool any = false;
    for (uint32_t g = g0; g <= g1 && g < nr_groups; ++g) {
        uint32_t s = __atomic_load_n(&stamps[g], __ATOMIC_ACQUIRE);
        if (s && (!any || static_cast<int32_t>(s - newest) > 0))
            newest = s, any = true;
    }
    if (!any)
        return;
    unsigned self = this_cpu().index;
    uint64_t want = 0;
    // An idle CPU (no current vCPU) holds no guest translation: it left
    // its last guest for the idle page tables, with a flush.
    for (unsigned i = 0, cpus = cpus_to_scan(); i < cpus; ++i) {
        Percpu* c = i == self ? nullptr : smp_cpu(i);
        if (c && __atomic_load_n(&c->current, __ATOMIC_ACQUIRE) && !flushed_since(i, newest))
            want |= 1ull << i;
    }
    if (!flushed_since(self, newest))
        flush_local();
    if (want)
        flush_others(want);
}

void tlb_flush_domain(const Domain& d)
{
    unsigned self = this_cpu().index;
    uint64_t want = 0;
    for (unsigned i = 0, cpus = cpus_to_scan(); i < cpus; ++i) {
        Percpu* c = i == self ? nullptr : smp_cpu(i);
        Vcpu* cur = c ? __atomic_load_n(&c->current, __ATOMIC_ACQUIRE) : nullptr;
        if (cur && cur->domain == &d)
            want |= 1ull << i;
    }
    if (want)
        flush_others(want);
}

void tlb_service()
{
    unsigned self = this_cpu().index;
    if (!__atomic_load_n(&pending[self], __ATOMIC_ACQUIRE))
        return;
    flush_local();
    __atomic_store_n(&pending[self], 0u, __ATOMIC_RELEASE);
}

} // namespace arch
