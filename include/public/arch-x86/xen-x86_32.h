/*
 * arch-x86/xen-x86_32.h - the 32-bit x86 part of the guest interface.
 *
 * Hypercalls: call hypercall_page + number * 32 (or the legacy "int $0x82"
 * with the number in %eax). Arguments in %ebx, %ecx, %edx, %esi, %edi;
 * result in %eax; the argument registers may be clobbered.
 */
#ifndef XENITH_PUBLIC_ARCH_X86_XEN_X86_32_H
#define XENITH_PUBLIC_ARCH_X86_XEN_X86_32_H

#include "../xen-abi.h"

#define XEN_HYPERCALL_VECTOR 0x82
#define XEN_HYPERCALL_STUB_SIZE 32

/*
 * Flat 4 GiB segments in the hypervisor-reserved part of every GDT, so a
 * guest can run without a GDT of its own. Kernel runs in ring 1, user space
 * in ring 3. Their GDT indexes are FIRST_RESERVED_GDT_ENTRY + 3 (ring-1
 * code), + 4 (ring-1 data), + 5 (ring-3 code), + 6 (ring-3 data); the low
 * two bits of each selector are its RPL.
 */
#define FLAT_RING1_CS 0xe019
#define FLAT_RING1_DS 0xe021
#define FLAT_RING1_SS 0xe021
#define FLAT_RING3_CS 0xe02b
#define FLAT_RING3_DS 0xe033
#define FLAT_RING3_SS 0xe033

#define FLAT_KERNEL_CS FLAT_RING1_CS
#define FLAT_KERNEL_DS FLAT_RING1_DS
#define FLAT_KERNEL_SS FLAT_RING1_SS
#define FLAT_USER_CS FLAT_RING3_CS
#define FLAT_USER_DS FLAT_RING3_DS
#define FLAT_USER_SS FLAT_RING3_SS

/*
 * PAE layout: everything from HYPERVISOR_VIRT_START up belongs to the
 * hypervisor; its first 16 MiB hold the read-only machine-to-phys table.
 * (The non-PAE values are obsolete and not supported.)
 */
#define __HYPERVISOR_VIRT_START_PAE 0xF5800000
#define __MACH2PHYS_VIRT_START_PAE 0xF5800000
#define __MACH2PHYS_VIRT_END_PAE 0xF6800000
#define __HYPERVISOR_VIRT_START __HYPERVISOR_VIRT_START_PAE
#define __MACH2PHYS_VIRT_START __MACH2PHYS_VIRT_START_PAE
#define __MACH2PHYS_VIRT_END __MACH2PHYS_VIRT_END_PAE

#define HYPERVISOR_VIRT_START 0xF5800000U
#define MACH2PHYS_VIRT_START 0xF5800000U
#define MACH2PHYS_VIRT_END 0xF6800000U
/* One 32-bit entry per machine frame. */
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 2)

#ifndef __ASSEMBLY__

/* Register frame as saved on a guest's exception/upcall path. */
struct cpu_user_regs {
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
    uint32_t esi;
    uint32_t edi;
    uint32_t ebp;
    uint32_t eax;
    uint16_t error_code;   /* hypervisor-private */
    uint16_t entry_vector; /* hypervisor-private */
    uint32_t eip;
    uint16_t cs;
    uint8_t saved_upcall_mask;
    uint8_t _pad0;
    uint32_t eflags; /* IF mirrors !saved_upcall_mask */
    uint32_t esp;
    uint16_t ss, _pad1;
    uint16_t es, _pad2;
    uint16_t ds, _pad3;
    uint16_t fs, _pad4;
    uint16_t gs, _pad5;
};
typedef struct cpu_user_regs cpu_user_regs_t;
XEN_ABI_SIZE(cpu_user_regs, 68);
XEN_ABI_OFFSET(cpu_user_regs, error_code, 28);
XEN_ABI_OFFSET(cpu_user_regs, eip, 32);
XEN_ABI_OFFSET(cpu_user_regs, cs, 36);
XEN_ABI_OFFSET(cpu_user_regs, saved_upcall_mask, 38);
XEN_ABI_OFFSET(cpu_user_regs, eflags, 40);
XEN_ABI_OFFSET(cpu_user_regs, esp, 44);
XEN_ABI_OFFSET(cpu_user_regs, ss, 48);
XEN_ABI_OFFSET(cpu_user_regs, gs, 64);

/*
 * A PAE page-directory-pointer table may sit above 4 GiB, so the MFN in a
 * guest-visible %cr3 value is rotated: bits 31..12 carry MFN bits 19..0 and
 * bits 11..0 carry MFN bits 31..20.
 */
#define xen_pfn_to_cr3(pfn) \
    ((XEN_CAST(uint32_t, pfn) << 12) | (XEN_CAST(uint32_t, pfn) >> 20))
#define xen_cr3_to_pfn(cr3) \
    ((XEN_CAST(uint32_t, cr3) >> 12) | (XEN_CAST(uint32_t, cr3) << 20))

struct arch_vcpu_info {
    uint32_t cr2;    /* faulting address of the last page fault */
    uint32_t pad[5]; /* keeps vcpu_info at 64 bytes */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;
XEN_ABI_SIZE(arch_vcpu_info, 24);

/* A code selector and entry point (callbacks are CS:EIP pairs on x86_32). */
struct xen_callback {
    uint32_t cs;
    uint32_t eip;
};
typedef struct xen_callback xen_callback_t;
XEN_ABI_SIZE(xen_callback, 8);

#endif /* !__ASSEMBLY__ */

#endif /* XENITH_PUBLIC_ARCH_X86_XEN_X86_32_H */
