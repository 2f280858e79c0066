// platform_op (7): the hardware-platform operations of the privileged
// domain. Only setting the wall clock (XENPF_settime32/64) is implemented.
// Order of checks as Xen's x86 do_platform_op: copy in (-EFAULT), interface
// version (-EACCES), privilege (-EPERM), then the command (-ENOSYS).
#include "arch/x86_32/include/vtime.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "public/platform.h"

long do_platform_op(Vcpu& v, const Hypercall_args& a)
{
    xen_platform_op_t op;
    if (!copy_from_guest(op, a.a[0]))
        return -XEN_EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (!v.domain->privileged)
        return -XEN_EPERM;
    switch (op.cmd) {
    case XENPF_settime32:
        arch::vtime_set_wallclock(op.u.settime32.secs, op.u.settime32.nsecs, op.u.settime32.system_time);
        return 0;
    case XENPF_settime64:
        if (op.u.settime64.mbz)
            return -XEN_EINVAL;
        arch::vtime_set_wallclock(op.u.settime64.secs, op.u.settime64.nsecs, op.u.settime64.system_time);
        return 0;
    default: return -XEN_ENOSYS;
    }
}
