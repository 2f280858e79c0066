// Bounce frames: what the guest kernel sees when its virtual IDT delivers an
// exception, laid out as the CPU would for a ring 1 handler (Xen x86_32
// create_bounce_frame): from ring 3 the stack switches to the vCPU's
// kernel_ss:kernel_sp and the user ss:esp are pushed first; then eflags
// (IF mirrors "events not masked"), cs with the saved upcall mask in bits
// 16..23, eip, and the error code if the vector has one.
#include "arch/x86_32/include/guest_copy.hpp"
#include "arch/x86_32/pv/pv_entry.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/shutdown.hpp"

namespace arch {
namespace {

constexpr uint32_t eflags_if = 1u << 9;
constexpr uint32_t eflags_tf = 1u << 8;
constexpr uint32_t eflags_iopl = 3u << 12;
constexpr uint32_t eflags_nt = 1u << 14;
constexpr uint32_t eflags_rf = 1u << 16;
constexpr uint32_t eflags_vm = 1u << 17;

} // namespace

bool push_bounce_frame(Vcpu& v, Exception_frame& f, uint16_t cs, uint32_t eip, bool mask_events,
                       const uint32_t* extra, unsigned nextra)
{
    vcpu_info* vi = v.info;
    uint8_t saved_mask = vi->evtchn_upcall_mask;
    bool from_user = (f.cs & 3) == 3;
    uint32_t esp = from_user ? v.kernel_sp : f.esp;
    uint16_t ss = from_user ? static_cast<uint16_t>(v.kernel_ss) : f.ss;
    // The guest's view of EFLAGS: IF is "events enabled", IOPL its virtual
    // one with the architectural-IOPL assist (Xen's create_bounce_frame).
    uint32_t eflags = (f.eflags & ~(eflags_if | eflags_iopl)) | (saved_mask ? 0 : eflags_if);
    if (v.domain->vm_assist & (1u << VMASST_TYPE_architectural_iopl))
        eflags |= v.iopl << 12;
    // Built in memory order, lowest address first: the extra words (the
    // last one lowest, as pushed last), eip, cs with the saved mask,
    // eflags, then from user space its esp and ss.
    constexpr unsigned max_extra = 4; // the failsafe callback's selectors
    if (nextra > max_extra)
        return false;
    uint32_t frame[max_extra + 5];
    unsigned len = 0;
    for (unsigned i = nextra; i-- > 0;)
        frame[len++] = extra[i];
    frame[len++] = f.eip;
    frame[len++] = f.cs | (uint32_t{saved_mask} << 16);
    frame[len++] = eflags;
    if (from_user) {
        frame[len++] = f.esp;
        frame[len++] = f.ss;
    }
    uint32_t new_esp = esp - len * 4;
    if (new_esp > esp || copy_to_guest_raw(new_esp, frame, len * 4) != 0) {
        log::warn("d%u v%u: cannot write an exception frame at %08x: guest stack unusable",
                  v.domain->id, v.id, new_esp);
        return false;
    }
    f.esp = new_esp;
    f.ss = ss;
    f.cs = cs;
    f.eip = eip;
    f.eflags &= ~(eflags_tf | eflags_nt | eflags_rf | eflags_vm);
    f.eflags |= eflags_if; // the real IF is always on in guest context
    if (mask_events)
        vi->evtchn_upcall_mask = 1;
    return true;
}

bool bounce_exception(Exception_frame& f, uint8_t vector, bool has_error, uint32_t error,
                      uint32_t cr2)
{
    Vcpu* v = this_cpu().current;
    const trap_info& ti = v->traps[vector];
    if (ti.address == 0 || (ti.cs & 3) == 0)
        return false;
    if (vector == 14)
        v->info->arch.cr2 = cr2;
    return push_bounce_frame(*v, f, ti.cs, ti.address, (ti.flags & 4) != 0, &error, has_error ? 1 : 0);
}

} // namespace arch

// SYSENTER (sysenter.S): the guest kernel's sysenter callback gets a frame
// like any exception from ring 3; without one the guest gets #GP(0).
extern "C" void pv_sysenter(arch::Exception_frame* frame)
{
    using namespace arch;
    Exception_frame& f = *frame;
    Vcpu& v = *this_cpu().current;
    v.failsafe_pending = false;
    if (v.sysenter_callback.eip != 0) {
        if (push_bounce_frame(v, f, static_cast<uint16_t>(v.sysenter_callback.cs),
                       v.sysenter_callback.eip, v.sysenter_masks_events, nullptr, 0))
            return;
    } else if (bounce_exception(f, 13, true, 0, 0)) {
        return;
    }
    log::warn("d%u v%u: SYSENTER with no usable callback or #GP handler", v.domain->id, v.id);
    domain_crash(*v.domain, &f);
}

// The exit path could not restore the guest's segments or iret frame
// (trap_entry.S). Xen's failsafe callback gets the selectors that failed
// on its stack (ds lowest, then es, fs, gs) above a normal frame, and runs
// with null data selectors. A second failure before the guest re-enters the
// hypervisor means the callback's own state is unusable: crash.
extern "C" void pv_failsafe(arch::Exception_frame* frame)
{
    using namespace arch;
    Exception_frame& f = *frame;
    Vcpu& v = *this_cpu().current;
    if (v.failsafe_pending || v.failsafe_callback.eip == 0) {
        log::warn("d%u v%u: cannot return to the guest (cs %04x ss %04x ds %04x es %04x fs %04x "
                  "gs %04x) and no usable failsafe callback",
                  v.domain->id, v.id, f.cs, f.ss, f.ds, f.es, f.fs, f.gs);
        domain_crash(*v.domain, &f);
        return;
    }
    v.failsafe_pending = true;
    uint32_t segs[4] = {f.gs, f.fs, f.es, f.ds};
    if (!push_bounce_frame(v, f, static_cast<uint16_t>(v.failsafe_callback.cs), v.failsafe_callback.eip,
                    v.failsafe_masks_events, segs, 4)) {
        domain_crash(*v.domain, &f);
        return;
    }
    f.ds = f.es = f.fs = f.gs = 0;
}
