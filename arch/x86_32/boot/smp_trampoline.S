/* Application processor start-up. smp.cpp copies the bytes between
 * smp_trampoline_start and smp_trampoline_end to SMP_TRAMPOLINE_PHYS (a
 * page below 1 MiB), fills in the parameter block at its end and sends
 * INIT-SIPI-SIPI. The AP starts in real mode at CS:IP = (page << 8):0000,
 * so everything here is addressed as an offset from the start: through
 * %ds in real mode, as SMP_TRAMPOLINE_PHYS + offset once flat. */
#include "arch/x86_32/cpu/cpu_layout.h"
#include "arch/x86_32/boot/smp_layout.h"

#define REL(sym)   ((sym) - smp_trampoline_start)
#define ABS(sym)   (SMP_TRAMPOLINE_PHYS + REL(sym))
#define CR0_PE     0x00000001
#define CR0_WP     0x00010000
#define CR0_NW     0x20000000
#define CR0_CD     0x40000000
#define CR0_PG     0x80000000

	.section .rodata, "a"
	.code16
	.balign 16
	.globl smp_trampoline_start, smp_trampoline_end
smp_trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	/* Tell the boot CPU the SIPI arrived, so it sends no second one. */
	movl $1, REL(tr_started)
	lgdtl REL(tr_gdtr)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ABS(tr_flat)

	.code32
tr_flat:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	/* The boot CPU's PAE/PGE bits and its page tables (boot_l3): the low
	 * 4 MiB are identity-mapped there, so this page stays reachable when
	 * paging comes on. */
	movl ABS(tr_cr4), %eax
	movl %eax, %cr4
	movl ABS(tr_cr3), %eax
	movl %eax, %cr3
	/* INIT leaves caching off (CD, NW set); turn it on as the BSP has it. */
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW), %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	movl ABS(tr_stack), %esp
	movl ABS(tr_percpu), %ecx
	movl ABS(tr_entry), %eax
	jmp *%eax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF        /* 0x08: flat 32-bit code, ring 0 */
	.quad 0x00CF92000000FFFF        /* 0x10: flat data, ring 0 */
tr_gdtr:
	.word 3 * 8 - 1
	.long ABS(tr_gdt)

	/* Parameter block, last in the trampoline: smp.cpp finds it at the end
	 * and pins its size (SMP_TR_PARAMS_SIZE). */
	.balign 4
tr_params:
tr_started: .long 0
tr_cr3:     .long 0
tr_cr4:     .long 0
tr_stack:   .long 0
tr_percpu:  .long 0
tr_entry:   .long 0
smp_trampoline_end:

/* The high half of the AP's start: on the stack cpu_prepare() made for it
 * (its Stack_top already names the Percpu), interrupts off, boot GDT. */
	.text
	.globl smp_ap_entry
smp_ap_entry:
	xorl %ebp, %ebp                 /* terminates stack traces */
	pushl %ecx
	call smp_ap_start
1:	cli
	hlt
	jmp 1b
