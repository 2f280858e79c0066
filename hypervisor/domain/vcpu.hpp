// A virtual CPU of a PV domain: the guest state the hypervisor keeps for it
// while it is not running, and the virtual "hardware" the guest programs
// through hypercalls (trap table, callbacks, kernel stack, GDT, LDT, CR3).
#pragma once
#include <cstdint>

#include "arch/x86_32/include/arch_vcpu.hpp"
#include "hypervisor/event/timer_queue.hpp"
#include "hypervisor/mm/frame.hpp"
#include "hypervisor/sched/sched_unit.hpp"
#include "public/vcpu.h"
#include "public/xen.h"

struct Domain;

struct Vcpu {
    static constexpr unsigned max_gdt_frames = 14; // FIRST_RESERVED_GDT_PAGE
    static constexpr uint32_t max_gdt_entries = max_gdt_frames * 512;

    Domain* domain = nullptr;
    unsigned id = 0;
    // Why it may not run (hypervisor/sched/schedule.hpp); each changes
    // under the runqueue lock of its CPU (sched::Vcpu_lock).
    bool initialised = false; // has a context (the builder's, VCPUOP_initialise)
    bool up = false;          // VCPUOP_is_up (down: Xen's _VPF_down)
    bool blocked = false;     // SCHEDOP_block/poll, HLT: until an event
    uint32_t pause_count = 0; // vcpu_pause nesting
    // SCHEDOP_poll in progress: the port it waits for, or 0 for any of
    // several (the vCPU then wakes for every port of its domain).
    bool polling = false;
    uint32_t poll_port = 0;
    uint64_t poll_deadline = 0; // its timeout (system time), 0 for none

    cpu_user_regs regs{};     // saved guest registers while not running

    // The virtual IDT (set_trap_table): 0 address = no handler.
    trap_info traps[256]{};
    uint32_t kernel_ss = 0, kernel_sp = 0;   // stack_switch
    xen_callback event_callback{}, failsafe_callback{}, nmi_callback{};
    xen_callback sysenter_callback{}, syscall_callback{};
    bool failsafe_masks_events = false;
    bool event_masks_events = false;
    bool syscall_masks_events = false;
    bool sysenter_masks_events = false;
    // A failsafe callback was delivered and the guest has not entered the
    // hypervisor since (a second exit failure then crashes the domain).
    bool failsafe_pending = false;

    Mfn cr3 = invalid_mfn;    // current L3 (MMUEXT_NEW_BASEPTR)
    Mfn gdt_frames[max_gdt_frames]{};
    unsigned nr_gdt_frames = 0;
    uint32_t gdt_ents = 0;
    uint32_t ldt_base = 0, ldt_ents = 0;
    Mfn ldt_frames[16]{};      // typed descriptor pages, referenced
    unsigned nr_ldt_frames = 0;
    // Xen's arch_vcpu_regs_init: DR6 and DR7 start at their reset values
    // (get_debugreg shows them so before any set_debugreg).
    uint32_t debugreg[8]{0, 0, 0, 0, 0, 0, 0xFFFF0FF0u, 0x400u};
    bool fpu_ts = false;      // virtual CR0.TS (fpu_taskswitch)
    uint32_t iopl = 0;        // PHYSDEVOP_set_iopl (virtual IOPL, 0..3)

    // Where this vCPU's vcpu_info lives: in shared_info by default, or a
    // page the guest registered (VCPUOP_register_vcpu_info).
    vcpu_info* info = nullptr;
    Mfn info_mfn = invalid_mfn;

    // VCPUOP_register_runstate_memory_area: guest virtual address, 0 = none.
    uint32_t runstate_guest = 0;
    // The runstate (RUNSTATE_*), since when, and the time spent in each
    // (hypervisor/sched/runstate.cpp); under the vCPU's runqueue lock.
    uint8_t runstate = RUNSTATE_offline;
    uint64_t runstate_entry_ns = 0;
    uint64_t runstate_time[4]{};

    // Scheduling: the credit scheduler's state of this vCPU (its 'cpu' is
    // the CPU it belongs to), and whether its registers are loaded on a
    // CPU (from the switch to it until its state is saved again).
    sched::Sched_vcpu sched;
    bool is_running = false;
    // XEN_DOMCTL_setvcpuaffinity's soft affinity: kept and reported; the
    // credit policy schedules by the hard one only. Under domctl's lock.
    uint64_t soft_affinity = ~0ull;

    // Virtual timers (arch vtime), on the queue of the vCPU's CPU: the
    // periodic timer's period (0 = off) and the three timers.
    uint64_t periodic_period_ns = 0;
    Timer singleshot_timer, periodic_timer, poll_timer;

    arch::Arch_vcpu arch;

    // The running hypercall asked to be re-entered with these registers
    // (arch hypercall_continuation.hpp).
    struct {
        bool pending = false;
        uint32_t nr = 0;
        uint32_t args[5]{};
    } continuation;
};
