/* uint32_t xenith_copy_bytes(void* dst, const void* src, uint32_t n)
 * Copies with plain moves; a #PF or #GP on the copy resumes at the fix-up,
 * which returns the count not yet copied (rep movsb keeps %ecx exact at
 * every fault). Callers range-check first (guest_copy.cpp). */
	.text
	.globl xenith_copy_bytes
xenith_copy_bytes:
	pushl %esi
	pushl %edi
	movl 12(%esp), %edi
	movl 16(%esp), %esi
	movl 20(%esp), %ecx
1:	rep movsb
2:	movl %ecx, %eax
	popl %edi
	popl %esi
	ret

	.section .extable, "a"
	.align 4
	.long 1b, 2b
