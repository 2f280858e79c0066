#include "arch/x86_32/pv/pv_entry.hpp"

#include "arch/x86_32/cpu/cpu_area.hpp"
#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/cpu/descriptors.hpp"
#include "arch/x86_32/cpu/fault_report.hpp"
#include "arch/x86_32/cpu/fpu.hpp"
#include "arch/x86_32/mm/guest_cr3.hpp"
#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/pv/guest_cr4.hpp"
#include "arch/x86_32/pv/ldt.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/hypercall_continuation.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/pv/pv_emulate.hpp"
#include "arch/x86_32/pv/pv_events.hpp"
#include "arch/x86_32/mm/ptwr.hpp"
#include "arch/x86_32/sched/debugregs.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/domain/shutdown.hpp"

extern "C" [[noreturn]] void pv_resume_frame(arch::Exception_frame* frame);
extern "C" char sysenter_entry[], sysenter_eflags_saved[];
extern "C" char hypercall_fast_entry[];

namespace arch {
namespace {

bool has_error_code(uint8_t v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

// The CPU sets DR6's status bits at a #DB and never clears them. Those
// of a #DB in guest mode go into the vCPU's copy, where get_debugreg(6)
// reads them (Linux's debug handler does, to tell a single step from a
// breakpoint), and the register goes back to its reset value, as Xen's
// do_debug: bits set there (B0-3, BD, BS, BT) are added, the one that
// reads 0 when active (RTM, bit 16) is cleared.
void record_guest_dr6(Vcpu& v)
{
    uint32_t dr6 = take_dr6();
    v.debugreg[6] |= dr6 & ~dr6_reset;
    v.debugreg[6] &= dr6 | ~dr6_reset;
}

void guest_exception(Exception_frame& f, uint32_t cr2)
{
    Vcpu& v = *this_cpu().current;
    v.failsafe_pending = false;
    uint8_t vector = static_cast<uint8_t>(f.entry_vector);
    x86emul::Rc rc = x86emul::Rc::unhandleable;
    x86emul::Event ev;
    switch (vector) {
    case 1: record_guest_dr6(v); break;
    case 6: rc = emulate_forced_cpuid(v, f, ev); break;
    case 7:
        // Lazy FPU: the vCPU's own state is loaded first (Xen's
        // do_device_not_available); the #NM is the guest's only when it
        // had set its virtual TS (fpu_taskswitch), which this clears.
        fpu_take(v);
        if (!v.fpu_ts)
            return;
        v.fpu_ts = false;
        break;
    case 14: rc = emulate_pt_write(v, f, cr2, ev); break;
    case 13:
        rc = emulate_privileged(v, f, ev);
        if (rc == x86emul::Rc::unhandleable && reflect_software_interrupt(v, f))
            return;
        break;
    default:
        break;
    }
    // Emulated, or to be executed again (a compare-exchange lost a race).
    if (rc == x86emul::Rc::okay || rc == x86emul::Rc::retry)
        return;
    bool has_error = has_error_code(vector);
    uint32_t error = f.error_code;
    if (rc == x86emul::Rc::exception) {
        vector = ev.vector;
        has_error = ev.has_error_code;
        error = ev.error_code;
        cr2 = ev.cr2;
    }
    if (bounce_exception(f, vector, has_error, error, cr2))
        return;
    log::error("d%u v%u: exception %u at %04x:%08x (error %#x) and no usable guest handler",
               v.domain->id, v.id, vector, f.cs, f.eip, error);
    domain_crash(*v.domain, &f);
}

// Xen's guest_gate_selector_okay: a gate the CPU takes without the
// hypervisor may only lead to a code segment of the guest's own tables
// (whose descriptors never have DPL 0) or to the flat ring-1/3 code
// segments, never to anything else in the reserved GDT page.
bool gate_selector_ok(uint16_t cs)
{
    unsigned index = cs >> 3;
    if ((cs & 3) == 0)
        return false;
    if (cs & 4)
        return true;
    if (index != 0 && index < Vcpu::max_gdt_entries)
        return true;
    return (cs & ~3u) == (FLAT_RING1_CS & ~3u) || (cs & ~3u) == (FLAT_RING3_CS & ~3u);
}

constexpr uint32_t eflags_tf = 1u << 8;
constexpr uint32_t dr6_bs = 1u << 14;

// A #DB in ring 0 comes from a breakpoint a guest placed on its own memory
// (set_debugreg) that the hypervisor touched while copying to or from it:
// the access completed (data breakpoints are traps), so it is the guest's
// business only. Its DR6 is kept for the guest, as Xen does. Or it is the
// single step of a guest that entered with TF through SYSENTER: TF stays
// until sysenter.S has saved the guest's EFLAGS, then goes (Xen's do_debug).
void hypervisor_debug_trap(Exception_frame& f)
{
    if (f.eflags & eflags_tf) {
        uint32_t start = reinterpret_cast<uint32_t>(&sysenter_entry);
        uint32_t saved = reinterpret_cast<uint32_t>(&sysenter_eflags_saved);
        if (f.eip < start || f.eip >= saved)
            f.eflags &= ~eflags_tf;
        uint32_t dr6 = read_dr6();
        load_debugreg(6, dr6 & ~dr6_bs);
        if (!(dr6 & 0xF))
            return;
    }
    uint32_t dr6 = take_dr6();
    if (Vcpu* v = this_cpu().current)
        v->debugreg[6] |= dr6 & 0xF;
}

} // namespace

void load_sysenter(Percpu& cpu)
{
    // Per CPU and constant: once is enough. (CPUID serialises and each
    // WRMSR costs about a hundred cycles: every switch used to pay both.)
    if (cpu.sysenter_loaded)
        return;
    cpu.sysenter_loaded = true;
    // Only CPUs with SYSENTER (CPUID.1:EDX.SEP; P6 model 3 and later).
    if (!(cpuid(1).edx & (1u << 11)))
        return;
    wrmsr(msr_sysenter_cs, HV_CS);
    wrmsr(msr_sysenter_esp, reinterpret_cast<uint32_t>(&cpu.area->top.guest_frame.es));
    wrmsr(msr_sysenter_eip, reinterpret_cast<uint32_t>(&sysenter_entry));
}

void load_guest_kernel_stack(Vcpu& v)
{
    Tss& tss = this_cpu().area->tss;
    tss.ss1 = static_cast<uint16_t>(v.kernel_ss);
    tss.esp1 = v.kernel_sp;
}

void load_syscall_gate(Vcpu& v)
{
    const trap_info& ti = v.traps[syscall_vector];
    unsigned cpu = this_cpu().index;
    // Only a gate that needs no event masking can bypass the hypervisor.
    if (ti.address != 0 && (ti.flags & 3) == 3 && !(ti.flags & 4) && gate_selector_ok(ti.cs))
        set_syscall_gate(cpu, ti.cs, ti.address);
    else
        clear_syscall_gate(cpu);
}

Exception_frame& guest_frame() { return this_cpu().area->top.guest_frame; }

void pv_entry_init()
{
    // An interrupt gate: the hypervisor runs hypercalls with interrupts off.
    // Its own entry (trap_entry.S) calls pv_hypercall without the generic
    // dispatch: only a guest kernel can raise it.
    if (!set_interrupt_entry(hypercall_vector, reinterpret_cast<uint32_t>(hypercall_fast_entry), 1))
        log::error("cannot install the hypercall gate");
    set_guest_exception_handler(guest_exception);
    if (!set_interrupt_handler(1, hypervisor_debug_trap))
        log::error("cannot install the hypervisor's #DB handler");
    ldt_init();
}

bool hypercall_preempt_check(const Vcpu& v)
{
    // An interrupt is waiting (hypercalls run with interrupts off), or an
    // event for the guest itself. The IRR is seven APIC reads, which on
    // hardware and under QEMU cost about as much as a small batched op:
    // read at every fourth check, so a waiting interrupt is seen at most
    // three ops late.
    if ((++this_cpu().preempt_checks & 3) == 0 && lapic::any_irr())
        return true;
    const vcpu_info* vi = v.info;
    return vi && vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask;
}

long hypercall_continue(Vcpu& v, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3,
                        uint32_t a4)
{
    v.continuation.pending = true;
    v.continuation.nr = nr;
    v.continuation.args[0] = a0;
    v.continuation.args[1] = a1;
    v.continuation.args[2] = a2;
    v.continuation.args[3] = a3;
    v.continuation.args[4] = a4;
    return static_cast<long>(nr);
}

} // namespace arch

// hypercall_fast_entry's worker (trap_entry.S), with the guest's frame,
// whose first five words are the argument registers in the ABI's order:
// the handler reads them in place. No handler changes the frame and reads
// its arguments afterwards (iret takes none; vCPU switches happen on exit).
static_assert(__builtin_offsetof(arch::Exception_frame, ebx) == 0 &&
              __builtin_offsetof(arch::Exception_frame, ecx) == 4 &&
              __builtin_offsetof(arch::Exception_frame, edx) == 8 &&
              __builtin_offsetof(arch::Exception_frame, esi) == 12 &&
              __builtin_offsetof(arch::Exception_frame, edi) == 16);
// Nonzero when the exit path must run (trap_entry.S); zero when the exit
// is quiet and the guest's registers can be restored at once. The frame
// comes in %eax (regparm: the entry needs no push for it).
extern "C" [[gnu::regparm(1)]] uint32_t pv_hypercall(arch::Exception_frame* frame);
extern "C" uint32_t pv_hypercall(arch::Exception_frame* frame)
{
    arch::Exception_frame& f = *frame;
    arch::Percpu& cpu = arch::this_cpu();
    Vcpu& v = *cpu.current;
    v.failsafe_pending = false;
    uint32_t nr = f.eax;
    long r = hypercall_call(v, nr, *reinterpret_cast<const Hypercall_args*>(&f));
    if (__builtin_expect(v.continuation.pending, 0)) {
        // The guest re-issues the call: back onto its "int $0x82" with the
        // continuation's registers.
        v.continuation.pending = false;
        f.eax = v.continuation.nr;
        f.ebx = v.continuation.args[0];
        f.ecx = v.continuation.args[1];
        f.edx = v.continuation.args[2];
        f.esi = v.continuation.args[3];
        f.edi = v.continuation.args[4];
        f.eip -= 2;
        return 1;
    }
    // iret restores eax itself (the guest's saved value) and returns it.
    // It is also the one call that rewrites the frame (a failsafe bounce
    // zeroes its segment selectors): its exit reloads what the frame says.
    f.eax = static_cast<uint32_t>(r);
    if (__builtin_expect(nr == __HYPERVISOR_iret, 0))
        return 1;
    return !exit_is_quiet(cpu, *cpu.current);
}
