/*
 * Xen ELF notes: the note types a PV kernel carries in a PT_NOTE segment
 * (owner name "Xen") to tell the domain builder how to load and start it.
 * Numbers from Xen's public/elfnote.h; layout notes are ours.
 *
 * Payload conventions (Xen public/elfnote.h):
 *   - "numeric" payloads are a little-endian unsigned integer whose width is
 *     the descriptor size (4 or 8 bytes in practice; libelf also reads 1 and 2);
 *   - "string" payloads are NUL-terminated ASCII;
 *   - every name and descriptor is padded to a multiple of 4 bytes in ELF32.
 * LEGACY: the key of the older `__xen_guest` section string that a note
 * replaces (KEY=value pairs separated by ',').
 */
#ifndef XENITH_PUBLIC_ELFNOTE_H
#define XENITH_PUBLIC_ELFNOTE_H

/* NAME=VALUE pair (string). Not interpreted by the loader. */
#define XEN_ELFNOTE_INFO 0

/* Virtual address of the entry point (numeric). LEGACY: VIRT_ENTRY. */
#define XEN_ELFNOTE_ENTRY 1

/* Virtual address of the hypercall page (numeric). LEGACY: HYPERCALL_PAGE,
 * which is a page number relative to VIRT_BASE rather than an address. */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2

/* Virtual address the image is mapped at (numeric, default 0).
 * LEGACY: VIRT_BASE. */
#define XEN_ELFNOTE_VIRT_BASE 3

/* Offset between ELF p_paddr and the pseudo-physical load address
 * (numeric, default 0). LEGACY: ELF_PADDR_OFFSET, whose default is
 * VIRT_BASE instead. */
#define XEN_ELFNOTE_PADDR_OFFSET 4

/* Xen ABI the kernel was built for (string, "xen-3.0"). LEGACY: XEN_VER. */
#define XEN_ELFNOTE_XEN_VERSION 5

/* Guest OS name (string). LEGACY: GUEST_OS. */
#define XEN_ELFNOTE_GUEST_OS 6

/* Guest OS version (string). LEGACY: GUEST_VER. */
#define XEN_ELFNOTE_GUEST_VERSION 7

/* Loader type (string, "generic"). LEGACY: LOADER. */
#define XEN_ELFNOTE_LOADER 8

/* PAE support, x86_32 only (string): "yes", "no", "bimodal" or
 * "yes,bimodal". "yes" here means what the legacy "yes[extended-cr3]" said:
 * the L3 table may live above 4 GiB. LEGACY: PAE. */
#define XEN_ELFNOTE_PAE_MODE 9

/* Features supported/required (string): names from features.h without the
 * XENFEAT_ prefix, separated by '|'; a leading '!' marks a feature the
 * kernel cannot run without. LEGACY: FEATURES. */
#define XEN_ELFNOTE_FEATURES 10

/* Kernel wants its symbol table loaded after the image (string "yes"/"no").
 * LEGACY: BSD_SYMTAB (presence alone meant yes). */
#define XEN_ELFNOTE_BSD_SYMTAB 11

/* Lowest virtual address the hypervisor hole may start at (numeric). Must not
 * be above HYPERVISOR_VIRT_START; its presence says the kernel copes with a
 * hole starting anywhere at or above it. */
#define XEN_ELFNOTE_HV_START_LOW 12

/* maddr_t-sized (8 bytes on PAE) mask/value pairs recognising non-present
 * L1 entries that still carry valid MFNs (numeric array). */
#define XEN_ELFNOTE_L1_MFN_VALID 13

/* Guest supports cooperative suspend cancellation (numeric, default 0). */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14

/* Virtual address for the initial p2m list instead of the default place
 * after the start-of-day area (numeric; x86_64 only in Xen). */
#define XEN_ELFNOTE_INIT_P2M 15

/* Guest accepts an initrd that is not mapped by its initial page tables,
 * passed as a frame number in start_info.mod_start (numeric boolean). */
#define XEN_ELFNOTE_MOD_START_PFN 16

/* Supported features as a bitmap of 32-bit words (numeric array); combined
 * with the FEATURES string. Lets a kernel name features the loader has no
 * string for. */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17

/* PVH: 32-bit physical entry point (numeric, always 4 bytes). */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* PVH: the kernel may be relocated; up to three 32-bit values in order:
 * alignment, lowest and highest acceptable physical load address. */
#define XEN_ELFNOTE_PHYS32_RELOC 19

/* Highest note number defined above. */
#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_RELOC

/* Crash-dump and dump-core notes (not found in kernels). */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE 0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER 0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* XENITH_PUBLIC_ELFNOTE_H */
