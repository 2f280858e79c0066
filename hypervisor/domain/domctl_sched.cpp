// XEN_DOMCTL_scheduler_op (the credit scheduler's weight and cap) and
// XEN_DOMCTL_{set,get}vcpuaffinity (Xen's vcpu_affinity_domctl).
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/domctl.hpp"
#include "hypervisor/domain/domctl_rules.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace {

// The caller's bitmap as a mask (only its first 8 bytes matter).
bool read_bitmap(const xenctl_bitmap& b, uint64_t& mask)
{
    uint32_t ptr;
    if (!ctl_pointer(b.bitmap, ptr))
        return false;
    uint8_t bytes[mask_bytes] = {};
    uint32_t n = bitmap_bytes(b.nr_bits) < mask_bytes ? bitmap_bytes(b.nr_bits) : mask_bytes;
    if (n && !copy_bytes_from_guest(bytes, ptr, n))
        return false;
    mask = mask_from_bitmap(bytes, b.nr_bits);
    return true;
}

// mask into the caller's bitmap, every byte of it (zeroes past the mask).
bool write_bitmap(const xenctl_bitmap& b, uint64_t mask)
{
    uint32_t ptr;
    if (!ctl_pointer(b.bitmap, ptr))
        return false;
    uint8_t chunk[64];
    uint32_t total = bitmap_bytes(b.nr_bits);
    for (uint32_t off = 0; off < total; off += sizeof chunk) {
        uint32_t n = total - off < sizeof chunk ? total - off : sizeof chunk;
        __builtin_memset(chunk, 0, sizeof chunk);
        if (off == 0)
            mask_to_bitmap(mask, chunk, n * 8 < b.nr_bits ? n * 8 : b.nr_bits);
        if (!copy_bytes_to_guest(ptr + off, chunk, n))
            return false;
    }
    return true;
}

bool params_invalid(const xen_domctl_vcpuaffinity& a)
{
    return a.flags == 0 || ((a.flags & XEN_VCPUAFFINITY_HARD) && a.cpumap_hard.bitmap == 0) ||
           ((a.flags & XEN_VCPUAFFINITY_SOFT) && a.cpumap_soft.bitmap == 0);
}

// Both masks are read before anything changes; the effective masks go
// back (hard & online, soft & hard & online).
long set_affinity(Vcpu& t, const xen_domctl_vcpuaffinity& a)
{
    bool hard = a.flags & XEN_VCPUAFFINITY_HARD, soft = a.flags & XEN_VCPUAFFINITY_SOFT;
    uint64_t hard_mask = 0, soft_mask = 0;
    if ((hard && !read_bitmap(a.cpumap_hard, hard_mask)) ||
        (soft && !read_bitmap(a.cpumap_soft, soft_mask)))
        return -XEN_EFAULT;
    if (hard)
        if (int rc = vcpu_set_hard_affinity(t, sched::Cpu_mask{hard_mask}))
            return rc;
    if (soft)
        t.soft_affinity = soft_mask;
    uint64_t online = sched_online_cpus().bits, eff_hard = vcpu_hard_affinity(t).bits & online;
    if (hard && !write_bitmap(a.cpumap_hard, eff_hard))
        return -XEN_EFAULT;
    if (soft && !write_bitmap(a.cpumap_soft, t.soft_affinity & eff_hard))
        return -XEN_EFAULT;
    return 0;
}

// The masks as set (not intersected with anything).
long get_affinity(Vcpu& t, const xen_domctl_vcpuaffinity& a)
{
    if ((a.flags & XEN_VCPUAFFINITY_HARD) && !write_bitmap(a.cpumap_hard, vcpu_hard_affinity(t).bits))
        return -XEN_EFAULT;
    if ((a.flags & XEN_VCPUAFFINITY_SOFT) && !write_bitmap(a.cpumap_soft, t.soft_affinity))
        return -XEN_EFAULT;
    return 0;
}

} // namespace

long domctl_vcpuaffinity(Domctl& c)
{
    const xen_domctl_vcpuaffinity& a = c.op.u.vcpuaffinity;
    // Xen: beyond max_vcpus -EINVAL, a vCPU not made yet -ESRCH; here
    // every vCPU is made with its domain, so only the first can happen.
    if (a.vcpu >= c.d->nr_vcpus)
        return -XEN_EINVAL;
    if (params_invalid(a))
        return -XEN_EINVAL;
    Vcpu& t = *c.d->vcpus[a.vcpu];
    return c.op.cmd == XEN_DOMCTL_setvcpuaffinity ? set_affinity(t, a) : get_affinity(t, a);
}

// Xen's sched_adjust and csched_dom_cntl: the scheduler named must be the
// domain's (credit); put keeps the weight when 0 is given and the cap when
// 0xFFFF is; the per-vCPU commands are not credit's (-EINVAL).
long domctl_scheduler_op(Domctl& c)
{
    xen_domctl_scheduler_op& s = c.op.u.scheduler_op;
    c.copyback = true;
    if (s.sched_id != XEN_SCHEDULER_CREDIT || s.cmd > XEN_DOMCTL_SCHEDOP_getvcpuinfo)
        return -XEN_EINVAL;
    sched::Credit_scheduler& p = sched::policy();
    uint16_t weight, cap;
    p.get_params(c.d->sched, weight, cap);
    switch (s.cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        s.u.credit.weight = weight;
        s.u.credit.cap = cap;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        if (s.u.credit.weight != 0)
            weight = s.u.credit.weight;
        if (s.u.credit.cap != 0xFFFF)
            cap = s.u.credit.cap;
        return p.set_params(c.d->sched, weight, cap);
    default: return -XEN_EINVAL;
    }
}
