/* 32-bit entry from a multiboot loader: protected mode, paging off, flat
 * segments, EAX = multiboot magic, EBX = physical address of the multiboot
 * info. This code runs at its physical (= link) address in .boot.text; it
 * builds the early PAE tables, turns paging on and jumps to the hypervisor's
 * virtual range. */
#include "boot/layout.h"
#include "arch/x86_32/cpu/cpu_layout.h"

#define PHYS(sym)  ((sym) - HV_DIRECTMAP_START)
/* The boot CPU runs on CPU area 0's stack (arch/x86_32/cpu/cpu_layout.h), below
 * its Stack_top block. */
#define BOOT_STACK_TOP  (xenith_cpu_areas + CPU_AREA_STACK + STACK_SIZE - STACK_TOP_SIZE)
#define PTE_P      0x001
#define PTE_RW     0x002
#define PTE_PS     0x080
#define PTE_G      0x100
#define CR0_WP     0x00010000
#define CR0_PG     0x80000000
#define CR4_PAE    0x020
#define CR4_PGE    0x080
#define CPUID_PAE  (1 << 6)
#define CPUID_PGE  (1 << 13)
#define COM1       0x3F8

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, boot_magic
	movl %ebx, boot_mbi
	movl $PHYS(BOOT_STACK_TOP), %esp

	/* A P6+ CPU has CPUID; refuse anything without PAE before touching CR4. */
	pushfl
	popl %eax
	movl %eax, %ecx
	xorl $0x00200000, %eax
	pushl %eax
	popfl
	pushfl
	popl %eax
	cmpl %eax, %ecx
	je no_pae
	movl $1, %eax
	cpuid
	testl $CPUID_PAE, %edx
	jz no_pae
	movl %edx, boot_cpuid_edx

	/* The early page tables live in .bss; zero it rather than trusting the
	 * loader to have done so. */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_end), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* Identity map 0-4 MiB (this code, the AP trampoline) with two 2 MiB
	 * pages, and the direct map 0-72 MiB at HV_DIRECTMAP_START. */
	movl $PHYS(boot_l2_low), %edi
	movl $(PTE_P | PTE_RW | PTE_PS), (%edi)
	movl $(0x200000 | PTE_P | PTE_RW | PTE_PS), 8(%edi)

	movl $PHYS(boot_l2_high), %edi
	leal (HV_DIRECTMAP_L2_SLOT * 8)(%edi), %edi
	movl $(PTE_P | PTE_RW | PTE_PS | PTE_G), %eax
	movl $(HV_DIRECTMAP_SIZE >> 21), %ecx
1:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 1b

	/* PAE L3 entries accept only P, PWT and PCD. */
	movl $PHYS(boot_l3), %edi
	movl $(PHYS(boot_l2_low) + PTE_P), (%edi)
	movl $(PHYS(boot_l2_high) + PTE_P), 24(%edi)

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	testl $CPUID_PGE, boot_cpuid_edx
	jz 2f
	orl $CR4_PGE, %eax
2:	movl %eax, %cr4
	movl %edi, %cr3
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	movl $high_entry, %eax
	jmp *%eax

/* Print a refusal on COM1 and the VGA text screen, then halt for good. */
no_pae:
	movw $(COM1 + 3), %dx           /* 8n1, DLAB on, divisor 1 = 115200 */
	movb $0x80, %al
	outb %al, %dx
	movw $COM1, %dx
	movb $1, %al
	outb %al, %dx
	movw $(COM1 + 1), %dx
	xorb %al, %al
	outb %al, %dx
	movw $(COM1 + 3), %dx
	movb $0x03, %al
	outb %al, %dx
	movl $no_pae_msg, %esi
	movl $0xB8000, %edi
3:	lodsb
	testb %al, %al
	jz 5f
	movb %al, %bl
	movw $(COM1 + 5), %dx
4:	inb %dx, %al
	testb $0x20, %al
	jz 4b
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	cmpb $'\n', %bl
	je 3b
	movb %bl, (%edi)
	movb $0x4F, 1(%edi)
	addl $2, %edi
	jmp 3b
5:	cli
	hlt
	jmp 5b

	.section .boot.data, "aw"
	.align 4
	.globl boot_magic, boot_mbi, boot_cpuid_edx
boot_magic:     .long 0
boot_mbi:       .long 0
boot_cpuid_edx: .long 0
no_pae_msg:
	.ascii "\nXenith: this CPU does not support PAE; Xenith needs a P6 "
	.asciz "(Pentium Pro) or newer processor with PAE. Halting.\n"

	.text
high_entry:
	movl $BOOT_STACK_TOP, %esp
	/* this_cpu() works from the first C++ instruction on. */
	movl $(xenith_cpu_areas + CPU_AREA_PERCPU), BOOT_STACK_TOP + STACK_TOP_CPU
	xorl %ebp, %ebp                 /* terminates stack traces */
	pushl boot_mbi
	pushl boot_magic
	call xenith_start
6:	cli
	hlt
	jmp 6b

	.bss
	.align 4096
	.globl boot_l2_low, boot_l2_high, boot_l3
boot_l2_low:    .skip 4096
boot_l2_high:   .skip 4096
boot_l3:        .skip 32
