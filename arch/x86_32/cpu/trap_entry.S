/* Interrupt and exception entry and exit. Every vector has a 16-byte stub
 * that leaves the error-code/vector word of Xen's cpu_user_regs on the
 * stack and jumps to the common path, which completes an Exception_frame
 * (cpu_layout.h UREGS_*) and calls exception_dispatch(frame). Vector 8 is a
 * task gate (cpu_tables.cpp); its stub exists only to keep the table dense. */
#include "arch/x86_32/cpu/cpu_layout.h"
#include "arch/x86_32/cpu/entry_save.h"

/* Vectors for which the CPU pushes an error code: #DF, #TS, #NP, #SS, #GP,
 * #PF, #AC, #CP, #VC, #SX. */
#define HAS_ERROR_CODE(v) \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.section .rodata
	.align 4
	.globl interrupt_stub_table
interrupt_stub_table:

	.text
vec = 0
	.rept 256
	.text
	.align 16
1:
	.if HAS_ERROR_CODE(vec)
	movw $vec, 2(%esp)          /* error code stays in the low half */
	.else
	pushl $(vec << 16)          /* error code 0, vector in the high half */
	.endif
	jmp interrupt_common
	.section .rodata
	.long 1b
vec = vec + 1
	.endr

	.text
	.align 16
interrupt_common:
	cld
	/* From ring 0 the CPU pushed no esp/ss: move error/eip/cs/eflags down
	 * six slots so the frame has the same shape as a ring 1/3 entry, and
	 * record the interrupted esp and ss in it. */
	testb $3, 8(%esp)
	jnz 1f
	subl $24, %esp
	pushl %eax
	movl 28(%esp), %eax
	movl %eax, 4(%esp)
	movl 32(%esp), %eax
	movl %eax, 8(%esp)
	movl 36(%esp), %eax
	movl %eax, 12(%esp)
	movl 40(%esp), %eax
	movl %eax, 16(%esp)
	leal 44(%esp), %eax
	movl %eax, 20(%esp)
	movl %ss, %eax
	movl %eax, 24(%esp)
	popl %eax
1:	SAVE_GUEST_REGS
	movl %esp, %eax
	pushl %eax
	call exception_dispatch
	addl $4, %esp
	.globl exception_return
exception_return:
	testb $3, UREGS_cs(%esp)
	jnz return_to_guest
	/* Back to ring 0: iret pops only eip/cs/eflags, so rebuild them (and
	 * eax) in the top slots of the frame, which end exactly at the
	 * interrupted stack pointer. */
	mov UREGS_es(%esp), %es
	mov UREGS_ds(%esp), %ds
	mov UREGS_fs(%esp), %fs
	mov UREGS_gs(%esp), %gs
	movl UREGS_eip(%esp), %eax
	movl %eax, UREGS_ds(%esp)
	movl UREGS_cs(%esp), %eax
	movl %eax, UREGS_fs(%esp)
	movl UREGS_eflags(%esp), %eax
	movl %eax, UREGS_gs(%esp)
	movl UREGS_eax(%esp), %eax
	movl %eax, UREGS_es(%esp)
	popl %ebx
	popl %ecx
	popl %edx
	popl %esi
	popl %edi
	popl %ebp
	leal (UREGS_es - UREGS_eax)(%esp), %esp
	popl %eax
	iret

	/* A selector the guest left behind may no longer be loadable (its
	 * GDT/LDT changed), and an iret frame from the iret hypercall may name
	 * a bad CS/SS: each faulting instruction here has a fix-up that hands
	 * the frame to pv_failsafe(), which bounces to the guest's failsafe
	 * callback (or crashes the domain), then leaves through the exit path
	 * again. */
	/* int $0x82 from a guest kernel (ring 1: the gate's DPL), past the
	 * generic dispatch: the frame completed, the hypercall made, then the
	 * same exit as every other entry from a guest. */
	.align 16
	.globl hypercall_fast_entry
hypercall_fast_entry:
	pushl $(0x82 << 16)
	cld
	SAVE_GUEST_REGS
	movl %esp, %eax             /* the frame, regparm(1) */
	call pv_hypercall
	/* Zero: nothing for the exit path to do (exit_is_quiet) and the
	 * frame's segment selectors are the ones still loaded. */
	testl %eax, %eax
	jz restore_guest_data_segments

return_to_guest:
	/* Last word before the guest runs again: pending event upcalls. */
	pushl %esp
	call pv_exit_to_guest
	addl $4, %esp
10:	mov UREGS_es(%esp), %es
11:	mov UREGS_ds(%esp), %ds
	/* The hypervisor never loads fs or gs: reload them only when the
	 * frame asks for other values (a failsafe bounce; a context switch
	 * nulls them, so another vCPU's are always loaded afresh from its
	 * own descriptor tables). */
	movl %fs, %eax
	cmpw UREGS_fs(%esp), %ax
	je 1f
12:	mov UREGS_fs(%esp), %fs
1:	movl %gs, %eax
	cmpw UREGS_gs(%esp), %ax
	je 2f
13:	mov UREGS_gs(%esp), %gs
2:
	jmp restore_guest_registers
	/* A hypercall's quiet exit: fs and gs were never touched. */
restore_guest_data_segments:
15:	mov UREGS_es(%esp), %es
16:	mov UREGS_ds(%esp), %ds
restore_guest_registers:
	popl %ebx
	popl %ecx
	popl %edx
	popl %esi
	popl %edi
	popl %ebp
	popl %eax
	addl $4, %esp
14:	iret

guest_iret_fault:
	/* The fault's own frame was built over the slots the general
	 * registers were popped from; they still hold the guest's values, so
	 * put them back. */
	pushl $0
	pushl %eax
	pushl %ebp
	pushl %edi
	pushl %esi
	pushl %edx
	pushl %ecx
	pushl %ebx
guest_segment_fault:
	movl %esp, %eax
	movl $HV_DS, %ecx
	movl %ecx, %ds
	movl %ecx, %es
	pushl %eax
	call pv_failsafe
	addl $4, %esp
	jmp exception_return

	.section .extable, "a"
	.align 4
	.long 10b, guest_segment_fault
	.long 11b, guest_segment_fault
	.long 12b, guest_segment_fault
	.long 13b, guest_segment_fault
	.long 15b, guest_segment_fault
	.long 16b, guest_segment_fault
	.long 14b, guest_iret_fault
	.previous
