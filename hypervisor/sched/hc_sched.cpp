// sched_op (and the pre-3.0.2 sched_op_compat): yield, block, shutdown,
// poll, remote shutdown, shutdown code. Without a second runnable vCPU,
// yield returns at once. Block and poll halt this CPU (interrupts on)
// until the vCPU has an event, or for poll one of its ports is pending or
// the timeout passed; the upcall, if any, is delivered on the way out.
#include "arch/x86_32/include/exception_frame.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/domain/shutdown.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "public/sched.h"

namespace {

long shutdown(Vcpu& v, uint32_t reason)
{
    if (reason > SHUTDOWN_soft_reset)
        return -XEN_EINVAL;
    if (reason == SHUTDOWN_crash)
        domain_crash(*v.domain, &arch::guest_frame());
    domain_shutdown(*v.domain, reason);
    return 0;
}

// Xen's local_events_need_delivery().
bool events_need_delivery(const Vcpu& v)
{
    return __atomic_load_n(&v.info->evtchn_upcall_pending, __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&v.info->evtchn_upcall_mask, __ATOMIC_ACQUIRE);
}

bool block_done(Vcpu& v, const void*) { return events_need_delivery(v) || v.domain->shutting_down; }

} // namespace

long vcpu_block(Vcpu& v)
{
    // Blocking re-enables event delivery (Xen: "the upcall mask is
    // cleared"); events pending already end it at once.
    v.info->evtchn_upcall_mask = 0;
    v.blocked = true;
    arch::wait_until(v, block_done, nullptr);
    v.blocked = false;
    arch::update_vcpu_time(v);
    return 0;
}

namespace {

constexpr uint32_t max_poll_ports = 128;

struct Poll {
    uint32_t ports[max_poll_ports];
    uint32_t nr;
    uint64_t timeout;   // system time; 0 = none
};

bool poll_done(Vcpu& v, const void* ctx)
{
    const Poll& p = *static_cast<const Poll*>(ctx);
    if (events_need_delivery(v) || v.domain->shutting_down)
        return true;
    for (uint32_t i = 0; i < p.nr; ++i)
        if (evtchn::port_pending(*v.domain, p.ports[i]))
            return true;
    return p.timeout != 0 && arch::system_time_ns() >= p.timeout;
}

long remote_shutdown(Vcpu& v, uint32_t arg)
{
    sched_remote_shutdown_t rs;
    if (!copy_from_guest(rs, arg))
        return -XEN_EFAULT;
    if (!v.domain->privileged)
        return -XEN_EPERM;
    Domain_ref d = domain_get(rs.domain_id);
    if (!d)
        return -XEN_ESRCH;
    if (rs.reason > SHUTDOWN_soft_reset)
        return -XEN_EINVAL;
    domain_shutdown(*d, rs.reason);
    return 0;
}

long poll(Vcpu& v, uint32_t arg)
{
    sched_poll_t sp;
    if (!copy_from_guest(sp, arg))
        return -XEN_EFAULT;
    if (sp.nr_ports > max_poll_ports)
        return -XEN_EINVAL;
    Poll p;
    p.nr = sp.nr_ports;
    p.timeout = sp.timeout;
    // Ports are read and checked in order, and a pending one ends the call
    // before later ones are looked at, as in Xen's do_poll.
    for (uint32_t i = 0; i < p.nr; ++i) {
        if (!copy_from_guest(p.ports[i], sp.ports + 4 * i))
            return -XEN_EFAULT;
        if (p.ports[i] >= Evtchn_table::nr_ports)
            return -XEN_EINVAL;
        if (evtchn::port_pending(*v.domain, p.ports[i]))
            return 0;
    }
    if (events_need_delivery(v))
        return 0;
    if (p.timeout && !arch::vtimer_set(v, Timer_kind::poll, p.timeout))
        return -XEN_ENOMEM;
    v.blocked = true;
    arch::wait_until(v, poll_done, &p);
    v.blocked = false;
    arch::vtimer_cancel(v, Timer_kind::poll);
    arch::update_vcpu_time(v);
    return 0;
}

} // namespace

long do_sched_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], arg = a.a[1];
    switch (cmd) {
    case SCHEDOP_yield: return 0;
    case SCHEDOP_block: return vcpu_block(v);
    case SCHEDOP_shutdown: {
        sched_shutdown_t s;
        if (!copy_from_guest(s, arg))
            return -XEN_EFAULT;
        return shutdown(v, s.reason);
    }
    case SCHEDOP_poll: return poll(v, arg);
    case SCHEDOP_remote_shutdown: return remote_shutdown(v, arg);
    case SCHEDOP_shutdown_code: {
        sched_shutdown_t s;
        if (!copy_from_guest(s, arg))
            return -XEN_EFAULT;
        v.domain->shutdown_reason = static_cast<uint8_t>(s.reason);
        return 0;
    }
    default: return -XEN_ENOSYS;
    }
}

long do_sched_op_compat(Vcpu& v, const Hypercall_args& a)
{
    // The old interface takes the shutdown reason directly in the argument.
    switch (a.a[0]) {
    case SCHEDOP_yield: return 0;
    case SCHEDOP_block: return vcpu_block(v);
    case SCHEDOP_shutdown: return shutdown(v, a.a[1]);
    default: return -XEN_ENOSYS;
    }
}
