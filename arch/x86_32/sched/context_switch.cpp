#include "arch/x86_32/sched/context_switch.hpp"

#include "arch/x86_32/cpu/cpu_area.hpp"
#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/fpu.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "arch/x86_32/mm/guest_cr3.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "arch/x86_32/pv/guest_cr4.hpp"
#include "arch/x86_32/pv/ldt.hpp"
#include "arch/x86_32/pv/pv_entry.hpp"
#include "arch/x86_32/sched/debugregs.hpp"
#include "arch/x86_32/sched/softirq.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/sched/schedule.hpp"

extern "C" [[noreturn]] void pv_resume_frame(arch::Exception_frame* frame);

namespace arch {
namespace {

uint32_t idle_cr3;

constexpr uint32_t cr4_pge = 1u << 7;

// The hypervisor's own page tables, with every TLB entry a guest made
// (its global ones too) gone.
void load_idle_cr3()
{
    tlb_flush_starts();
    asm volatile("movl %0, %%cr3" ::"r"(idle_cr3) : "memory");
    uint32_t cr4;
    asm volatile("movl %%cr4, %0" : "=r"(cr4));
    if (cr4 & cr4_pge) {
        asm volatile("movl %0, %%cr4" ::"r"(cr4 & ~cr4_pge) : "memory");
        asm volatile("movl %0, %%cr4" ::"r"(cr4) : "memory");
    }
}

// The guest frame and a vCPU's saved registers are the same 17 words
// (copy_frame, exception_frame.hpp).
static_assert(sizeof(Exception_frame) == sizeof(cpu_user_regs));

// v leaves this CPU: registers, FPU, and its runstate area (written while
// its address space is still loaded).
void save_vcpu(Vcpu& v, const Exception_frame& f)
{
    copy_frame(&v.regs, &f);
    fpu_save_leaving(v);
    if (v.runstate_guest != 0) // no call for a vCPU without a registered area
        (void)runstate_write_guest(v);
}

// The hypervisor never loads FS or GS, so they still hold the last
// guest's selectors, with the bases of that guest's descriptors cached.
// Nulled when another vCPU is loaded (or none): interrupts taken while
// idle would otherwise reload them from tables about to go, and the exit
// path, which reloads FS and GS only when the frame's selector values
// differ from the loaded ones, would keep the previous vCPU's bases for
// equal values that name other descriptors (Linux's per-CPU segment: one
// selector, a base per CPU in each CPU's own GDT).
void clear_fs_gs() { asm volatile("movl %0, %%fs; movl %0, %%gs" ::"r"(0u) : "memory"); }

// Nothing of any guest stays loaded on this CPU.
[[noreturn]] void go_idle(Vcpu* prev)
{
    Percpu& cpu = this_cpu();
    cpu.current = nullptr;
    clear_fs_gs();
    if (cpu.debugregs_armed) {
        load_debugreg(7, dr7_reset);
        cpu.debugregs_armed = false;
    }
    load_idle_cr3();
    (void)map_guest_gdt_frames(cpu, nullptr, 0);
    fpu_idle();
    sched_switched(prev);
    idle_loop();
}

} // namespace

void context_switch_init() { asm volatile("movl %%cr3, %0" : "=r"(idle_cr3)); }

// Flattened: its dozen small loads (GDT and LDT windows, stacks, gates,
// CR3, FPU, time) were each a call, together as many instructions as
// their work (an event round trip 3 671 -> 3 503). What it reaches only
// on failure or migration is kept out (noinline domain_crash,
// vcpu_timers_migrate, runstate_write_guest).
[[gnu::flatten]] void load_vcpu(Vcpu& v, const Sched_pick& at)
{
    Percpu& cpu = this_cpu();
    cpu.current = &v;
    // Its timers follow it, so that they fire where it runs.
    if (v.singleshot_timer.cpu != cpu.index)
        vcpu_timers_migrate(v, cpu.index);
    clear_fs_gs();
    if (!map_guest_gdt_frames(cpu, v.gdt_frames, v.nr_gdt_frames))
        log::error("d%u v%u: cannot map its GDT", v.domain->id, v.id);
    load_guest_kernel_stack(v);
    load_syscall_gate(v);
    load_sysenter(cpu);
    load_ldt(v);
    flush_guest_tlb(v);
    fpu_switch_to(v);
    guest_cr4_load(v);
    switch_debugregs(cpu.debugregs_armed, v.debugreg);
    update_vcpu_time_at(v, at.tsc, at.now);
    if (v.runstate_guest != 0)
        (void)runstate_write_guest(v);
}

void exit_softirqs_slow(Percpu& cpu, Exception_frame& f)
{
    do {
        uint32_t s = take_softirqs(cpu);
        if (s & softirq_timer)
            timer_rearm_this_cpu();
        Vcpu* prev = cpu.current;
        if (!(s & softirq_schedule) && vcpu_runnable(*prev))
            continue;
        Sched_pick p = sched_pick(cpu.index, prev);
        if (!p.switched)
            continue;
        save_vcpu(*prev, f);
        if (!p.next)
            go_idle(prev);
        load_vcpu(*p.next, p);
        copy_frame(&f, &p.next->regs);
        sched_switched(prev);
    } while (softirq_pending(cpu));
}

void idle_loop()
{
    Percpu& cpu = this_cpu();
    for (;;) {
        asm volatile("cli" ::: "memory");
        uint32_t s = take_softirqs(cpu);
        if (s & softirq_timer)
            timer_rearm_this_cpu();
        if (s & softirq_schedule) {
            Sched_pick p = sched_pick(cpu.index, nullptr);
            if (p.next) {
                load_vcpu(*p.next, p);
                Exception_frame& f = guest_frame();
                copy_frame(&f, &p.next->regs);
                // Through the exit path, which delivers pending upcalls.
                pv_resume_frame(&f);
            }
        }
        if (softirq_pending(cpu))
            continue;
        // STI's one-instruction shadow makes "sti; hlt" atomic: a softirq
        // raised after the check still ends the halt with its interrupt.
        asm volatile("sti; hlt" ::: "memory");
    }
}

} // namespace arch
