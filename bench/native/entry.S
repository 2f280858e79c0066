/* The native floor: a bare-metal multiboot kernel (ring 0, flat segments)
 * that times what PV operations are compared with: software interrupt
 * round trips from ring 0 and ring 3, INVLPG, a CR3 reload, a page-table
 * entry write, a 4 KiB copy. Prints "native <name> <cycles>" on COM1. */
	.section .multiboot, "a"
	.align 4
	.long 0x1BADB002, 0, -0x1BADB002

	.text
	.globl _start
_start:
	movl $stack_top, %esp
	call native_main
1:	cli
	hlt
	jmp 1b

/* int $0x40 (ring 0) and int $0x80 (from ring 3) both just return. */
	.globl isr_return, isr_back_to_ring0
isr_return:
	iret
/* int $0x81 from ring 3: abandon ring 3, back to the saved ring-0 context. */
isr_back_to_ring0:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl ring0_esp, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* void run_ring3(void (*fn)()): iret to fn in ring 3; returns when fn
 * does int $0x81. */
	.globl run_ring3
run_ring3:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, ring0_esp
	movl 20(%esp), %eax
	pushl $0x23
	pushl $user_stack_top
	pushl $0x002                /* IF off: no firmware timer ticks meanwhile */
	pushl $0x1b
	pushl %eax
	iret

	.bss
	.align 16
	.skip 16384
stack_top:
	.skip 8192
user_stack_top:
	.globl ring0_esp
ring0_esp: .long 0
	.section .note.GNU-stack, "", @progbits
