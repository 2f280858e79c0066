/*
 * arch-x86/xen.h - the x86 part of the guest interface, x86_32 PAE only.
 */
#ifndef XENITH_PUBLIC_ARCH_X86_XEN_H
#define XENITH_PUBLIC_ARCH_X86_XEN_H

#include "../xen-abi.h"
#include "xen-x86_32.h"

#ifndef __ASSEMBLY__

/*
 * Guest handles. On x86_32 a XEN_GUEST_HANDLE is a guest virtual address
 * (a 32-bit pointer). Xenith keeps it as a 32-bit integer so the structures
 * that carry handles have the guest's layout on any host; the type argument
 * documents what the handle points at. Use the helpers to store and load
 * pointers (on a 64-bit host they keep only the low 32 bits).
 */
typedef uint32_t xen_guest_handle_t;
#define XEN_GUEST_HANDLE(type) xen_guest_handle_t
#define XEN_GUEST_HANDLE_PARAM(type) xen_guest_handle_t
#define XEN_GUEST_HANDLE_64(type) xen_guest_handle_t

#ifdef __cplusplus
#define xen_guest_handle_from_ptr(ptr) \
    static_cast<xen_guest_handle_t>(reinterpret_cast<uintptr_t>(ptr))
/* val must be a plain lvalue of pointer type (decltype(val) is its type). */
#define get_xen_guest_handle(val, hnd) \
    do { (val) = reinterpret_cast<decltype(val)>(static_cast<uintptr_t>(hnd)); } while (0)
#else
#define xen_guest_handle_from_ptr(ptr) \
    ((xen_guest_handle_t)(uintptr_t)(ptr))
#define get_xen_guest_handle(val, hnd) \
    do { (val) = (void *)(uintptr_t)(hnd); } while (0)
#endif
#define set_xen_guest_handle(hnd, val) \
    do { (hnd) = xen_guest_handle_from_ptr(val); } while (0)
#define guest_handle_is_null(hnd) ((hnd) == 0)

/* "unsigned long" of the x86_32 guest. */
typedef uint32_t xen_ulong_t;
#define PRI_xen_ulong "x"
/* Frame numbers (guest or machine) as the x86_32 guest passes them. */
typedef uint32_t xen_pfn_t;
#define PRI_xen_pfn "x"

#endif /* !__ASSEMBLY__ */

#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/*
 * The hypervisor owns the GDT from page 14 on: entries 0..7167 are the
 * guest's, the flat selectors above are in the reserved part.
 * (HYPERVISOR_set_gdt takes at most FIRST_RESERVED_GDT_ENTRY entries.)
 */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* vCPUs whose vcpu_info lives in shared_info (more need register_vcpu_info). */
#define XEN_LEGACY_MAX_VCPUS 32

#ifndef __ASSEMBLY__

/*
 * HYPERVISOR_set_trap_table(const struct trap_info traps[])
 * IN: array ended by an entry whose address is 0.
 * flags bits 0..1: lowest ring allowed to raise the vector with INT n
 * (0: none, 1/2: kernel, 3: everyone); bit 2: mask events on entry
 * (an interrupt gate).
 */
#define TI_GET_DPL(_ti) ((_ti)->flags & 3)
#define TI_GET_IF(_ti) ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if) ((_ti)->flags |= ((!!(_if)) << 2))
struct trap_info {
    uint8_t vector;   /* exception or interrupt vector */
    uint8_t flags;    /* DPL in bits 0..1, event mask in bit 2 */
    uint16_t cs;      /* code selector of the handler */
    uint32_t address; /* handler offset; 0 ends the table */
};
typedef struct trap_info trap_info_t;
XEN_ABI_SIZE(trap_info, 8);
XEN_ABI_OFFSET(trap_info, cs, 2);
XEN_ABI_OFFSET(trap_info, address, 4);

typedef uint64_t tsc_timestamp_t;

/*
 * The whole state of a vCPU, as VCPUOP_initialise and the domctl
 * get/set-context operations exchange it. fpu_ctxt holds an FXSAVE image
 * (FSAVE on CPUs without FXSR); it comes first so it can be 16-aligned.
 */
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;
#define VGCF_I387_VALID (1 << 0)
#define VGCF_IN_KERNEL (1 << 2)
#define _VGCF_i387_valid 0
#define VGCF_i387_valid (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel 2
#define VGCF_in_kernel (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events 4
#define VGCF_syscall_disables_events (1 << _VGCF_syscall_disables_events)
#define _VGCF_online 5
#define VGCF_online (1 << _VGCF_online)
    uint32_t flags;                  /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256]; /* the virtual IDT */
    uint32_t ldt_base, ldt_ents;     /* linear address, entry count */
    uint32_t gdt_frames[16];         /* machine frames of the GDT */
    uint32_t gdt_ents;
    uint32_t kernel_ss, kernel_sp;   /* ring-1 stack of the virtual TSS */
    uint32_t ctrlreg[8];             /* CR0..CR7; CR3 via xen_pfn_to_cr3 */
    uint32_t debugreg[8];            /* DR0..DR7 */
    uint32_t event_callback_cs;      /* event upcall entry, CS:EIP */
    uint32_t event_callback_eip;
    uint32_t failsafe_callback_cs;   /* failsafe entry, CS:EIP */
    uint32_t failsafe_callback_eip;
    uint32_t vm_assist;              /* bitmap of VMASST_TYPE_* */
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
XEN_ABI_SIZE(vcpu_guest_context, 2800);
XEN_ABI_OFFSET(vcpu_guest_context, flags, 512);
XEN_ABI_OFFSET(vcpu_guest_context, user_regs, 516);
XEN_ABI_OFFSET(vcpu_guest_context, trap_ctxt, 584);
XEN_ABI_OFFSET(vcpu_guest_context, ldt_base, 2632);
XEN_ABI_OFFSET(vcpu_guest_context, gdt_frames, 2640);
XEN_ABI_OFFSET(vcpu_guest_context, gdt_ents, 2704);
XEN_ABI_OFFSET(vcpu_guest_context, kernel_ss, 2708);
XEN_ABI_OFFSET(vcpu_guest_context, ctrlreg, 2716);
XEN_ABI_OFFSET(vcpu_guest_context, debugreg, 2748);
XEN_ABI_OFFSET(vcpu_guest_context, event_callback_cs, 2780);
XEN_ABI_OFFSET(vcpu_guest_context, failsafe_callback_eip, 2792);
XEN_ABI_OFFSET(vcpu_guest_context, vm_assist, 2796);

struct arch_shared_info {
    /* Number of valid entries in the guest's p2m. */
    uint32_t max_pfn;
    /*
     * MFN of the top of the guest's 3-level p2m frame list (0: not set up,
     * ~0: too large, use p2m_vaddr instead). Read by save/restore tools.
     */
    xen_pfn_t pfn_to_mfn_frame_list_list;
    uint32_t nmi_reason;
    /* Linear p2m: valid when p2m_cr3 != 0. */
    uint32_t p2m_cr3;        /* address space (xen_pfn_to_cr3 format) */
    uint32_t p2m_vaddr;      /* virtual address of the linear p2m list */
    uint32_t p2m_generation; /* odd while the guest changes the list */
    uint32_t wc_sec_hi;      /* high word of shared_info.wc_sec (x86_32) */
};
typedef struct arch_shared_info arch_shared_info_t;
XEN_ABI_SIZE(arch_shared_info, 28);
XEN_ABI_OFFSET(arch_shared_info, nmi_reason, 8);
XEN_ABI_OFFSET(arch_shared_info, wc_sec_hi, 24);

#endif /* !__ASSEMBLY__ */

/* Prefix making the hypervisor emulate the following CPUID (ud2a; "xen"). */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e;
#define XEN_CPUID XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID XEN_EMULATE_PREFIX "cpuid"
#endif

#endif /* XENITH_PUBLIC_ARCH_X86_XEN_H */
