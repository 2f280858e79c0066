// XEN_DOMCTL_pausedomain, unpausedomain, getdomaininfo, max_mem,
// setdomainhandle, settimeoffset, shadow_op and hypercall_init.
#include "arch/x86_32/include/hypercall_page.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/domain_pause.hpp"
#include "hypervisor/domain/domctl.hpp"
#include "hypervisor/domain/domctl_rules.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/frame.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace {

Dominfo_facts facts(const Domain& d)
{
    Dominfo_facts f;
    f.dying = d.life == Domain_life::dead;
    f.shut_down = __atomic_load_n(&d.shutting_down, __ATOMIC_ACQUIRE);
    if (f.shut_down)
        f.shutdown_code = d.shutdown_reason;
    f.controller_paused = __atomic_load_n(&d.controller_pause_count, __ATOMIC_RELAXED) > 0;
    for (unsigned i = 0; i < d.nr_vcpus; ++i) {
        const Vcpu& v = *d.vcpus[i];
        if (!__atomic_load_n(&v.up, __ATOMIC_RELAXED))
            continue;
        ++f.online_vcpus;
        f.all_online_blocked &= __atomic_load_n(&v.blocked, __ATOMIC_RELAXED);
        f.any_running |= __atomic_load_n(&v.is_running, __ATOMIC_RELAXED);
    }
    return f;
}

} // namespace

void domain_getinfo(Domain& d, xen_domctl_getdomaininfo& out)
{
    __builtin_memset(&out, 0, sizeof out);
    Dominfo_facts f = facts(d);
    out.domain = d.id;
    out.flags = dominfo_flags(f);
    out.tot_pages = d.tot_pages;
    out.max_pages = d.max_pages;
    // A PV domain's gfns are mfns.
    out.shared_info_frame = raw(d.shared_info_mfn);
    uint64_t ns = 0;
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        ns += runstate_snapshot(*d.vcpus[i]).time[RUNSTATE_running];
    out.cpu_time = ns;
    out.nr_online_vcpus = f.online_vcpus;
    out.max_vcpu_id = d.nr_vcpus ? d.nr_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
    __builtin_memcpy(out.handle, d.handle, sizeof out.handle);
    out.cpupool = 0;
    // Xen's hap_paddr_bits, which defaults to paddr_bits: PAE's 36.
    out.gpaddr_bits = 36;
    out.arch_config.emulation_flags = d.arch.emulation_flags;
}

long domctl_getdomaininfo(Domctl& c)
{
    domain_getinfo(*c.d, c.op.u.getdomaininfo);
    c.copyback = true;
    return 0;
}

// Xen: not the caller's own domain (it could not wait for itself).
long domctl_pausedomain(Domctl& c)
{
    if (c.d == c.caller.domain)
        return -XEN_EINVAL;
    return domain_pause_by_controller(*c.d);
}

long domctl_unpausedomain(Domctl& c) { return domain_unpause_by_controller(*c.d); }

// KiB to pages; above what a domain can count, the most it can. Pages
// already above the new limit stay (Xen: the domain "ratchets down").
long domctl_max_mem(Domctl& c)
{
    uint64_t pages = c.op.u.max_mem.max_memkb >> (page_shift - 10);
    uint32_t limit = pages > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<uint32_t>(pages);
    Lock_guard<Spinlock> g(c.d->mm_lock);
    c.d->max_pages = limit;
    return 0;
}

long domctl_setdomainhandle(Domctl& c)
{
    __builtin_memcpy(c.d->handle, c.op.u.setdomainhandle.handle, sizeof c.d->handle);
    return 0;
}

long domctl_settimeoffset(Domctl& c)
{
    arch::vtime_set_offset(*c.d, c.op.u.settimeoffset.time_offset_seconds);
    return 0;
}

// A PV domain here never runs in shadow or log-dirty mode, and neither can
// be switched on: Xen's paging_domctl and shadow_domctl as a build without
// shadow paging answers a PV domain, except that OFF (nothing to switch
// off) and GET_ALLOCATION (no pool: 0 MiB) succeed as with shadow paging.
long domctl_shadow_op(Domctl& c)
{
    xen_domctl_shadow_op& s = c.op.u.shadow_op;
    if (c.d == c.caller.domain || c.d->life != Domain_life::alive || c.d->nr_vcpus == 0)
        return -XEN_EINVAL;
    switch (s.op) {
    case XEN_DOMCTL_SHADOW_OP_OFF: return 0;
    case XEN_DOMCTL_SHADOW_OP_ENABLE:
        if (!(s.mode & XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY))
            return -XEN_EINVAL;
        return -XEN_EOPNOTSUPP;
    case XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY: return -XEN_EOPNOTSUPP;
    case XEN_DOMCTL_SHADOW_OP_CLEAN:
    case XEN_DOMCTL_SHADOW_OP_PEEK: return -XEN_EINVAL; // log-dirty is off
    case XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION:
        s.mb = 0;
        c.copyback = true;
        return 0;
    default: return -XEN_EINVAL;
    }
}

long domctl_hypercall_init(Domctl& c)
{
    return arch::hypercall_page_init(*c.d, c.op.u.hypercall_init.gmfn);
}
