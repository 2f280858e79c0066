// sched_op (and the pre-3.0.2 sched_op_compat): yield, block, shutdown,
// poll, remote shutdown, shutdown code. Yield lets the scheduler run
// another vCPU of equal priority; block and poll take the vCPU off its CPU
// (hypervisor/sched/schedule.hpp) until it has an event, or for poll one
// of its ports is pending or the timeout passed. The hypercall returns 0
// before the vCPU stops; it resumes after the call, and any upcall is
// delivered on the way back in.
#include "arch/x86_32/include/exception_frame.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/domain/shutdown.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/sched/schedule.hpp"
#include "public/sched.h"

namespace {

long shutdown(Vcpu& v, uint32_t reason)
{
    if (reason > SHUTDOWN_soft_reset)
        return -XEN_EINVAL;
    if (reason == SHUTDOWN_crash)
        domain_crash(*v.domain, &arch::guest_frame());
    else
        domain_shutdown(*v.domain, reason);
    return 0;
}

constexpr uint32_t max_poll_ports = 128;

struct Poll {
    uint32_t ports[max_poll_ports];
    uint32_t nr;
};

// None of the ports is pending yet.
bool poll_idle(Vcpu& v, void* ctx)
{
    const Poll& p = *static_cast<const Poll*>(ctx);
    for (uint32_t i = 0; i < p.nr; ++i)
        if (evtchn::port_pending(*v.domain, p.ports[i]))
            return false;
    return true;
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

// Xen's do_poll: the vCPU sleeps until one of the ports is pending, an
// upcall is due or the timeout passes, and returns 0 in every case.
long poll(Vcpu& v, uint32_t arg)
{
    sched_poll_t sp;
    if (!copy_from_guest(sp, arg))
        return -XEN_EFAULT;
    if (sp.nr_ports > max_poll_ports)
        return -XEN_EINVAL;
    Poll p;
    p.nr = sp.nr_ports;
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
    // One port is waited for by number; several wake on any of the domain's.
    vcpu_poll(v, p.nr == 1 ? p.ports[0] : 0, sp.timeout, poll_idle, &p);
    return 0;
}

} // namespace

long do_sched_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], arg = a.a[1];
    switch (cmd) {
    case SCHEDOP_yield: vcpu_yield(v); return 0;
    case SCHEDOP_block: vcpu_block(v); return 0;
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
    case SCHEDOP_yield: vcpu_yield(v); return 0;
    case SCHEDOP_block: vcpu_block(v); return 0;
    case SCHEDOP_shutdown: return shutdown(v, a.a[1]);
    default: return -XEN_ENOSYS;
    }
}
