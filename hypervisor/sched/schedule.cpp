#include "hypervisor/sched/schedule.hpp"

#include "arch/x86_32/include/cpu_kick.hpp"
#include "arch/x86_32/include/irq_flags.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/sched/runstate.hpp"

namespace {

struct Cpu_sched {
    sched::Credit_cpu credit;
    // The running vCPU's timeslice ends at slice_end (0: no timeslice).
    // Written on this CPU only. The timer may be due earlier than that (a
    // switch that moves the end later leaves it where it is, which saves
    // a queue update per switch): it then re-arms itself for slice_end.
    uint64_t slice_end = 0;
    Timer slice;
    Timer tick;    // credit burn and boost expiry, while busy
    Timer account; // the master CPU's accounting period
};

sched::Credit_scheduler scheduler;
Cpu_sched cpus[sched::max_cpus];

} // namespace

void sched_kick_cpus(sched::Cpu_mask m)
{
    // By 32-bit halves: a 64-bit shift per member costs more than the kick
    // of this CPU it is usually for.
    for (unsigned half = 0; half < 2; ++half) {
        auto w = static_cast<uint32_t>(half ? m.bits >> 32 : m.bits);
        for (; w != 0; w &= w - 1)
            arch::raise_schedule(half * 32 + static_cast<unsigned>(__builtin_ctz(w)));
    }
}

namespace {

Cpu_sched& of(Timer& t) { return *static_cast<Cpu_sched*>(t.ctx); }

void slice_ended(Timer& t, uint64_t now)
{
    Cpu_sched& c = of(t);
    uint64_t end = c.slice_end; // interrupts are off here, as in set_slice
    if (end == 0)
        return;
    if (now < end)
        arch::timer_set(t, end);
    else
        arch::raise_schedule(c.credit.id);
}

// The timeslice now ends at 'end' (0: none). Runs on c's CPU, as does the
// timer's function, in an interrupt: interrupts are off here so that it
// sees the end and the timer both old or both new.
void set_slice(Cpu_sched& c, uint64_t end)
{
    uint32_t flags = arch::irq_save();
    c.slice_end = end;
    if (end == 0)
        arch::timer_stop(c.slice);
    else
        arch::timer_set_by(c.slice, end);
    arch::irq_restore(flags);
}

void tick_fired(Timer& t, uint64_t now)
{
    Cpu_sched& c = of(t);
    sched::Cpu_mask k;
    bool busy;
    {
        Lock_guard<Spinlock> g(c.credit.lock);
        k = scheduler.tick(c.credit, now);
        busy = c.credit.curr != nullptr;
    }
    sched_kick(k);
    // Ticks stop while the CPU idles; sched_pick restarts them.
    if (busy)
        arch::timer_set(t, t.deadline + scheduler.tick_period_ns());
}

void account_fired(Timer& t, uint64_t now)
{
    sched_kick(scheduler.account(now));
    uint64_t next = t.deadline + scheduler.account_period_ns();
    arch::timer_set(t, next > now ? next : now + scheduler.account_period_ns());
}

// Why a vCPU that may not run does not: blocked first, as Xen.
uint8_t idle_state(const Vcpu& v) { return v.blocked ? RUNSTATE_blocked : RUNSTATE_offline; }

// Applies 'change' to v's run conditions under its runqueue lock and tells
// the policy when v became runnable or stopped being so.
template <typename F> void change(Vcpu& v, F change_fn)
{
    sched::Cpu_mask k;
    {
        sched::Vcpu_lock l(scheduler, v.sched);
        bool before = vcpu_runnable(v);
        change_fn(v);
        bool after = vcpu_runnable(v);
        // The clock is read only when a runstate changes or v wakes (not
        // when a running vCPU blocks: its CPU's switch accounts for it).
        bool new_state = before != after && v.runstate != RUNSTATE_running;
        uint64_t now = new_state || (!before && after) ? arch::system_time_ns() : 0;
        // A running vCPU's runstate changes when its CPU switches away.
        if (new_state)
            runstate_change(v, after ? RUNSTATE_runnable : idle_state(v), now);
        if (!before && after)
            k = scheduler.wake(v.sched, now).kick;
        else if (before && !after)
            k = scheduler.sleep(v.sched);
    }
    sched_kick(k);
}

// change() with everything it calls inlined (the wake-up and the policy's
// wake and sleep, the clock, the runstate): for the block, poll and
// unblock of every event wait, where the calls cost as much as the work
// (an event round trip 3 503 -> 3 413 instructions). Pause, unpause and
// up/down keep the smaller change().
template <typename F> [[gnu::flatten]] void change_inline(Vcpu& v, F change_fn)
{
    change(v, change_fn);
}

bool events_need_delivery(const Vcpu& v)
{
    return __atomic_load_n(&v.info->evtchn_upcall_pending, __ATOMIC_SEQ_CST) &&
           !__atomic_load_n(&v.info->evtchn_upcall_mask, __ATOMIC_SEQ_CST);
}

} // namespace

namespace sched {

Credit_scheduler& policy() { return scheduler; }

void init_cpu(unsigned cpu)
{
    Cpu_sched& c = cpus[cpu];
    uint64_t now = arch::system_time_ns();
    scheduler.init_cpu(c.credit, cpu, now);
    arch::timer_init(c.slice, slice_ended, &c, cpu, "sched slice");
    arch::timer_init(c.tick, tick_fired, &c, cpu, "sched tick");
    arch::timer_init(c.account, account_fired, &c, cpu, "sched account");
    if (scheduler.master_cpu() == cpu)
        arch::timer_set(c.account, now + scheduler.account_period_ns());
}

} // namespace sched

void sched_domain_init(Domain& d) { sched::Credit_scheduler::init_domain(d.sched, &d, d.id); }

void sched_vcpu_init(Vcpu& v)
{
    v.runstate = RUNSTATE_offline;
    v.runstate_entry_ns = arch::system_time_ns();
    scheduler.add_vcpu(v.sched, v.domain->sched, &v, static_cast<uint16_t>(v.id));
    arch::vcpu_timers_init(v, v.sched.cpu_hint());
}

void sched_vcpu_destroy(Vcpu& v)
{
    arch::vcpu_timers_kill(v);
    sched_kick(scheduler.remove_vcpu(v.sched).kick);
}

void vcpu_set_up(Vcpu& v, bool up)
{
    change(v, [up](Vcpu& x) { x.up = up; });
}

void vcpu_pause(Vcpu& v)
{
    change(v, [](Vcpu& x) { ++x.pause_count; });
}

void vcpu_unpause(Vcpu& v)
{
    change(v, [](Vcpu& x) {
        if (x.pause_count)
            --x.pause_count;
    });
}

void domain_pause(Domain& d)
{
    __atomic_fetch_add(&d.pause_count, 1u, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        vcpu_pause(*d.vcpus[i]);
}

void domain_unpause(Domain& d)
{
    if (__atomic_load_n(&d.pause_count, __ATOMIC_SEQ_CST) == 0)
        return;
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        vcpu_unpause(*d.vcpus[i]);
    __atomic_fetch_sub(&d.pause_count, 1u, __ATOMIC_SEQ_CST);
}

bool domain_quiet(const Domain& d)
{
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        if (__atomic_load_n(&d.vcpus[i]->is_running, __ATOMIC_ACQUIRE))
            return false;
    return true;
}

void vcpu_block(Vcpu& v)
{
    // Blocking re-enables event delivery (Xen: "the upcall mask is
    // cleared"); events pending already end it at once.
    __atomic_store_n(&v.info->evtchn_upcall_mask, uint8_t{0}, __ATOMIC_SEQ_CST);
    change_inline(v, [](Vcpu& x) { x.blocked = true; });
    // An upcall raised before 'blocked' was visible did not wake us (its
    // kick saw us awake): look again, after a full fence.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (events_need_delivery(v))
        vcpu_unblock(v);
}

void vcpu_poll(Vcpu& v, uint32_t port, uint64_t timeout, bool (*still_idle)(Vcpu& v, void* ctx),
               void* ctx)
{
    // The poll timer is armed here and stopped by the wake-up that ends a
    // poll, both under the vCPU's runqueue lock. A wake-up on another CPU
    // used to stop the timer after dropping that lock: when the vCPU had
    // already run again and started its next poll, that stop took the new
    // poll's timeout away and the poll never ended.
    change_inline(v, [port, timeout](Vcpu& x) {
        x.blocked = true;
        x.poll_port = port;
        x.poll_deadline = timeout;
        __atomic_store_n(&x.polling, true, __ATOMIC_SEQ_CST);
        if (timeout)
            arch::timer_set(x.poll_timer, timeout);
    });
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (events_need_delivery(v) || !still_idle(v, ctx))
        vcpu_unblock(v);
}

namespace {

// Under the vCPU's runqueue lock: the block or poll is over.
void end_wait(Vcpu& x)
{
    // The poll timer is armed only for a poll with a timeout (vcpu_poll).
    if (x.polling && x.poll_deadline != 0)
        arch::timer_stop(x.poll_timer);
    x.blocked = false;
    __atomic_store_n(&x.polling, false, __ATOMIC_SEQ_CST);
}

} // namespace

void vcpu_poll_timeout(Vcpu& v, uint64_t now)
{
    if (!__atomic_load_n(&v.polling, __ATOMIC_SEQ_CST))
        return;
    change(v, [now](Vcpu& x) {
        // A timer that fired as its poll ended, while the vCPU already
        // polls again with a later timeout, leaves the new poll alone.
        if (x.polling && x.poll_deadline != 0 && now >= x.poll_deadline)
            end_wait(x);
    });
}

void vcpu_unblock(Vcpu& v)
{
    if (!__atomic_load_n(&v.blocked, __ATOMIC_SEQ_CST))
        return;
    change_inline(v, end_wait);
}

void vcpu_kick(Vcpu& v)
{
    if (__atomic_load_n(&v.blocked, __ATOMIC_SEQ_CST)) {
        vcpu_unblock(v);
        return;
    }
    unsigned cpu = v.sched.cpu_hint();
    if (__atomic_load_n(&v.is_running, __ATOMIC_ACQUIRE) && cpu != arch::cpu_id())
        arch::kick_events(cpu);
}

void sched_port_raised(Domain& d, uint32_t port)
{
    for (unsigned i = 0; i < d.nr_vcpus; ++i) {
        Vcpu& v = *d.vcpus[i];
        if (__atomic_load_n(&v.polling, __ATOMIC_SEQ_CST) && (v.poll_port == 0 || v.poll_port == port))
            vcpu_unblock(v);
    }
}

void vcpu_yield(Vcpu& v)
{
    sched::Cpu_mask k;
    {
        sched::Vcpu_lock l(scheduler, v.sched);
        k = scheduler.yield(v.sched);
    }
    sched_kick(k);
}

Sched_pick sched_pick(unsigned cpu, Vcpu* prev)
{
    Cpu_sched& c = cpus[cpu];
    uint64_t tsc;
    uint64_t now = arch::system_time_ns_with_tsc(tsc);
    sched::Decision d;
    Vcpu* next;
    {
        Lock_guard<Spinlock> g(c.credit.lock);
        d = scheduler.schedule(c.credit, now);
        next = d.next ? static_cast<Vcpu*>(d.next->owner) : nullptr;
        if (next != prev) {
            if (prev)
                runstate_change(*prev, vcpu_runnable(*prev) ? RUNSTATE_runnable : idle_state(*prev), now);
            if (next) {
                runstate_change(*next, RUNSTATE_running, now);
                __atomic_store_n(&next->is_running, true, __ATOMIC_RELEASE);
            }
        }
    }
    sched_kick(d.kick);
    set_slice(c, d.run_ns ? now + d.run_ns : 0);
    if (!next)
        arch::timer_stop(c.tick);
    else if (!arch::timer_armed(c.tick)) {
        uint64_t period = scheduler.tick_period_ns();
        arch::timer_set(c.tick, (now / period + 1) * period);
    }
    return Sched_pick{next, next != prev, now, tsc};
}

void sched_switched(Vcpu* prev)
{
    if (!prev)
        return;
    __atomic_store_n(&prev->is_running, false, __ATOMIC_RELEASE);
    sched_kick(scheduler.context_saved(prev->sched));
}
