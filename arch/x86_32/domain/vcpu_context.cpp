#include "arch/x86_32/include/vcpu_context.hpp"

#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "arch/x86_32/pv/desc_frames.hpp"
#include "arch/x86_32/pv/guest_cr4.hpp"
#include "arch/x86_32/pv/ldt.hpp"
#include "arch/x86_32/sched/debugregs.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/pt_ops.hpp"

namespace arch {
namespace {

constexpr uint32_t eflags_if = 1u << 9;
constexpr uint32_t eflags_iopl = 3u << 12;
constexpr uint32_t eflags_vm = 1u << 17;
constexpr uint32_t eflags_all = 0x003F7FD5u; // the architectural flags (Xen's X86_EFLAGS_ALL)
constexpr uint32_t eflags_mbs = 1u << 1;      // always one
constexpr uint32_t cr0_ts = 1u << 3;

// Xen's fixup_guest_{code,stack}_selector for a 32-bit PV guest.
uint16_t fixup(uint32_t sel)
{
    uint16_t s = static_cast<uint16_t>(sel);
    return (s & 3) == 0 ? static_cast<uint16_t>(s | 1) : s;
}

// Xen's xen_cr3_to_pfn for PAE guests: the frame number rotated so that
// it fits in 32 bits (public/arch-x86/xen-x86_32.h).
Mfn cr3_frame(uint32_t cr3) { return Mfn{(cr3 >> 12) | (cr3 << 20)}; }

long check(const vcpu_guest_context_t& c)
{
    if (c.user_regs.eflags & eflags_vm)
        return -XEN_EINVAL;
    if ((c.ldt_base & (page_size - 1)) || c.ldt_ents > max_ldt_entries)
        return -XEN_EINVAL;
    if (c.gdt_ents > Vcpu::max_gdt_entries)
        return -XEN_EINVAL;
    // Xen's breakpoint_addr_ok for DR0-3.
    for (unsigned i = 0; i < 4; ++i)
        if (c.debugreg[i] > HYPERVISOR_VIRT_START - 4)
            return -XEN_EINVAL;
    return 0;
}

void load_registers(Vcpu& t, const vcpu_guest_context_t& c)
{
    t.regs = c.user_regs;
    t.regs.cs = fixup(c.user_regs.cs);
    t.regs.ss = fixup(c.user_regs.ss);
    uint32_t fl = (c.user_regs.eflags & eflags_all) | eflags_mbs;
    // The IOPL is virtual; real interrupts are always on in the guest.
    t.iopl = (fl & eflags_iopl) >> 12;
    t.regs.eflags = (fl & ~eflags_iopl) | eflags_if;
    for (unsigned i = 0; i < 256; ++i) {
        t.traps[i] = c.trap_ctxt[i];
        t.traps[i].cs = fixup(c.trap_ctxt[i].cs);
    }
    t.kernel_ss = fixup(c.kernel_ss);
    t.kernel_sp = c.kernel_sp;
    t.event_callback = xen_callback{fixup(c.event_callback_cs), c.event_callback_eip};
    t.failsafe_callback = xen_callback{fixup(c.failsafe_callback_cs), c.failsafe_callback_eip};
    t.failsafe_masks_events = (c.flags & VGCF_failsafe_disables_events) != 0;
    t.fpu_ts = (c.ctrlreg[0] & cr0_ts) != 0;
    guest_cr4_set(t, c.ctrlreg[4]);
    // As Xen, a value set_debugreg would refuse leaves the register at
    // its reset value.
    static constexpr uint32_t reset[8] = {0, 0, 0, 0, 0, 0, 0xFFFF0FF0u, 0x400u};
    for (unsigned r = 0; r < 8; ++r) {
        uint32_t val = c.debugreg[r];
        t.debugreg[r] = r != 4 && r != 5 && sanitize_debugreg(r, val) == 0 ? val : reset[r];
    }
    if (c.flags & VGCF_I387_VALID) {
        __builtin_memcpy(t.arch.fpu, c.fpu_ctxt.x, sizeof t.arch.fpu);
        t.arch.fpu_used = true;
    } else {
        t.arch.fpu_used = false;
    }
}

// Xen's xen_pfn_to_cr3 for PAE guests, the inverse of cr3_frame.
uint32_t frame_cr3(Mfn m) { return (raw(m) << 12) | (raw(m) >> 20); }

// A context for a vCPU that has one already may change its registers but
// not its page-table base, GDT or LDT (Xen's arch_set_info_guest:
// -EOPNOTSUPP otherwise).
bool same_tables(const Vcpu& t, const vcpu_guest_context_t& c)
{
    if (cr3_frame(c.ctrlreg[3]) != t.cr3 || c.gdt_ents != t.gdt_ents || c.ldt_ents != t.ldt_ents)
        return false;
    if (t.ldt_ents && c.ldt_base != t.ldt_base)
        return false;
    for (unsigned i = 0; i < t.nr_gdt_frames; ++i)
        if (Mfn{c.gdt_frames[i]} != t.gdt_frames[i])
            return false;
    return true;
}

} // namespace

long vcpu_set_context(Vcpu& t, const vcpu_guest_context_t& c)
{
    if (!t.initialised)
        return vcpu_initialise(t, c);
    if (long rc = check(c))
        return rc;
    if (!same_tables(t, c))
        return -XEN_EOPNOTSUPP;
    load_registers(t, c);
    return 0;
}

long vcpu_reset(Vcpu& t)
{
    Domain& d = *t.domain;
    Lock_guard<Spinlock> g(d.mm_lock);
    Mm_ctx ctx{pv_frame_space(), d.mm};
    // Unloading cannot fail: no frame is looked up for 0 entries.
    (void)set_ldt(t, 0, 0);
    (void)set_gdt_frames(ctx, t, nullptr, 0, 0);
    drop_baseptr(ctx, t.cr3);
    t.arch.fpu_used = false;
    t.initialised = false;
    return 0;
}

void vcpu_get_context(const Vcpu& t, vcpu_guest_context_t& c)
{
    __builtin_memset(&c, 0, sizeof c);
    if (t.arch.fpu_used)
        __builtin_memcpy(c.fpu_ctxt.x, t.arch.fpu, sizeof c.fpu_ctxt.x);
    c.flags = VGCF_i387_valid | (t.up ? VGCF_online : 0) |
              (t.failsafe_masks_events ? VGCF_failsafe_disables_events : 0);
    c.user_regs = t.regs;
    c.user_regs.eflags = (t.regs.eflags & ~eflags_iopl) | (t.iopl << 12);
    if ((t.regs.cs & 3) != 3)
        c.flags |= VGCF_in_kernel;
    for (unsigned i = 0; i < 256; ++i)
        c.trap_ctxt[i] = t.traps[i];
    c.ldt_base = t.ldt_base;
    c.ldt_ents = t.ldt_ents;
    for (unsigned i = 0; i < t.nr_gdt_frames; ++i)
        c.gdt_frames[i] = raw(t.gdt_frames[i]);
    c.gdt_ents = t.gdt_ents;
    c.kernel_ss = t.kernel_ss;
    c.kernel_sp = t.kernel_sp;
    c.ctrlreg[0] = t.fpu_ts ? cr0_ts : 0;
    c.ctrlreg[3] = t.cr3 != invalid_mfn ? frame_cr3(t.cr3) : 0;
    c.ctrlreg[4] = t.arch.cr4;
    for (unsigned r = 0; r < 8; ++r)
        c.debugreg[r] = t.debugreg[r];
    c.event_callback_cs = t.event_callback.cs;
    c.event_callback_eip = t.event_callback.eip;
    c.failsafe_callback_cs = t.failsafe_callback.cs;
    c.failsafe_callback_eip = t.failsafe_callback.eip;
    c.vm_assist = t.domain->vm_assist;
}

namespace {

// The GDT frames, base pointer and LDT of t's first context, all or none.
// Caller holds the domain's mm_lock.
long take_tables(Vcpu& t, const vcpu_guest_context_t& c)
{
    Mm_ctx ctx{pv_frame_space(), t.domain->mm};
    Mfn gdt[Vcpu::max_gdt_frames];
    unsigned n = (c.gdt_ents + 511) / 512;
    for (unsigned i = 0; i < n; ++i)
        gdt[i] = Mfn{c.gdt_frames[i]};
    if (long rc = set_gdt_frames(ctx, t, gdt, n, c.gdt_ents))
        return rc;
    if (long rc = new_baseptr(ctx, cr3_frame(c.ctrlreg[3]), t.cr3)) {
        (void)set_gdt_frames(ctx, t, nullptr, 0, 0);
        return rc;
    }
    // The LDT's frames are found through the vCPU's own page tables.
    if (c.ldt_ents) {
        if (long rc = set_ldt(t, c.ldt_base, c.ldt_ents)) {
            drop_baseptr(ctx, t.cr3);
            (void)set_gdt_frames(ctx, t, nullptr, 0, 0);
            return rc;
        }
    }
    return 0;
}

} // namespace

long vcpu_initialise(Vcpu& t, const vcpu_guest_context_t& c)
{
    if (long rc = check(c))
        return rc;
    Domain& d = *t.domain;
    Lock_guard<Spinlock> g(d.mm_lock);
    // vCPU 0's context carries the domain's assists (Xen's
    // arch_set_info_guest), before its base pointer is taken: a builder
    // asks for extended-cr3 this way for an L3 above 4 GiB.
    uint32_t old_assists = d.vm_assist;
    if (t.id == 0)
        if (long rc = domain_set_vm_assist(d, c.vm_assist))
            return rc;
    long rc = take_tables(t, c);
    if (rc != 0) {
        if (t.id == 0)
            (void)domain_set_vm_assist(d, old_assists);
        return rc;
    }
    load_registers(t, c);
    t.initialised = true;
    // As Xen's arch_set_info_guest: a builder has cleared shared_info
    // since createdomain wrote the wall clock there.
    if (t.id == 0)
        vtime_write_wallclock(d);
    return 0;
}

} // namespace arch
