/* SYSENTER from a guest (Xen's CALLBACKTYPE_sysenter). The CPU arrives in
 * ring 0 on the esp from IA32_SYSENTER_ESP (this CPU's guest frame, as
 * TSS.esp0) with interrupts off and saves nothing: the user eip and esp are
 * the guest's own convention (Linux passes them in registers). Build the
 * frame of a ring-3 entry with eip = esp = 0, as Xen does, holding the
 * guest's own EFLAGS, and let pv_sysenter() bounce it to the guest's
 * callback.
 *
 * SYSENTER clears only IF, VM and RF: the guest's NT and TF arrive here.
 * NT must go before the exit path's iret, which would otherwise be a task
 * return; TF single-steps this code until the flags are saved, where the
 * #DB handler takes it off (hypervisor_debug_trap), as Xen's do_debug. */
#include "arch/x86_32/cpu/cpu_layout.h"
#include "arch/x86_32/cpu/entry_save.h"

#define EFLAGS_TF 0x100
#define EFLAGS_IF 0x200
#define EFLAGS_NT 0x4000

	.text
	.globl sysenter_entry, sysenter_eflags_saved
sysenter_entry:
	pushl $FLAT_RING3_DS        /* ss */
	pushl $0                    /* esp: unknown */
	pushfl                      /* the guest's EFLAGS, IF cleared by SYSENTER */
sysenter_eflags_saved:
	orl $EFLAGS_IF, (%esp)      /* guest user space always runs with IF */
	pushl $FLAT_RING3_CS        /* cs */
	pushl $0                    /* eip: unknown */
	pushl $0                    /* error code, entry vector */
	SAVE_GUEST_REGS
	pushfl
	andl $~(EFLAGS_NT | EFLAGS_TF), (%esp)
	popfl
	pushl %esp
	call pv_sysenter
	addl $4, %esp
	jmp exception_return

	.section .note.GNU-stack, "", @progbits
