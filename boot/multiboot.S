/* Multiboot v1 header. GRUB and QEMU's -kernel loader both read it; the ELF
 * program headers carry physical load addresses, so no a.out kludge. */
#define MB_MAGIC        0x1BADB002
#define MB_PAGE_ALIGN   (1 << 0)
#define MB_MEMORY_INFO  (1 << 1)
#define MB_FLAGS        (MB_PAGE_ALIGN | MB_MEMORY_INFO)

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
