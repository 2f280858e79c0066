// platform_op (7): the hardware-platform operations of the privileged
// domain: setting the wall clock (XENPF_settime32/64), the boot firmware's
// information (XENPF_firmware_info) and the physical CPUs' identities
// (XENPF_get_cpuinfo). Everything else is -ENOSYS.
// Order of checks as Xen's x86 do_platform_op: copy in (-EFAULT), interface
// version (-EACCES), privilege (-EPERM), then the command (-ENOSYS).
#include "arch/x86_32/acpi/firmware.hpp"
#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "public/platform.h"

namespace {

// BIOS data area byte 0x417: the keyboard shift flags int 16h AH=02 reads.
// The BIOS area is reserved at boot and no BIOS runs afterwards, so it still
// holds what the firmware left.
constexpr uint32_t bda_kbd_shift_flags = 0x417;

// Xen's answers for a machine booted by multiboot without EDD, MBR or EDID
// data gathered in real mode.
long firmware_info(xenpf_firmware_info_t& fw)
{
    switch (fw.type) {
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
    case XEN_FW_VBEDDC_INFO: return -XEN_ESRCH;
    case XEN_FW_EFI_INFO: return -XEN_ENOSYS; // not booted from EFI
    case XEN_FW_KBD_SHIFT_FLAGS:
        if (fw.index != 0)
            return -XEN_ESRCH;
        fw.u.kbd_shift_flags = *arch::phys_to_virt<const uint8_t>(bda_kbd_shift_flags);
        return 0;
    default: return -XEN_EINVAL;
    }
}

// CPU numbers are the hypervisor's (0 = the boot CPU); the present CPUs are
// the ones brought online.
long cpu_info(xenpf_pcpuinfo_t& c)
{
    unsigned n = arch::smp_online_count();
    c.max_present = n - 1;
    arch::Percpu* cpu = c.xen_cpuid < n ? arch::smp_cpu(c.xen_cpuid) : nullptr;
    if (!cpu) {
        c.flags = XEN_PCPU_FLAGS_INVALID;
        return 0;
    }
    c.apic_id = cpu->apic_id;
    c.acpi_id = cpu->apic_id;
    const arch::Acpi_info& acpi = arch::acpi_info();
    for (unsigned i = 0; acpi.have_madt && i < acpi.madt.cpu_count; ++i)
        if (acpi.madt.cpus[i].apic_id == cpu->apic_id)
            c.acpi_id = acpi.madt.cpus[i].uid;
    c.flags = cpu->online ? XEN_PCPU_FLAGS_ONLINE : 0;
    return 0;
}

} // namespace

long do_platform_op(Vcpu& v, const Hypercall_args& a)
{
    xen_platform_op_t op;
    if (!copy_from_guest(op, a.a[0]))
        return -XEN_EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (!v.domain->privileged)
        return -XEN_EPERM;
    switch (op.cmd) {
    case XENPF_settime32:
        arch::vtime_set_wallclock(op.u.settime32.secs, op.u.settime32.nsecs, op.u.settime32.system_time);
        return 0;
    case XENPF_settime64:
        if (op.u.settime64.mbz)
            return -XEN_EINVAL;
        arch::vtime_set_wallclock(op.u.settime64.secs, op.u.settime64.nsecs, op.u.settime64.system_time);
        return 0;
    case XENPF_firmware_info: {
        long rc = firmware_info(op.u.firmware_info);
        if (rc == 0 && !copy_to_guest(a.a[0], op))
            return -XEN_EFAULT;
        return rc;
    }
    case XENPF_get_cpuinfo: {
        long rc = cpu_info(op.u.pcpu_info);
        if (rc == 0 && !copy_to_guest(a.a[0], op))
            return -XEN_EFAULT;
        return rc;
    }
    default: return -XEN_ENOSYS;
    }
}
