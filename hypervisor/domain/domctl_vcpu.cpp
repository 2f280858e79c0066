// XEN_DOMCTL_setvcpucontext, getvcpucontext, getvcpuinfo and
// {set,get}vcpuaffinity.
#include "arch/x86_32/include/cpu_kick.hpp"
#include "arch/x86_32/include/vcpu_context.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/domctl.hpp"
#include "hypervisor/domain/domctl_rules.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace {

// 2.8 KiB: too much for the hypervisor stack; one per CPU (the domctl
// lock is held, but a CPU's buffer is its own either way).
vcpu_guest_context_t context_buf[sched::max_cpus];

Vcpu* vcpu_of(Domain& d, uint32_t id) { return id < d.nr_vcpus ? d.vcpus[id] : nullptr; }

long reset(Domain& d, Vcpu& t)
{
    domain_pause_sync(d);
    vcpu_set_up(t, false);
    vcpu_unblock(t);
    long rc = arch::vcpu_reset(t);
    domain_unpause(d);
    return rc;
}

} // namespace

// Xen: never the caller's own domain (it cannot be paused); a null
// context resets the vCPU (down, without a context, not blocked). The
// domain is paused around the change; VGCF_online brings the vCPU up (it
// runs once its domain is unpaused), its absence takes it down.
long domctl_setvcpucontext(Domctl& c)
{
    Vcpu* t = vcpu_of(*c.d, c.op.u.vcpucontext.vcpu);
    if (c.d == c.caller.domain || !t)
        return -XEN_EINVAL;
    uint32_t ptr;
    if (!ctl_pointer(c.op.u.vcpucontext.ctxt, ptr))
        return -XEN_EFAULT;
    if (ptr == 0)
        return reset(*c.d, *t);
    vcpu_guest_context_t& ctx = context_buf[arch::cpu_id()];
    if (!copy_from_guest(ctx, ptr))
        return -XEN_EFAULT;
    domain_pause_sync(*c.d);
    long rc = arch::vcpu_set_context(*t, ctx);
    if (rc == 0)
        vcpu_set_up(*t, (ctx.flags & VGCF_online) != 0);
    domain_unpause(*c.d);
    return rc;
}

// Xen: any vCPU but the caller itself; -ENODATA before it has a context.
long domctl_getvcpucontext(Domctl& c)
{
    Vcpu* t = vcpu_of(*c.d, c.op.u.vcpucontext.vcpu);
    if (!t || t == &c.caller)
        return -XEN_EINVAL;
    if (!t->initialised)
        return -XEN_ENODATA;
    uint32_t ptr;
    bool ptr_ok = ctl_pointer(c.op.u.vcpucontext.ctxt, ptr);
    vcpu_guest_context_t& ctx = context_buf[arch::cpu_id()];
    vcpu_pause_sync(*t);
    arch::vcpu_get_context(*t, ctx);
    vcpu_unpause(*t);
    c.copyback = true;
    return ptr_ok && copy_to_guest(ptr, ctx) ? 0 : -XEN_EFAULT;
}

long domctl_getvcpuinfo(Domctl& c)
{
    xen_domctl_getvcpuinfo& i = c.op.u.getvcpuinfo;
    Vcpu* t = vcpu_of(*c.d, i.vcpu);
    if (!t)
        return -XEN_ENOENT;
    i.online = __atomic_load_n(&t->up, __ATOMIC_RELAXED);
    i.blocked = __atomic_load_n(&t->blocked, __ATOMIC_RELAXED);
    i.running = __atomic_load_n(&t->is_running, __ATOMIC_RELAXED);
    i.cpu_time = runstate_snapshot(*t).time[RUNSTATE_running];
    i.cpu = t->sched.cpu_hint();
    c.copyback = true;
    return 0;
}
