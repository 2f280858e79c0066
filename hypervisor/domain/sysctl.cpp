// sysctl (35), the control domain's machine-wide operations. Checks in
// Xen's order (xen/common/sysctl.c): the op copied in (-EFAULT),
// interface_version (-EACCES), the caller is the control domain (-EPERM),
// the command (-ENOSYS). The op is copied back when a command succeeds.
// Here: readconsole, sched_id, getdomaininfolist; sysctl_info.cpp:
// physinfo, cputopoinfo, numainfo.
#include "hypervisor/domain/sysctl.hpp"

#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/domctl.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

bool to_guest(void* ctx, uint32_t offset, const char* bytes, uint32_t n)
{
    return copy_bytes_to_guest(*static_cast<uint32_t*>(ctx) + offset, bytes, n);
}

long readconsole(xen_sysctl_readconsole& rc)
{
    uint32_t buf;
    if (!ctl_pointer(rc.buffer, buf))
        return -XEN_EFAULT;
    Console_ring::Read r{rc.clear != 0, rc.incremental != 0, rc.index, rc.count};
    if (long err = console::read_ring(r, to_guest, &buf))
        return err;
    rc.count = r.count;
    rc.index = r.index;
    return 0;
}

// Domains in id order from first_domain, at most max_domains of them.
long domaininfo_list(xen_sysctl_getdomaininfolist& l)
{
    uint32_t buf;
    if (!ctl_pointer(l.buffer, buf))
        return -XEN_EFAULT;
    uint32_t n = 0;
    xen_domctl_getdomaininfo info;
    for (uint32_t id = l.first_domain; id < max_domains && n < l.max_domains; ++id) {
        Domain_ref d = domain_get(static_cast<uint16_t>(id));
        if (!d)
            continue;
        domain_getinfo(*d, info);
        if (!copy_to_guest(buf + n * uint32_t{sizeof info}, info))
            return -XEN_EFAULT;
        ++n;
    }
    l.num_domains = n;
    return 0;
}

long run(xen_sysctl_t& op)
{
    switch (op.cmd) {
    case XEN_SYSCTL_readconsole: return readconsole(op.u.readconsole);
    case XEN_SYSCTL_sched_id: op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT; return 0;
    case XEN_SYSCTL_getdomaininfolist: return domaininfo_list(op.u.getdomaininfolist);
    case XEN_SYSCTL_physinfo: return sysctl_physinfo(op.u.physinfo);
    case XEN_SYSCTL_cputopoinfo: return sysctl_cputopoinfo(op.u.cputopoinfo);
    case XEN_SYSCTL_numainfo: return sysctl_numainfo(op.u.numainfo);
    default: return -XEN_ENOSYS;
    }
}

} // namespace

long do_sysctl(Vcpu& v, const Hypercall_args& a)
{
    xen_sysctl_t op;
    uint32_t arg = a.a[0];
    if (!copy_from_guest(op, arg))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (!v.domain->privileged)
        return -XEN_EPERM;
    long rc = run(op);
    if (rc == 0 && !copy_to_guest(arg, op))
        return -XEN_EFAULT;
    return rc;
}
