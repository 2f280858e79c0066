// The CPUs' timer queues. Each CPU's queue has its own lock, so any CPU may
// arm a timer on any queue; only the owning CPU programs its APIC timer,
// so a change of another CPU's head raises softirq_timer there. Expired
// timers run on the owning CPU, their functions called without the lock
// (they may re-arm themselves or take scheduler and event locks).
#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/sched/softirq.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "arch/x86_32/time/timers.hpp"
#include "hypervisor/lib/spinlock.hpp"

namespace arch {
namespace {

struct Cpu_timers {
    Spinlock lock;
    Timer_queue q;
    Timer* running = nullptr; // whose function this CPU is running
};

Cpu_timers queues[max_cpus];

// Locks the queue t belongs to, re-checking that t did not move to
// another CPU while the lock was awaited.
Cpu_timers& lock_timer(const Timer& t)
{
    for (;;) {
        unsigned cpu = __atomic_load_n(&t.cpu, __ATOMIC_ACQUIRE);
        Cpu_timers& c = queues[cpu];
        c.lock.lock();
        if (__atomic_load_n(&t.cpu, __ATOMIC_RELAXED) == cpu)
            return c;
        c.lock.unlock();
    }
}

void head_changed(unsigned cpu)
{
    if (cpu == this_cpu().index)
        timer_rearm_this_cpu();
    else
        raise_softirq(cpu, softirq_timer);
}

} // namespace

void timer_init(Timer& t, Timer_fn fn, void* ctx, unsigned cpu, const char* name)
{
    t = Timer{};
    t.fn = fn;
    t.ctx = ctx;
    t.name = name;
    t.cpu = static_cast<uint16_t>(cpu < max_cpus ? cpu : 0);
}

void timer_set(Timer& t, uint64_t deadline_ns)
{
    Cpu_timers& c = lock_timer(t);
    unsigned cpu = t.cpu;
    bool was_head = t.queued && c.q.first() == &t;
    if (t.queued)
        c.q.remove(t);
    bool head = c.q.insert(t, deadline_ns);
    c.lock.unlock();
    if (head || was_head)
        head_changed(cpu);
}

void timer_stop(Timer& t)
{
    Cpu_timers& c = lock_timer(t);
    // A later head than needed only costs one early interrupt: no rearm.
    if (t.queued)
        c.q.remove(t);
    c.lock.unlock();
}

bool timer_armed(const Timer& t) { return __atomic_load_n(&t.queued, __ATOMIC_ACQUIRE); }

void timer_set_by(Timer& t, uint64_t deadline_ns)
{
    if (!t.queued || deadline_ns < t.deadline)
        timer_set(t, deadline_ns);
}

void timer_migrate(Timer& t, unsigned cpu)
{
    if (cpu >= max_cpus)
        return;
    for (;;) {
        unsigned old = __atomic_load_n(&t.cpu, __ATOMIC_ACQUIRE);
        if (old == cpu)
            return;
        Cpu_timers& a = queues[old < cpu ? old : cpu];
        Cpu_timers& b = queues[old < cpu ? cpu : old];
        a.lock.lock();
        b.lock.lock();
        if (__atomic_load_n(&t.cpu, __ATOMIC_RELAXED) != old) {
            b.lock.unlock();
            a.lock.unlock();
            continue;
        }
        bool armed = t.queued;
        uint64_t deadline = t.deadline;
        if (armed)
            queues[old].q.remove(t);
        __atomic_store_n(&t.cpu, static_cast<uint16_t>(cpu), __ATOMIC_RELEASE);
        bool head = armed && queues[cpu].q.insert(t, deadline);
        b.lock.unlock();
        a.lock.unlock();
        if (head)
            head_changed(cpu);
        return;
    }
}

void timer_kill(Timer& t)
{
    timer_stop(t);
    // Its function may be running on the CPU that popped it: wait until
    // no CPU is (functions are short and never wait for another CPU), then
    // stop it again in case it re-armed itself meanwhile.
    for (unsigned i = 0; i < max_cpus; ++i)
        while (__atomic_load_n(&queues[i].running, __ATOMIC_ACQUIRE) == &t) {
            tlb_service();
            asm volatile("pause" ::: "memory");
        }
    timer_stop(t);
}

void timer_rearm_this_cpu()
{
    Cpu_timers& c = queues[this_cpu().index];
    c.lock.lock();
    uint64_t next = c.q.earliest();
    c.lock.unlock();
    if (next == Timer_queue::never)
        timer_cancel();
    else
        timer_set_oneshot(next);
}

// The APIC timer's callback (interrupts off). One-shot timers may fire
// early (timer.hpp): only timers whose deadline passed run.
void timers_run(uint64_t now)
{
    Cpu_timers& c = queues[this_cpu().index];
    c.lock.lock();
    while (Timer* t = c.q.pop_expired(now)) {
        __atomic_store_n(&c.running, t, __ATOMIC_RELEASE);
        c.lock.unlock();
        t->fn(*t, now);
        c.lock.lock();
        __atomic_store_n(&c.running, static_cast<Timer*>(nullptr), __ATOMIC_RELEASE);
    }
    c.lock.unlock();
    timer_rearm_this_cpu();
}

void timer_queue_visit(unsigned cpu, void (*visit)(const Timer& t, void* ctx), void* ctx)
{
    if (cpu >= max_cpus)
        return;
    Cpu_timers& c = queues[cpu];
    Lock_guard<Spinlock> g(c.lock);
    for (const Timer* t = c.q.first(); t; t = t->next)
        visit(*t, ctx);
}

} // namespace arch
