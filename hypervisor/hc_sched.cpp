// sched_op (and the pre-3.0.2 sched_op_compat): yield, block, shutdown,
// poll, remote shutdown, shutdown code. Without a second runnable vCPU,
// yield returns at once; block returns when an event is pending (events
// and timers come with the event-channel work, until then at once).
#include "arch/x86_32/pv_entry.hpp"
#include "hypervisor/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/shutdown.hpp"
#include "hypervisor/xen_errno.hpp"
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

long block(Vcpu& v)
{
    // Blocking re-enables event delivery (Xen: "the upcall mask is cleared").
    v.info->evtchn_upcall_mask = 0;
    return 0;
}

long remote_shutdown(Vcpu& v, uint32_t arg)
{
    sched_remote_shutdown_t rs;
    if (!copy_from_guest(rs, arg))
        return -XEN_EFAULT;
    if (!v.domain->privileged)
        return -XEN_EPERM;
    Domain* d = domain_by_id(rs.domain_id);
    if (!d)
        return -XEN_ESRCH;
    if (rs.reason > SHUTDOWN_soft_reset)
        return -XEN_EINVAL;
    domain_shutdown(*d, rs.reason);
    return 0;
}

long poll(Vcpu& v, uint32_t arg)
{
    sched_poll_t p;
    if (!copy_from_guest(p, arg))
        return -XEN_EFAULT;
    if (p.nr_ports > 128)
        return -XEN_EINVAL;
    for (uint32_t i = 0; i < p.nr_ports; ++i) {
        uint32_t port;
        if (!copy_from_guest(port, p.ports + 4 * i))
            return -XEN_EFAULT;
        if (port >= 32 * 32)
            return -XEN_EINVAL;
        uint32_t word = v.domain->shared->evtchn_pending[port / 32];
        if (word & (1u << (port % 32)))
            return 0;
    }
    // No event source exists yet that could make a port pending later.
    return 0;
}

} // namespace

long do_sched_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], arg = a.a[1];
    switch (cmd) {
    case SCHEDOP_yield: return 0;
    case SCHEDOP_block: return block(v);
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
    case SCHEDOP_block: return block(v);
    case SCHEDOP_shutdown: return shutdown(v, a.a[1]);
    default: return -XEN_ENOSYS;
    }
}
