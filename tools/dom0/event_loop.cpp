#include "tools/dom0/event_loop.hpp"

#include "hypercall.hpp"
#include "shared.hpp"
#include "traps.hpp"

namespace dom0 {
namespace {

// Ports taken from the shared-info page by the event callback, waiting for
// run_once(). Written with atomic or, taken with atomic exchange: the
// callback may interrupt run_once() at any point.
uint32_t ready[32];

void collect_events()
{
    vcpu_info_t* v = vcpu0_info();
    shared_info_t* s = guest_shared_info();
    v->evtchn_upcall_pending = 0;
    uint32_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0u, __ATOMIC_ACQ_REL);
    for (unsigned w = 0; w < 32; ++w) {
        if ((sel & (1u << w)) == 0)
            continue;
        // A masked port stays pending (its owner unmasks it later).
        uint32_t mask = __atomic_load_n(&s->evtchn_mask[w], __ATOMIC_ACQUIRE);
        uint32_t got = __atomic_fetch_and(&s->evtchn_pending[w], mask, __ATOMIC_ACQ_REL) & ~mask;
        if (got)
            __atomic_fetch_or(&ready[w], got, __ATOMIC_RELEASE);
    }
}

} // namespace

bool Event_loop::init()
{
    set_event_handler(collect_events);
    timer_port_ = bind_virq(VIRQ_TIMER, [](void*, evtchn_port_t) {}, nullptr);
    return timer_port_ != 0;
}

void Event_loop::set_fallback(Port_handler fn, void* ctx) { fallback_ = Binding{fn, ctx}; }

void Event_loop::bind(evtchn_port_t port, Port_handler fn, void* ctx)
{
    if (port < nr_ports)
        ports_[port] = Binding{fn, ctx};
}

void Event_loop::unbind(evtchn_port_t port)
{
    if (port < nr_ports)
        ports_[port] = Binding{};
}

evtchn_port_t Event_loop::bind_virq(uint32_t virq, Port_handler fn, void* ctx)
{
    evtchn_bind_virq_t op{virq, 0, 0};
    if (hc::event_channel_op(EVTCHNOP_bind_virq, &op) != 0 || op.port >= nr_ports)
        return 0;
    bind(op.port, fn, ctx);
    return op.port;
}

bool Event_loop::at(uint64_t deadline_ns, Timer_handler fn, void* ctx)
{
    Timer* slot = nullptr;
    for (Timer& t : timers_) {
        if (t.fn == fn && t.ctx == ctx) {
            slot = &t;
            break;
        }
        if (!t.fn && !slot)
            slot = &t;
    }
    if (!slot)
        return false;
    *slot = Timer{deadline_ns, fn, ctx};
    return true;
}

void Event_loop::cancel(Timer_handler fn, void* ctx)
{
    for (Timer& t : timers_)
        if (t.fn == fn && t.ctx == ctx)
            t = Timer{};
}

uint64_t Event_loop::now_ns() const { return system_time_now_ns(0); }

bool Event_loop::dispatch_ports()
{
    bool any = false;
    for (unsigned w = 0; w < 32; ++w) {
        uint32_t bits = __atomic_exchange_n(&ready[w], 0u, __ATOMIC_ACQ_REL);
        while (bits) {
            unsigned b = static_cast<unsigned>(__builtin_ctz(bits));
            bits &= bits - 1;
            evtchn_port_t port = w * 32 + b;
            const Binding& h = ports_[port].fn ? ports_[port] : fallback_;
            if (h.fn)
                h.fn(h.ctx, port);
            any = true;
        }
    }
    return any;
}

bool Event_loop::fire_timers()
{
    bool any = false;
    uint64_t now = now_ns();
    for (Timer& t : timers_) {
        if (!t.fn || t.deadline > now)
            continue;
        Timer due = t;
        t = Timer{}; // the handler may set it again
        due.fn(due.ctx);
        any = true;
    }
    return any;
}

void Event_loop::block_until_next()
{
    uint64_t next = 0;
    for (const Timer& t : timers_)
        if (t.fn && (next == 0 || t.deadline < next))
            next = t.deadline;
    // Without a deadline, wake at least once a second anyway: a lost
    // event can then delay work, never stop it.
    uint64_t cap = now_ns() + 1000000000ull;
    hc::set_timer_op(next && next < cap ? next : cap);
    // SCHEDOP_block enables event delivery and returns at once if an event
    // is already pending, so nothing that arrived since the last look is
    // slept through; the callback runs before it returns.
    hc::sched_block();
    vcpu0_info()->evtchn_upcall_mask = 1;
}

void Event_loop::run_once()
{
    // Events stay masked outside SCHEDOP_block, so what arrived while the
    // loop was busy is collected here (the callback does it while blocked).
    collect_events();
    bool ports = dispatch_ports();
    bool timers = fire_timers();
    if (!ports && !timers) {
        block_until_next();
        dispatch_ports();
        fire_timers();
    }
}

} // namespace dom0
