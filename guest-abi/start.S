/*
 * Start of day for a Xen PV guest (x86_32 PAE), its ELF notes and its
 * hypercall page.
 *
 * Xen enters _start in ring 1 with %esi = virtual address of start_info,
 * %esp on the bootstrap stack (inside the mapped bootstrap region) and event
 * upcalls masked (vcpu_info.evtchn_upcall_mask = 1). Flat ring-1 segments
 * (FLAT_KERNEL_CS/DS) are loaded.
 */
#define __ASSEMBLY__
#include "public/elfnote.h"

#define GUEST_VIRT_BASE 0xC0000000

/*
 * One "Xen" ELF note: namesz 4, descsz, type, name padded to 4, desc padded.
 */
.macro note_head type
    .p2align 2
    .long 2f - 1f
    .long 4f - 3f
    .long \type
1:  .asciz "Xen"
2:  .p2align 2
.endm
.macro xen_note_str type, text
    note_head \type
3:  .asciz "\text"
4:  .p2align 2
.endm
.macro xen_note_long type, value
    note_head \type
3:  .long \value
4:  .p2align 2
.endm

    .section .note.Xen, "a", @note
    xen_note_str XEN_ELFNOTE_GUEST_OS, "Xenith-test"
    xen_note_str XEN_ELFNOTE_GUEST_VERSION, "0.1"
    xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
    xen_note_str XEN_ELFNOTE_LOADER, "generic"
    /*
     * Load address = p_paddr - PADDR_OFFSET + VIRT_BASE (libelf); guest.ld
     * makes p_paddr equal to the link address, so both are the same.
     */
    xen_note_long XEN_ELFNOTE_VIRT_BASE, GUEST_VIRT_BASE
    xen_note_long XEN_ELFNOTE_PADDR_OFFSET, GUEST_VIRT_BASE
    xen_note_long XEN_ELFNOTE_ENTRY, _start
    xen_note_long XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page
    /* A note saying "yes" means PAE with the L3 table anywhere (extended-cr3). */
    xen_note_str XEN_ELFNOTE_PAE_MODE, "yes"
    /*
     * Nothing required: the guests never write page tables directly (only
     * through mmu_update / update_va_mapping), so they run with or without
     * the writable_page_tables assist.
     */
    xen_note_str XEN_ELFNOTE_FEATURES, "pae_pgdir_above_4gb"

/*
 * The hypercall page: stub N at offset N * 32, written by the hypervisor when
 * it builds the domain. Until then it holds int3 so a premature call traps.
 */
    .section .text.hypercall_page, "ax", @progbits
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    cld
    movl $guest_stack_top, %esp
    xorl %ebp, %ebp
    pushl %esi
    call guest_start
    /* guest_start never returns; if it does, spin rather than run off. */
1:  jmp 1b

    .section .bss
    .p2align 12
    .globl guest_stack
guest_stack:
    .skip 16384
guest_stack_top:

    .section .note.GNU-stack, "", @progbits
