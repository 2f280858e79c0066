// set_timer_op: the vCPU's singleshot timer at an absolute system time
// (ns, as in vcpu_time_info); 0 cancels. A time already past fires at
// once, as in Xen.
#include "arch/x86_32/include/vtime.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

long do_set_timer_op(Vcpu& v, const Hypercall_args& a)
{
    // x86_32: the 64-bit timeout in two registers, low word first.
    uint64_t timeout = uint64_t{a.a[1]} << 32 | a.a[0];
    if (timeout == 0) {
        arch::vtimer_cancel(v, Timer_kind::singleshot);
        return 0;
    }
    return arch::vtimer_set(v, Timer_kind::singleshot, timeout) ? 0 : -XEN_ENOMEM;
}
