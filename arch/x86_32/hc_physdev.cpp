// physdev_op: a vCPU's I/O privilege. Physical interrupts (map_pirq, eoi,
// irq_status_query, ...) come with the event-channel work and return
// -ENOSYS until then.
#include "hypervisor/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/xen_errno.hpp"
#include "public/physdev.h"

long do_physdev_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], arg = a.a[1];
    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        physdev_set_iopl_t s;
        if (!copy_from_guest(s, arg))
            return -XEN_EFAULT;
        if (s.iopl > 3)
            return -XEN_EINVAL;
        v.iopl = s.iopl;
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}
