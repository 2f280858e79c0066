#include "hypervisor/hypercall.hpp"

#include "hypervisor/lib/xen_errno.hpp"
#include "public/xen.h"

namespace {

constexpr Hypercall_table make_table()
{
    Hypercall_table t{};
    t.fn[__HYPERVISOR_set_trap_table] = do_set_trap_table;
    t.fn[__HYPERVISOR_mmu_update] = do_mmu_update;
    t.fn[__HYPERVISOR_set_gdt] = do_set_gdt;
    t.fn[__HYPERVISOR_stack_switch] = do_stack_switch;
    t.fn[__HYPERVISOR_set_callbacks] = do_set_callbacks;
    t.fn[__HYPERVISOR_fpu_taskswitch] = do_fpu_taskswitch;
    t.fn[__HYPERVISOR_sched_op_compat] = do_sched_op_compat;
    t.fn[__HYPERVISOR_set_debugreg] = do_set_debugreg;
    t.fn[__HYPERVISOR_get_debugreg] = do_get_debugreg;
    t.fn[__HYPERVISOR_update_descriptor] = do_update_descriptor;
    t.fn[__HYPERVISOR_memory_op] = do_memory_op;
    t.fn[__HYPERVISOR_multicall] = do_multicall;
    t.fn[__HYPERVISOR_update_va_mapping] = do_update_va_mapping;
    t.fn[__HYPERVISOR_xen_version] = do_xen_version;
    t.fn[__HYPERVISOR_grant_table_op] = do_grant_table_op;
    t.fn[__HYPERVISOR_console_io] = do_console_io;
    t.fn[__HYPERVISOR_vm_assist] = do_vm_assist;
    t.fn[__HYPERVISOR_update_va_mapping_otherdomain] = do_update_va_mapping_otherdomain;
    t.fn[__HYPERVISOR_iret] = do_iret;
    t.fn[__HYPERVISOR_vcpu_op] = do_vcpu_op;
    t.fn[__HYPERVISOR_mmuext_op] = do_mmuext_op;
    t.fn[__HYPERVISOR_sched_op] = do_sched_op;
    t.fn[__HYPERVISOR_callback_op] = do_callback_op;
    t.fn[__HYPERVISOR_physdev_op] = do_physdev_op;
    t.fn[__HYPERVISOR_event_channel_op] = do_event_channel_op;
    t.fn[__HYPERVISOR_event_channel_op_compat] = do_event_channel_op_compat;
    t.fn[__HYPERVISOR_set_timer_op] = do_set_timer_op;
    t.fn[__HYPERVISOR_platform_op] = do_platform_op;
    t.fn[__HYPERVISOR_sysctl] = do_sysctl;
    t.fn[__HYPERVISOR_domctl] = do_domctl;
    return t;
}

long enosys(Vcpu&, const Hypercall_args&)
{
    return -XEN_ENOSYS;
}

// iret would rewrite the caller's frame mid-batch and a nested multicall
// could recurse without bound.
long refused_in_multicall(Vcpu&, const Hypercall_args&)
{
    return -XEN_EINVAL;
}

constexpr Hypercall_table make_multicall_table()
{
    Hypercall_table t = make_table();
    for (Hypercall_fn& fn : t.fn)
        if (!fn)
            fn = enosys;
    t.fn[__HYPERVISOR_iret] = refused_in_multicall;
    t.fn[__HYPERVISOR_multicall] = refused_in_multicall;
    return t;
}

} // namespace

constinit const Hypercall_table hypercall_table = make_table();
constinit const Hypercall_table multicall_table = make_multicall_table();
