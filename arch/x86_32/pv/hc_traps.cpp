// The guest's virtual CPU: its IDT (set_trap_table), kernel stack
// (stack_switch), callbacks (set_callbacks, callback_op), lazy FPU switch
// (fpu_taskswitch), debug registers and the iret hypercall.
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/pv/pv_entry.hpp"
#include "arch/x86_32/cpu/fpu.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "arch/x86_32/sched/debugregs.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/domain/shutdown.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "public/callback.h"

namespace {

constexpr uint32_t eflags_if = 1u << 9;
constexpr uint32_t eflags_iopl = 3u << 12;
constexpr uint32_t eflags_vm = 1u << 17;

// A guest selector never names ring 0: RPL 0 becomes the kernel's ring 1
// (Xen fixup_guest_code_selector / fixup_guest_stack_selector).
uint16_t guest_selector(uint32_t sel)
{
    uint16_t s = static_cast<uint16_t>(sel);
    return (s & 3) == 0 ? static_cast<uint16_t>(s | 1) : s;
}

xen_callback callback(uint32_t cs, uint32_t eip) { return {guest_selector(cs), eip}; }

long register_callback(Vcpu& v, const callback_register_t& r)
{
    bool mask = (r.flags & CALLBACKF_mask_events) != 0;
    xen_callback cb = callback(r.address.cs, r.address.eip);
    switch (r.type) {
    case CALLBACKTYPE_event: v.event_callback = cb; v.event_masks_events = mask; return 0;
    case CALLBACKTYPE_failsafe: v.failsafe_callback = cb; v.failsafe_masks_events = mask; return 0;
    case CALLBACKTYPE_nmi: v.nmi_callback = cb; return 0;
    case CALLBACKTYPE_sysenter:
    case CALLBACKTYPE_sysenter_deprecated:
        v.sysenter_callback = cb;
        v.sysenter_masks_events = mask;
        return 0;
    case CALLBACKTYPE_syscall32: v.syscall_callback = cb; v.syscall_masks_events = mask; return 0;
    default: return -XEN_EINVAL;
    }
}

} // namespace

long do_set_trap_table(Vcpu& v, const Hypercall_args& a)
{
    uint32_t list = a.a[0];
    if (list == 0) {
        for (auto& t : v.traps)
            t = trap_info{};
        arch::load_syscall_gate(v);
        return 0;
    }
    for (uint32_t i = 0; i < 256; ++i) {
        trap_info t;
        if (!copy_from_guest(t, list + i * static_cast<uint32_t>(sizeof t)))
            return -XEN_EFAULT;
        if (t.address == 0)
            break;
        t.cs = guest_selector(t.cs);
        v.traps[t.vector] = t;
    }
    arch::load_syscall_gate(v);
    return 0;
}

long do_stack_switch(Vcpu& v, const Hypercall_args& a)
{
    v.kernel_ss = guest_selector(a.a[0]);
    v.kernel_sp = a.a[1];
    arch::load_guest_kernel_stack(v);
    return 0;
}

long do_set_callbacks(Vcpu& v, const Hypercall_args& a)
{
    v.event_callback = callback(a.a[0], a.a[1]);
    v.failsafe_callback = callback(a.a[2], a.a[3]);
    return 0;
}

long do_callback_op(Vcpu& v, const Hypercall_args& a)
{
    switch (a.a[0]) {
    case CALLBACKOP_register: {
        callback_register_t r;
        if (!copy_from_guest(r, a.a[1]))
            return -XEN_EFAULT;
        return register_callback(v, r);
    }
    case CALLBACKOP_unregister: {
        callback_unregister_t u;
        if (!copy_from_guest(u, a.a[1]))
            return -XEN_EFAULT;
        if (u.type != CALLBACKTYPE_nmi)
            return -XEN_EINVAL;
        v.nmi_callback = xen_callback{};
        return 0;
    }
    default: return -XEN_ENOSYS;
    }
}

long do_fpu_taskswitch(Vcpu& v, const Hypercall_args& a)
{
    // The virtual TS; the real one stays set while another vCPU's state is
    // in the registers (Xen clears it only when the state is this vCPU's).
    v.fpu_ts = a.a[0] != 0;
    arch::fpu_switch_to(v);
    return 0;
}

long do_set_debugreg(Vcpu& v, const Hypercall_args& a)
{
    uint32_t reg = a.a[0], value = a.a[1];
    if (long rc = arch::sanitize_debugreg(reg, value))
        return rc;
    v.debugreg[reg] = value;
    // v runs here. DR6 lives in the copy only (switch_debugregs); a DR7
    // write loads DR0-3 with it, which may still hold another vCPU's.
    if (reg == 7)
        arch::switch_debugregs(arch::this_cpu().debugregs_armed, v.debugreg);
    else if (reg != 6)
        arch::load_debugreg(reg, value);
    return 0;
}

long do_get_debugreg(Vcpu& v, const Hypercall_args& a)
{
    uint32_t reg = a.a[0];
    if (reg > 7 || reg == 4 || reg == 5)
        return -XEN_EINVAL;
    return static_cast<long>(v.debugreg[reg]);
}

// HYPERVISOR_iret: the hypercall page's iret stub pushed eax on top of an
// iret frame [eip, cs, eflags, (esp, ss when returning to ring 2/3)].
long do_iret(Vcpu& v, const Hypercall_args&)
{
    arch::Exception_frame& f = arch::guest_frame();
    struct {
        uint32_t eax, eip, cs, eflags;
    } fr;
    if (!copy_from_guest(fr, f.esp)) {
        log::warn("d%u v%u: iret with an unreadable frame at %08x", v.domain->id, v.id, f.esp);
        domain_crash(*v.domain, &f);
        return 0;
    }
    if ((fr.cs & 3) == 0 || (fr.eflags & eflags_vm)) {
        log::warn("d%u v%u: iret to ring 0 or vm86 refused", v.domain->id, v.id);
        domain_crash(*v.domain, &f);
        return 0;
    }
    f.eip = fr.eip;
    f.cs = static_cast<uint16_t>(fr.cs);
    // As Xen: the guest's IOPL is virtual (taken from the frame only with
    // the architectural-IOPL assist); NT and the rest are the guest's own
    // (the hypervisor's own iret runs with NT clear, from its entry gate).
    if (v.domain->vm_assist & (1u << VMASST_TYPE_architectural_iopl))
        v.iopl = (fr.eflags & eflags_iopl) >> 12;
    f.eflags = (fr.eflags & ~eflags_iopl) | eflags_if;
    if ((fr.cs & 3) != 1) {
        struct {
            uint32_t esp, ss;
        } outer;
        if (!copy_from_guest(outer, f.esp + 16)) {
            log::warn("d%u v%u: iret with an unreadable outer frame", v.domain->id, v.id);
            domain_crash(*v.domain, &f);
            return 0;
        }
        f.esp = outer.esp;
        f.ss = static_cast<uint16_t>(outer.ss);
    } else {
        f.esp += 16;
    }
    // EFLAGS.IF in the frame is the guest's "events enabled".
    v.info->evtchn_upcall_mask = (fr.eflags & eflags_if) ? 0 : 1;
    return static_cast<long>(fr.eax);
}
