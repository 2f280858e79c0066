// set_timer_op: the vCPU's singleshot timer at an absolute system time
// (ns, as in vcpu_time_info); 0 cancels. A time already past fires at
// once, as in Xen; a timeout wrapped negative or more than 2^50 ns (about
// 13 days) away fires in 100 ms instead, Xen's workaround for Linux's
// wrapped jiffies (do_set_timer_op).
#include "arch/x86_32/include/vtime.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

long do_set_timer_op(Vcpu& v, const Hypercall_args& a)
{
    // x86_32: the 64-bit timeout in two registers, low word first.
    uint64_t timeout = uint64_t{a.a[1]} << 32 | a.a[0];
    if (timeout == 0) {
        arch::timer_stop(v.singleshot_timer);
        return 0;
    }
    uint64_t now = arch::system_time_ns();
    int64_t offset = static_cast<int64_t>(timeout - now);
    if (static_cast<int64_t>(timeout) < 0 || (offset > 0 && (offset >> 50) != 0))
        timeout = now + 100000000ull;
    arch::timer_set(v.singleshot_timer, timeout);
    return 0;
}
