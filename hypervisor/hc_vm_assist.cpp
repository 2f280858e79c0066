// vm_assist: turn hypervisor assists on or off for the calling domain.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {
// Assists this hypervisor provides: trap-and-emulate of L1 writes
// (arch/x86_32/pv/ptwr.cpp) and L3 tables anywhere in machine memory
// (arch/x86_32/mm/guest_cr3.cpp). 4 GiB segment emulation is not provided:
// enabling it is -EINVAL, as Xen does for types it does not know.
constexpr uint32_t supported =
    1u << VMASST_TYPE_writable_pagetables | 1u << VMASST_TYPE_pae_extended_cr3;
} // namespace

long do_vm_assist(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], type = a.a[1];
    if (type >= 32 || !(supported & (1u << type)))
        return -XEN_EINVAL;
    Domain& d = *v.domain;
    switch (cmd) {
    case VMASST_CMD_enable: d.vm_assist |= 1u << type; break;
    case VMASST_CMD_disable: d.vm_assist &= ~(1u << type); break;
    default: return -XEN_ENOSYS;
    }
    d.mm.pae_extended_cr3 = (d.vm_assist & (1u << VMASST_TYPE_pae_extended_cr3)) != 0;
    return 0;
}
