// vm_assist: turn hypervisor assists on or off for the calling domain.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {
// Assists this hypervisor provides: trap-and-emulate of L1 writes
// (arch/x86_32/mm/ptwr.cpp), L3 tables anywhere in machine memory
// (arch/x86_32/mm/guest_cr3.cpp), the architectural IOPL (the kernel
// counts as ring 0 for port I/O, its IOPL travels in EFLAGS through iret
// and bounce frames: arch/x86_32/pv/io_ports.cpp, hc_traps.cpp,
// pv_bounce.cpp) and the runstate update flag (hypervisor/domain/hc_vcpu.cpp).
// 4 GiB segment emulation is not provided: enabling it is -EINVAL, as Xen
// answers for types it does not offer.
constexpr uint32_t supported = 1u << VMASST_TYPE_writable_pagetables |
                               1u << VMASST_TYPE_pae_extended_cr3 |
                               1u << VMASST_TYPE_architectural_iopl |
                               1u << VMASST_TYPE_runstate_update_flag;

void apply(Domain& d, uint32_t assists)
{
    d.vm_assist = assists;
    d.mm.pae_extended_cr3 = (assists & (1u << VMASST_TYPE_pae_extended_cr3)) != 0;
}
} // namespace

long do_vm_assist(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], type = a.a[1];
    if (type >= 32 || !(supported & (1u << type)))
        return -XEN_EINVAL;
    Domain& d = *v.domain;
    switch (cmd) {
    case VMASST_CMD_enable: apply(d, d.vm_assist | 1u << type); break;
    case VMASST_CMD_disable: apply(d, d.vm_assist & ~(1u << type)); break;
    default: return -XEN_ENOSYS;
    }
    return 0;
}

long domain_set_vm_assist(Domain& d, uint32_t assists)
{
    if (assists & ~supported)
        return -XEN_EINVAL;
    apply(d, assists);
    return 0;
}
