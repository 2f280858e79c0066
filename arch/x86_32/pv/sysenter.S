/* SYSENTER from a guest (Xen's CALLBACKTYPE_sysenter). The CPU arrives in
 * ring 0 on the esp from IA32_SYSENTER_ESP (this CPU's guest frame, as
 * TSS.esp0) with interrupts off and saves nothing: the user eip and esp are
 * the guest's own convention (Linux passes them in registers). Build the
 * frame of a ring-3 entry with eip = esp = 0, as Xen does, and let
 * pv_sysenter() bounce it to the guest's callback. */
#include "arch/x86_32/cpu/cpu_layout.h"
#include "arch/x86_32/cpu/entry_save.h"

	.text
	.globl sysenter_entry
sysenter_entry:
	pushl $FLAT_RING3_DS        /* ss */
	pushl $0                    /* esp: unknown */
	pushl $0x202                /* eflags: guest user space always runs with IF */
	pushl $FLAT_RING3_CS        /* cs */
	pushl $0                    /* eip: unknown */
	pushl $0                    /* error code, entry vector */
	SAVE_GUEST_REGS
	pushl %esp
	call pv_sysenter
	addl $4, %esp
	jmp exception_return

	.section .note.GNU-stack, "", @progbits
