// multicall: a batch of hypercalls in one trap. Each entry's result is
// written back to it; a failing entry does not stop the batch (Xen's
// semantics: the caller inspects every result). A bad entry pointer stops
// the batch with -EFAULT; an iret entry is refused and ends the batch.
#include "hypervisor/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/xen_errno.hpp"

long do_multicall(Vcpu& v, const Hypercall_args& a)
{
    uint32_t list = a.a[0], nr = a.a[1];
    if (nr > 0x10000)
        return -XEN_EINVAL;
    for (uint32_t i = 0; i < nr; ++i) {
        multicall_entry_t e;
        uint32_t at = list + i * static_cast<uint32_t>(sizeof e);
        if (!copy_from_guest(e, at))
            return -XEN_EFAULT;
        Hypercall_args args{{e.args[0], e.args[1], e.args[2], e.args[3], e.args[4]}};
        long r = hypercall_dispatch(v, e.op, args, true);
        uint32_t result = static_cast<uint32_t>(r);
        if (!copy_to_guest(at + offsetof(multicall_entry_t, result), result))
            return -XEN_EFAULT;
        // Xen ends the batch at an iret entry (mc_exit); so do we, after
        // refusing it.
        if (v.domain->shutting_down || e.op == __HYPERVISOR_iret)
            break;
    }
    return 0;
}
