// vcpu_op: bringing a domain's vCPUs up and down (initialise, up, down,
// is_up), their runstate, where their vcpu_info and runstate copies live,
// and their singleshot and periodic timers.
#include "arch/x86_32/include/frame_map.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "arch/x86_32/include/cpu_kick.hpp"
#include "arch/x86_32/include/vcpu_context.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/shutdown.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/sched/schedule.hpp"
#include "public/sched.h"
#include "public/vcpu.h"

namespace {

// Serialises VCPUOP_initialise (Xen takes the domain lock).
Spinlock initialise_lock;

long register_vcpu_info(Vcpu& t, uint32_t arg)
{
    vcpu_register_vcpu_info_t r;
    if (!copy_from_guest(r, arg))
        return -XEN_EFAULT;
    // As Xen, rsvd is not looked at (Linux leaves it uninitialised).
    if (r.offset > page_size - sizeof(vcpu_info) || r.mfn >> 32)
        return -XEN_EINVAL;
    if (t.info_mfn != invalid_mfn)
        return -XEN_EINVAL; // once only, as Xen
    Domain& d = *t.domain;
    Mfn m{static_cast<uint32_t>(r.mfn)};
    Page* pg = mfn_to_page(m);
    if (!pg || !get_page(*pg, d.id))
        return -XEN_EINVAL;
    // The frame keeps a writable type reference for as long as the
    // hypervisor writes it, so it can never become a page table meanwhile.
    Mm_ctx ctx{arch::pv_frame_space(), d.mm};
    if (long rc = get_page_type(ctx, m, *pg, pgt::bits(Page_type::writable))) {
        (void)put_page(*pg);
        return rc;
    }
    auto* page = static_cast<uint8_t*>(arch::map_frame_global(m));
    if (!page) {
        put_page_type(ctx, m, *pg);
        (void)put_page(*pg);
        return -XEN_ENOMEM;
    }
    auto* info = reinterpret_cast<vcpu_info*>(page + r.offset);
    __builtin_memcpy(info, t.info, sizeof *info);
    info->evtchn_upcall_pending = 1; // make the guest rescan, as Xen does
    t.info = info;
    t.info_mfn = m;
    return 0;
}

// Xen: period below 1 ms is refused; STIME_DELTA_MAX bounds it above.
constexpr uint64_t min_period_ns = 1000000;
constexpr uint64_t max_period_ns = 1ull << 62;

long set_periodic(Vcpu& t, uint32_t arg)
{
    vcpu_set_periodic_timer_t p;
    if (!copy_from_guest(p, arg))
        return -XEN_EFAULT;
    if (p.period_ns < min_period_ns || p.period_ns > max_period_ns)
        return -XEN_EINVAL;
    arch::vtimer_set_periodic(t, p.period_ns);
    return 0;
}

// Only the vCPU itself may set its singleshot timer (Xen: -EINVAL).
long set_singleshot(Vcpu& v, Vcpu& t, uint32_t arg)
{
    if (&t != &v)
        return -XEN_EINVAL;
    vcpu_set_singleshot_timer_t s;
    if (!copy_from_guest(s, arg))
        return -XEN_EFAULT;
    if ((s.flags & VCPU_SSHOTTMR_future) && s.timeout_abs_ns < arch::system_time_ns())
        return -XEN_ETIME;
    arch::timer_set(t.singleshot_timer, s.timeout_abs_ns);
    return 0;
}

// Xen's default_initialise_vcpu: once per vCPU (-EEXIST after).
long initialise(Vcpu& t, uint32_t arg)
{
    // 2.8 KiB: too much for the hypervisor stack.
    static vcpu_guest_context_t ctx[sched::max_cpus];
    vcpu_guest_context_t& c = ctx[arch::cpu_id()];
    if (!copy_from_guest(c, arg))
        return -XEN_EFAULT;
    Lock_guard<Spinlock> g(initialise_lock);
    if (t.initialised)
        return -XEN_EEXIST;
    return arch::vcpu_initialise(t, c);
}

// Xen: the last vCPU going down powers the domain off instead.
long down(Domain& d, Vcpu& t)
{
    bool others_up = false;
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        others_up |= d.vcpus[i] != &t && d.vcpus[i]->up;
    if (!others_up) {
        domain_shutdown(d, SHUTDOWN_poweroff);
        return 0;
    }
    vcpu_set_up(t, false);
    return 0;
}

} // namespace

long do_vcpu_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], id = a.a[1], arg = a.a[2];
    Domain& d = *v.domain;
    if (id >= d.nr_vcpus)
        return -XEN_ENOENT;
    Vcpu& t = *d.vcpus[id];
    switch (cmd) {
    case VCPUOP_initialise: return initialise(t, arg);
    case VCPUOP_up:
        if (!t.initialised)
            return -XEN_EINVAL;
        vcpu_set_up(t, true);
        return 0;
    case VCPUOP_down: return down(d, t);
    case VCPUOP_is_up: return t.up ? 1 : 0;
    case VCPUOP_get_runstate_info: {
        vcpu_runstate_info_t r = runstate_snapshot(t);
        return copy_to_guest(arg, r) ? 0 : -XEN_EFAULT;
    }
    case VCPUOP_register_runstate_memory_area: {
        vcpu_register_runstate_memory_area_t area;
        if (!copy_from_guest(area, arg))
            return -XEN_EFAULT;
        t.runstate_guest = area.addr.h;
        if (!runstate_write_guest(t)) {
            t.runstate_guest = 0;
            return -XEN_EFAULT;
        }
        return 0;
    }
    case VCPUOP_register_vcpu_info:
        if (&t != &v && t.up)
            return -XEN_EINVAL;
        return register_vcpu_info(t, arg);
    case VCPUOP_set_periodic_timer: return set_periodic(t, arg);
    case VCPUOP_stop_periodic_timer: arch::vtimer_set_periodic(t, 0); return 0;
    case VCPUOP_set_singleshot_timer: return set_singleshot(v, t, arg);
    case VCPUOP_stop_singleshot_timer:
        if (&t != &v)
            return -XEN_EINVAL;
        arch::timer_stop(t.singleshot_timer);
        return 0;
    default: return -XEN_ENOSYS;
    }
}
