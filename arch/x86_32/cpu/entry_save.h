/* Assembly only: completes an Exception_frame (cpu_layout.h UREGS_*) on
 * the stack once eip..ss and the error/vector word are there: pushes the
 * general registers, records the data segment registers, and loads the
 * hypervisor's data segments. Used by every way into the hypervisor. */
#ifndef XENITH_ARCH_ENTRY_SAVE_H
#define XENITH_ARCH_ENTRY_SAVE_H

.macro SAVE_GUEST_REGS
	pushl %eax
	pushl %ebp
	pushl %edi
	pushl %esi
	pushl %edx
	pushl %ecx
	pushl %ebx
	movw $0, UREGS_cs+2(%esp)   /* saved_upcall_mask and pad */
	movw $0, UREGS_ss+2(%esp)
	movl %es, %eax
	movl %eax, UREGS_es(%esp)
	movl %ds, %eax
	movl %eax, UREGS_ds(%esp)
	movl %fs, %eax
	movl %eax, UREGS_fs(%esp)
	movl %gs, %eax
	movl %eax, UREGS_gs(%esp)
	movl $HV_DS, %eax
	movl %eax, %ds
	movl %eax, %es
.endm

#endif
