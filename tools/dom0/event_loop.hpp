// The dom0 kernel's event loop: every event channel's port is dispatched
// to whoever owns it, timers fire in deadline order, and when nothing is
// ready the vCPU blocks (SCHEDOP_block, woken by the next event or by the
// single-shot timer set to the earliest deadline). Nothing blocks inside a
// handler, so the store, the consoles, the shell and waiting commands all
// make progress side by side.
//
// The event callback (guest-abi's set_event_handler) only moves unmasked
// pending ports into a ready set with atomic operations; handlers run from
// run_once(), on the kernel's one stack.
#pragma once
#include <cstdint>

#include "public/event_channel.h"

namespace dom0 {

using Port_handler = void (*)(void* ctx, evtchn_port_t port);
using Timer_handler = void (*)(void* ctx);

class Event_loop {
public:
    static constexpr unsigned nr_ports = 1024; // 2-level, 32-bit guest
    static constexpr unsigned nr_timers = 32;

    // Installs the event callback and binds VIRQ_TIMER.
    [[nodiscard]] bool init();

    // Ports without a handler of their own go to the fallback.
    void set_fallback(Port_handler fn, void* ctx);
    void bind(evtchn_port_t port, Port_handler fn, void* ctx);
    void unbind(evtchn_port_t port);
    // EVTCHNOP_bind_virq on vCPU 0 and bind(); 0 on failure.
    evtchn_port_t bind_virq(uint32_t virq, Port_handler fn, void* ctx);

    // fn(ctx) once, when system time reaches deadline_ns; a timer of the
    // same fn and ctx is moved instead of added. False if all are in use.
    bool at(uint64_t deadline_ns, Timer_handler fn, void* ctx);
    void cancel(Timer_handler fn, void* ctx);

    uint64_t now_ns() const;
    // Dispatches what is ready; blocks first when nothing is.
    void run_once();

private:
    struct Timer {
        uint64_t deadline = 0;
        Timer_handler fn = nullptr;
        void* ctx = nullptr;
    };
    struct Binding {
        Port_handler fn = nullptr;
        void* ctx = nullptr;
    };

    bool dispatch_ports();
    bool fire_timers();
    void block_until_next();

    Binding ports_[nr_ports];
    Binding fallback_;
    Timer timers_[nr_timers];
    evtchn_port_t timer_port_ = 0;
};

} // namespace dom0
