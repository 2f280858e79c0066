// domctl (36), the toolstack's management of domains. Checks in Xen's
// order (xen/common/domctl.c): the op copied in (-EFAULT), its
// interface_version (-EACCES), the domain (-ESRCH, or -EPERM when the
// caller is not the control domain), the caller's privilege (the XSM dummy
// policy: control domain only, -EPERM), then the command (-ENOSYS). The
// state-changing commands are serialised by one lock, taken with a try:
// a caller that finds it held re-issues the call (a continuation), so two
// vCPUs of the control domain never wait on each other inside the
// hypervisor.
#include "hypervisor/domain/domctl.hpp"

#include "arch/x86_32/include/hypercall_continuation.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/vcpu.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

Spinlock domctl_lock;

using Worker = long (*)(Domctl& c);

} // namespace

long domctl_retry(Domctl& c)
{
    return arch::hypercall_continue(c.caller, __HYPERVISOR_domctl, c.arg, 0);
}

namespace {

// The commands run under domctl_lock, and their workers.
Worker locked_worker(uint32_t cmd)
{
    switch (cmd) {
    case XEN_DOMCTL_createdomain: return domctl_createdomain;
    case XEN_DOMCTL_destroydomain: return domctl_destroydomain;
    case XEN_DOMCTL_max_vcpus: return domctl_max_vcpus;
    case XEN_DOMCTL_pausedomain: return domctl_pausedomain;
    case XEN_DOMCTL_unpausedomain: return domctl_unpausedomain;
    case XEN_DOMCTL_max_mem: return domctl_max_mem;
    case XEN_DOMCTL_setdomainhandle: return domctl_setdomainhandle;
    case XEN_DOMCTL_settimeoffset: return domctl_settimeoffset;
    case XEN_DOMCTL_hypercall_init: return domctl_hypercall_init;
    case XEN_DOMCTL_shadow_op: return domctl_shadow_op;
    case XEN_DOMCTL_setvcpucontext: return domctl_setvcpucontext;
    case XEN_DOMCTL_getvcpucontext: return domctl_getvcpucontext;
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity: return domctl_vcpuaffinity;
    case XEN_DOMCTL_scheduler_op: return domctl_scheduler_op;
    default: return nullptr;
    }
}

// Xen's get_domain_state is the one stable command: version 0.
uint32_t expected_version(uint32_t cmd)
{
    return cmd == XEN_DOMCTL_get_domain_state ? 0 : XEN_DOMCTL_INTERFACE_VERSION;
}

long run(Vcpu& v, xen_domctl_t& op, uint32_t arg, Domain* d, bool& copyback)
{
    Domctl c{v, d, op, arg};
    long rc;
    // Not under the lock in Xen either: they change nothing.
    if (op.cmd == XEN_DOMCTL_getdomaininfo) {
        rc = domctl_getdomaininfo(c);
    } else if (op.cmd == XEN_DOMCTL_getvcpuinfo) {
        rc = domctl_getvcpuinfo(c);
    } else if (Worker w = locked_worker(op.cmd)) {
        if (!domctl_lock.try_lock())
            return domctl_retry(c);
        rc = w(c);
        domctl_lock.unlock();
    } else {
        rc = -XEN_ENOSYS;
    }
    copyback = c.copyback;
    return rc;
}

} // namespace

long do_domctl(Vcpu& v, const Hypercall_args& a)
{
    // 144 bytes: on the stack.
    xen_domctl_t op;
    uint32_t arg = a.a[0];
    if (!copy_from_guest(op, arg))
        return -XEN_EFAULT;
    if (op.interface_version != expected_version(op.cmd))
        return -XEN_EACCES;
    bool privileged = v.domain->privileged;
    Domain_ref d;
    if (op.cmd != XEN_DOMCTL_createdomain) {
        d = domain_get(op.domain);
        if (!d)
            return privileged ? -XEN_ESRCH : -XEN_EPERM;
    }
    if (!privileged)
        return -XEN_EPERM;
    bool copyback = false;
    long rc = run(v, op, arg, d.get(), copyback);
    if (copyback && !copy_to_guest(arg, op))
        return -XEN_EFAULT;
    return rc;
}
