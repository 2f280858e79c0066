// physdev_op: a vCPU's I/O privilege, the physical interrupts of
// hypervisor/event/pirq.hpp, the IO-APIC register window of the hardware
// domain (apic_read/write) and its PCI device announcements
// (hypervisor/pci/pci_devices.hpp). Sub-ops left out answer -ENOSYS:
// pirq_eoi_gmfn (v1/v2; a guest then asks irq_status_query and always
// EOIs, as on a Xen without the map), free_irq_vector, set_iobitmap, the
// MSI and MMCONFIG calls.
#include "arch/x86_32/irq/ioapic.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/event/pirq.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/pci/pci_devices.hpp"
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

// Xen copies the struct back even when the read failed.
long apic_read(const Domain& d, uint32_t arg)
{
    physdev_apic_t op;
    if (!copy_from_guest(op, arg))
        return -XEN_EFAULT;
    if (!d.privileged)
        return -XEN_EPERM;
    long rc = arch::ioapic::guest_read(op.apic_physbase, op.reg, op.value);
    return copy_to_guest(arg, op) ? rc : -XEN_EFAULT;
}

long apic_write(const Domain& d, physdev_apic_t& op)
{
    if (!d.privileged)
        return -XEN_EPERM;
    return arch::ioapic::guest_write(op.apic_physbase, op.reg, op.value);
}

long pci_add(const Domain& d, const Pci_device& dev)
{
    if (!d.privileged)
        return -XEN_EPERM;
    return pci_devices().add(dev);
}

long pci_remove(const Domain& d, uint16_t seg, uint8_t bus, uint8_t devfn)
{
    if (!d.privileged)
        return -XEN_EPERM;
    return pci_devices().remove(seg, bus, devfn);
}

Pci_device announced(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t owner)
{
    return Pci_device{seg, bus, devfn, false, false, 0, 0, owner};
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
    case PHYSDEVOP_apic_read: return apic_read(d, arg);
    case PHYSDEVOP_apic_write:
        return with_arg<physdev_apic_t>(arg, false, [&](auto& op) { return apic_write(d, op); });
    case PHYSDEVOP_manage_pci_add:
        return with_arg<physdev_manage_pci_t>(
            arg, false, [&](auto& m) { return pci_add(d, announced(0, m.bus, m.devfn, 0)); });
    case PHYSDEVOP_manage_pci_remove:
        return with_arg<physdev_manage_pci_t>(arg, false,
                                              [&](auto& m) { return pci_remove(d, 0, m.bus, m.devfn); });
    case PHYSDEVOP_manage_pci_add_ext:
        return with_arg<physdev_manage_pci_ext_t>(arg, false, [&](auto& m) {
            Pci_device dev = announced(0, m.bus, m.devfn, 0);
            dev.is_extfn = m.is_extfn != 0;
            dev.is_virtfn = m.is_virtfn != 0;
            dev.physfn_bus = m.physfn.bus;
            dev.physfn_devfn = m.physfn.devfn;
            return pci_add(d, dev);
        });
    case PHYSDEVOP_pci_device_add:
        return with_arg<physdev_pci_device_add_t>(arg, false, [&](auto& p) -> long {
            // The proximity domain follows the fixed part (one NUMA node here).
            uint32_t pxm;
            if ((p.flags & XEN_PCI_DEV_PXM) && !copy_from_guest(pxm, arg + sizeof p))
                return -XEN_EFAULT;
            Pci_device dev = announced(p.seg, p.bus, p.devfn, 0);
            dev.is_extfn = (p.flags & XEN_PCI_DEV_EXTFN) != 0;
            dev.is_virtfn = (p.flags & XEN_PCI_DEV_VIRTFN) != 0;
            dev.physfn_bus = p.physfn.bus;
            dev.physfn_devfn = p.physfn.devfn;
            return pci_add(d, dev);
        });
    case PHYSDEVOP_pci_device_remove:
        return with_arg<physdev_pci_device_t>(arg, false,
                                              [&](auto& p) { return pci_remove(d, p.seg, p.bus, p.devfn); });
    default:
        return -XEN_ENOSYS;
    }
}
