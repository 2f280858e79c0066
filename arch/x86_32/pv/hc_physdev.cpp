// physdev_op: a vCPU's I/O privilege and the physical interrupts of
// hypervisor/event/pirq.hpp. Sub-ops left out answer -ENOSYS: pirq_eoi_gmfn
// (v1/v2; a guest then asks irq_status_query and always EOIs, as on a
// Xen without the map), free_irq_vector, the IO-APIC register window
// (apic_read/write), set_iobitmap and the PCI management calls.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/event/pirq.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "public/physdev.h"

namespace {

// Copies T in, runs fn on it, copies it back when 'out' and fn succeeded.
template <typename T, typename Fn> long with_arg(uint32_t arg, bool out, Fn fn)
{
    T t;
    if (!copy_from_guest(t, arg))
        return -XEN_EFAULT;
    long rc = fn(t);
    if (rc == 0 && out && !copy_to_guest(arg, t))
        return -XEN_EFAULT;
    return rc;
}

long set_iopl(Vcpu& v, physdev_set_iopl_t& s)
{
    if (s.iopl > 3)
        return -XEN_EINVAL;
    v.iopl = s.iopl;
    return 0;
}

// Xen keeps vectors to itself and answers the IRQ number as the "vector"
// (arch/x86/physdev.c), for guests of the old interface.
long alloc_irq_vector(const Domain& d, physdev_irq_t& op)
{
    if (!d.privileged)
        return -XEN_EPERM;
    op.vector = op.irq;
    return 0;
}

} // namespace

long do_physdev_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], arg = a.a[1];
    Domain& d = *v.domain;
    switch (cmd) {
    case PHYSDEVOP_set_iopl:
        return with_arg<physdev_set_iopl_t>(arg, false, [&](auto& s) { return set_iopl(v, s); });
    case PHYSDEVOP_map_pirq:
        return with_arg<physdev_map_pirq_t>(arg, true, [&](auto& m) { return pirq::map(d, m); });
    case PHYSDEVOP_unmap_pirq:
        return with_arg<physdev_unmap_pirq_t>(arg, false, [&](auto& u) { return pirq::unmap(d, u); });
    case PHYSDEVOP_irq_status_query:
        return with_arg<physdev_irq_status_query_t>(arg, true,
                                                    [&](auto& q) { return pirq::status_query(d, q); });
    case PHYSDEVOP_eoi:
        return with_arg<physdev_eoi_t>(arg, false, [&](auto& e) { return pirq::eoi(d, e.irq); });
    case PHYSDEVOP_setup_gsi:
        return with_arg<physdev_setup_gsi_t>(arg, false, [&](auto& s) { return pirq::setup_gsi(d, s); });
    case PHYSDEVOP_alloc_irq_vector:
        return with_arg<physdev_irq_t>(arg, true, [&](auto& op) { return alloc_irq_vector(d, op); });
    default:
        return -XEN_ENOSYS;
    }
}
