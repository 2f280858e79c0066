// Hypercall dispatch: one table indexed by hypercall number. Each handler
// gets the calling vCPU and the five argument registers (ebx, ecx, edx,
// esi, edi on x86_32) and returns the value for eax: >= 0 or a negative
// Xen errno. Unknown and unimplemented numbers return -ENOSYS.
#pragma once
#include <cstdint>

#include "hypervisor/lib/xen_errno.hpp"

struct Domain;
struct Vcpu;

struct Hypercall_args {
    uint32_t a[5];
};

using Hypercall_fn = long (*)(Vcpu& v, const Hypercall_args& args);

// The table, indexed inline (hypercall_call) by the entry path and by
// multicall, which adds its own refusals (hc_multicall.cpp); a null slot
// is -ENOSYS.
struct Hypercall_table {
    static constexpr unsigned size = 64;
    Hypercall_fn fn[size];
};
extern const Hypercall_table hypercall_table;
// A multicall entry's table: no null slot (-ENOSYS), and iret and
// multicall refused (-EINVAL), so an entry costs one bound check.
extern const Hypercall_table multicall_table;

// One call by number: the guest's own (int $0x82) or a multicall entry's.
inline long hypercall_call(Vcpu& v, uint32_t nr, const Hypercall_args& args)
{
    if (nr < Hypercall_table::size)
        if (Hypercall_fn fn = hypercall_table.fn[nr])
            return fn(v, args);
    return -XEN_ENOSYS;
}


// Handlers, one family per file: hypervisor/<subsystem>/hc_*.cpp for the
// common ones, arch/x86_32/{mm,pv}/hc_*.cpp for the x86 ones.
long do_console_io(Vcpu& v, const Hypercall_args& a);
long do_xen_version(Vcpu& v, const Hypercall_args& a);
long do_sched_op(Vcpu& v, const Hypercall_args& a);
long do_sched_op_compat(Vcpu& v, const Hypercall_args& a);
long do_vm_assist(Vcpu& v, const Hypercall_args& a);
// The whole set of d's assists at once (vCPU 0's first context carries
// it, Xen's arch_set_info_guest): -EINVAL if any is not offered.
long domain_set_vm_assist(Domain& d, uint32_t assists);
long do_multicall(Vcpu& v, const Hypercall_args& a);
long do_memory_op(Vcpu& v, const Hypercall_args& a);
long do_vcpu_op(Vcpu& v, const Hypercall_args& a);
long do_physdev_op(Vcpu& v, const Hypercall_args& a);
long do_set_trap_table(Vcpu& v, const Hypercall_args& a);
long do_stack_switch(Vcpu& v, const Hypercall_args& a);
long do_set_callbacks(Vcpu& v, const Hypercall_args& a);
long do_callback_op(Vcpu& v, const Hypercall_args& a);
long do_fpu_taskswitch(Vcpu& v, const Hypercall_args& a);
long do_set_debugreg(Vcpu& v, const Hypercall_args& a);
long do_get_debugreg(Vcpu& v, const Hypercall_args& a);
long do_iret(Vcpu& v, const Hypercall_args& a);
long do_set_gdt(Vcpu& v, const Hypercall_args& a);
long do_update_descriptor(Vcpu& v, const Hypercall_args& a);
long do_mmu_update(Vcpu& v, const Hypercall_args& a);
long do_mmuext_op(Vcpu& v, const Hypercall_args& a);
long do_update_va_mapping(Vcpu& v, const Hypercall_args& a);
long do_update_va_mapping_otherdomain(Vcpu& v, const Hypercall_args& a);
long do_event_channel_op(Vcpu& v, const Hypercall_args& a);
long do_grant_table_op(Vcpu& v, const Hypercall_args& a);
long do_event_channel_op_compat(Vcpu& v, const Hypercall_args& a);
long do_set_timer_op(Vcpu& v, const Hypercall_args& a);
long do_platform_op(Vcpu& v, const Hypercall_args& a);
long do_sysctl(Vcpu& v, const Hypercall_args& a);
long do_domctl(Vcpu& v, const Hypercall_args& a);
