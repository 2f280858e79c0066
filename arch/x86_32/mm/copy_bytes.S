/* uint32_t xenith_copy_bytes(void* dst, const void* src, uint32_t n)
 * Copies with plain moves, four bytes at a time then the tail; a #PF or #GP
 * on the copy resumes at a fix-up that returns the count not yet copied
 * (the rep counters are exact at every fault). Callers range-check first
 * (guest_copy.cpp). */
	.text
	.globl xenith_copy_bytes
xenith_copy_bytes:
	pushl %esi
	pushl %edi
	movl 12(%esp), %edi
	movl 16(%esp), %esi
	movl 20(%esp), %edx
	movl %edx, %ecx
	shrl $2, %ecx
1:	rep movsl
	movl %edx, %ecx
	andl $3, %ecx
2:	rep movsb
3:	movl %ecx, %eax
	popl %edi
	popl %esi
	ret
4:	andl $3, %edx               /* fault in the dword part */
	leal (%edx, %ecx, 4), %ecx
	jmp 3b

	.section .extable, "a"
	.align 4
	.long 1b, 4b
	.long 2b, 3b
	.previous
	.section .note.GNU-stack, "", @progbits
