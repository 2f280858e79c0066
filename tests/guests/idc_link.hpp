// One interdomain event channel as two test domUs use it: the port kept
// masked (no upcall), waited on with SCHEDOP_poll, its pending bit cleared
// by the waiter, as Mini-OS's and Linux's polling paths do.
#pragma once
#include "hypercall.hpp"
#include "shared.hpp"

namespace idc {

inline bool pending(evtchn_port_t p)
{
    return (__atomic_load_n(&guest_shared_info()->evtchn_pending[p / 32], __ATOMIC_SEQ_CST) >>
            (p % 32)) &
           1;
}

inline void mask(evtchn_port_t p)
{
    __atomic_or_fetch(&guest_shared_info()->evtchn_mask[p / 32], 1u << (p % 32), __ATOMIC_SEQ_CST);
}

inline int32_t send(evtchn_port_t p)
{
    evtchn_send_t s = {p};
    return hc::event_channel_op(EVTCHNOP_send, &s);
}

// Sleeps until p is pending, then clears it.
inline void wait(evtchn_port_t p)
{
    while (!pending(p)) {
        sched_poll_t poll = {};
        set_xen_guest_handle(poll.ports, &p);
        poll.nr_ports = 1;
        (void)hc::sched_poll(&poll);
    }
    __atomic_and_fetch(&guest_shared_info()->evtchn_pending[p / 32], ~(1u << (p % 32)),
                       __ATOMIC_SEQ_CST);
}

inline evtchn_status_t status(evtchn_port_t p)
{
    evtchn_status_t s = {};
    s.dom = DOMID_SELF;
    s.port = p;
    if (hc::event_channel_op(EVTCHNOP_status, &s) != 0)
        s.status = 0xFFFFFFFFu;
    return s;
}

inline uint32_t mfn_of(const void* va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}

} // namespace idc
