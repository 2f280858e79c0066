/*
 * xen.h - the core of the PV guest interface (xen-3.0-x86_32p).
 *
 * Numbers and layouts follow Xen's public xen.h; the text is Xenith's.
 */
#ifndef XENITH_PUBLIC_XEN_H
#define XENITH_PUBLIC_XEN_H

#include "xen-compat.h"

#if defined(__i386__) || defined(__x86_64__)
#include "arch-x86/xen.h"
#else
#error "the Xenith guest ABI is x86 only"
#endif

#define xen_mk_uint(x) x##U
#define xen_mk_ulong(x) x##UL

/*
 * HYPERCALL NUMBERS (index into the hypercall page, stub N at N * 32).
 * Numbers the hypervisor does not implement fail with -ENOSYS.
 */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op_compat 6 /* legacy since 0x00030101 */
#define __HYPERVISOR_platform_op 7     /* was dom0_op */
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
/* 11 is unused */
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op_compat 16 /* legacy since 0x00030202 */
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op_compat 19 /* legacy since 0x00030202 */
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret 23 /* x86 only */
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_set_segment_base 25 /* x86_64 only */
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_nmi_op 28
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30
#define __HYPERVISOR_xenoprof_op 31
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_kexec_op 37
#define __HYPERVISOR_tmem_op 38
#define __HYPERVISOR_xc_reserved_op 39 /* reserved for XenClient */
#define __HYPERVISOR_xenpmu_op 40
/* Architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0 48
#define __HYPERVISOR_arch_1 49
#define __HYPERVISOR_arch_2 50
#define __HYPERVISOR_arch_3 51
#define __HYPERVISOR_arch_4 52
#define __HYPERVISOR_arch_5 53
#define __HYPERVISOR_arch_6 54
#define __HYPERVISOR_arch_7 55
/* One past the highest number; the hypercall page has room for 128 stubs. */
#define XEN_NR_HYPERCALLS 56
#define __HYPERVISOR_dom0_op __HYPERVISOR_platform_op

/*
 * VIRTUAL INTERRUPTS, bound to event channels with EVTCHNOP_bind_virq.
 * "per-vCPU" VIRQs are bound once on each vCPU; "global" ones once per
 * domain (on vCPU 0, movable afterwards).
 */
#define VIRQ_TIMER 0        /* per-vCPU: timer tick or timeout */
#define VIRQ_DEBUG 1        /* per-vCPU: dump debug state */
#define VIRQ_CONSOLE 2      /* global, dom0: input on the hypervisor console */
#define VIRQ_DOM_EXC 3      /* global, dom0: a domain changed state */
#define VIRQ_TBUF 4         /* global, dom0: trace records available */
#define VIRQ_DEBUGGER 6     /* global, dom0: a domain paused for debugging */
#define VIRQ_XENOPROF 7     /* per-vCPU: profiling sample */
#define VIRQ_CON_RING 8     /* global, dom0: hypervisor console ring data */
#define VIRQ_PCPU_STATE 9   /* global, dom0: physical CPU state changed */
#define VIRQ_MEM_EVENT 10   /* global, dom0: memory event */
#define VIRQ_XC_RESERVED 11 /* global: reserved for XenClient */
#define VIRQ_ENOMEM 12      /* global, dom0: hypervisor heap is low */
#define VIRQ_XENPMU 13      /* per-vCPU: performance counter interrupt */
#define VIRQ_ARCH_0 16
#define VIRQ_ARCH_1 17
#define VIRQ_ARCH_2 18
#define VIRQ_ARCH_3 19
#define VIRQ_ARCH_4 20
#define VIRQ_ARCH_5 21
#define VIRQ_ARCH_6 22
#define VIRQ_ARCH_7 23
#define NR_VIRQS 24

/*
 * HYPERVISOR_mmu_update(const struct mmu_update reqs[], unsigned count,
 *                       unsigned *done_out, unsigned foreigndom)
 * IN reqs/count: the requests; OUT done_out (may be NULL): how many were
 * completed. foreigndom bits 15..0: the domain that must own data frames
 * mapped by the requests (DOMID_SELF for the caller); bits 31..16: 0 for
 * page tables of the caller, else 1 + the domain owning the page tables.
 * The command is in the low two bits of ptr; the rest of ptr is a machine
 * address.
 */
#define MMU_NORMAL_PT_UPDATE 0      /* validated write of val at ptr */
#define MMU_MACHPHYS_UPDATE 1       /* m2p[ptr >> PAGE_SHIFT] = val */
#define MMU_PT_UPDATE_PRESERVE_AD 2 /* as NORMAL, keeping current A/D bits */

/*
 * HYPERVISOR_mmuext_op(struct mmuext_op ops[], unsigned count,
 *                      unsigned *done_out, unsigned foreigndom)
 * Arguments per command (arg1 / arg2):
 *  PIN_Ln_TABLE, UNPIN_TABLE: arg1.mfn = the frame (owned by foreigndom).
 *  NEW_BASEPTR: arg1.mfn = new top-level page table (the L3 on PAE).
 *  NEW_USER_BASEPTR: x86_64 only.
 *  TLB_FLUSH_LOCAL, TLB_FLUSH_ALL, FLUSH_CACHE, FLUSH_CACHE_GLOBAL: none.
 *  INVLPG_LOCAL, INVLPG_ALL: arg1.linear_addr.
 *  TLB_FLUSH_MULTI: arg2.vcpumask = guest bitmap of vCPUs.
 *  INVLPG_MULTI: arg1.linear_addr and arg2.vcpumask.
 *  SET_LDT: arg1.linear_addr (page aligned), arg2.nr_ents.
 *  CLEAR_PAGE: arg1.mfn. COPY_PAGE: arg1.mfn = destination,
 *  arg2.src_mfn = source. [UN]MARK_SUPER: arg1.mfn = superpage head.
 */
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7
#define MMUEXT_TLB_FLUSH_MULTI 8
#define MMUEXT_INVLPG_MULTI 9
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13
/* 14 is unused */
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE 16
#define MMUEXT_COPY_PAGE 17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER 19
#define MMUEXT_UNMARK_SUPER 20

#ifndef __ASSEMBLY__
struct mmuext_op {
    uint32_t cmd; /* MMUEXT_* */
    union {
        xen_pfn_t mfn;        /* pin/unpin, baseptr, clear/copy, super */
        uint32_t linear_addr; /* invlpg, set_ldt */
    } arg1;
    union {
        uint32_t nr_ents;                   /* set_ldt */
        XEN_GUEST_HANDLE(const_void) vcpumask; /* *_MULTI */
        xen_pfn_t src_mfn;                  /* copy_page */
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;
XEN_ABI_SIZE(mmuext_op, 12);
XEN_ABI_OFFSET(mmuext_op, arg1, 4);
XEN_ABI_OFFSET(mmuext_op, arg2, 8);
#endif

/*
 * HYPERVISOR_update_va_mapping(unsigned long va, u64 val, unsigned flags)
 * HYPERVISOR_update_va_mapping_otherdomain(va, val, flags, domid_t domid)
 * On x86_32 the 64-bit PTE takes two argument registers (low word first).
 * flags: a flush type ORed with a scope; for UVMF_MULTI the scope bits
 * carry the guest address of a vCPU bitmap (NULL meaning UVMF_LOCAL).
 */
#define UVMF_NONE (xen_mk_ulong(0) << 0)      /* no flush */
#define UVMF_TLB_FLUSH (xen_mk_ulong(1) << 0) /* flush whole TLB(s) */
#define UVMF_INVLPG (xen_mk_ulong(2) << 0)    /* flush this va only */
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI (xen_mk_ulong(0) << 2) /* vCPUs in the bitmap */
#define UVMF_LOCAL (xen_mk_ulong(0) << 2) /* this vCPU */
#define UVMF_ALL (xen_mk_ulong(1) << 2)   /* every vCPU of the domain */

/* HYPERVISOR_console_io(int cmd, int count, char *buffer) */
#define CONSOLEIO_write 0 /* IN buffer[count] */
#define CONSOLEIO_read 1  /* OUT up to count bytes; returns bytes read */

/* HYPERVISOR_vm_assist(unsigned cmd, unsigned type) */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments 0        /* emulate 4 GiB segment limits */
#define VMASST_TYPE_4gb_segments_notify 1 /* trap 15 when that happens */
#define VMASST_TYPE_writable_pagetables 2 /* trap-and-emulate L1 writes */
#define VMASST_TYPE_pae_extended_cr3 3    /* PDPT may live above 4 GiB */
#define VMASST_TYPE_architectural_iopl 4  /* IOPL from EFLAGS, ring 1 counts as 0 */
#define VMASST_TYPE_runstate_update_flag 5 /* XEN_RUNSTATE_UPDATE in state_entry_time */
#define VMASST_TYPE_m2p_strict 32         /* x86_64 only */

/* Domain identifiers. Ordinary domains are 0..DOMID_FIRST_RESERVED-1. */
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF xen_mk_uint(0x7FF0)    /* the calling domain */
#define DOMID_IO xen_mk_uint(0x7FF1)      /* owner of I/O (MMIO) frames */
#define DOMID_XEN xen_mk_uint(0x7FF2)     /* owner of hypervisor frames */
#define DOMID_COW xen_mk_uint(0x7FF3)     /* owner of shared CoW frames */
#define DOMID_INVALID xen_mk_uint(0x7FF4) /* no owner known */
#define DOMID_ANY xen_mk_uint(0x7FF5)     /* any domain: a wildcard (xenstore permissions) */
#define DOMID_IDLE xen_mk_uint(0x7FFF)    /* the idle domain */

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

/* One request of HYPERVISOR_mmu_update: command in ptr[1:0]. */
struct mmu_update {
    xen_uint64_a4_t ptr; /* machine address of the PTE | MMU_* */
    xen_uint64_a4_t val; /* new PTE value (or m2p value) */
};
typedef struct mmu_update mmu_update_t;
XEN_ABI_SIZE(mmu_update, 16);
XEN_ABI_OFFSET(mmu_update, val, 8);
XEN_ABI_ALIGN(mmu_update, 4);

/*
 * HYPERVISOR_multicall(struct multicall_entry calls[], uint32_t nr_calls)
 * IN op and args; OUT result (the hypercall's return value).
 */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
XEN_ABI_SIZE(multicall_entry, 32);
XEN_ABI_OFFSET(multicall_entry, result, 4);
XEN_ABI_OFFSET(multicall_entry, args, 8);

/*
 * Per-vCPU time base, written by the hypervisor. version is odd while an
 * update is in progress: read version, the fields, then version again, and
 * retry on change or odd value. Current time in ns:
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul
 *                  >> 32)
 * (a negative tsc_shift shifts right).
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    xen_uint64_a4_t tsc_timestamp; /* TSC at the last update */
    xen_uint64_a4_t system_time;   /* ns since boot at that TSC */
    uint32_t tsc_to_system_mul;    /* 32.32 fixed point ns per TSC tick */
    int8_t tsc_shift;
    int8_t pad1[3];
};
typedef struct vcpu_time_info vcpu_time_info_t;
XEN_ABI_SIZE(vcpu_time_info, 32);
XEN_ABI_OFFSET(vcpu_time_info, tsc_timestamp, 8);
XEN_ABI_OFFSET(vcpu_time_info, system_time, 16);
XEN_ABI_OFFSET(vcpu_time_info, tsc_to_system_mul, 24);
XEN_ABI_OFFSET(vcpu_time_info, tsc_shift, 28);

/*
 * Per-vCPU event state. The hypervisor sets evtchn_upcall_pending and a
 * bit in evtchn_pending_sel (one bit per word of shared_info.evtchn_pending)
 * before an upcall; the guest clears pending before scanning. A non-zero
 * evtchn_upcall_mask blocks upcalls (the guest's "interrupts off"); it is
 * only touched by the vCPU itself, so no locked instructions are needed.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;
XEN_ABI_SIZE(vcpu_info, 64);
XEN_ABI_OFFSET(vcpu_info, evtchn_upcall_mask, 1);
XEN_ABI_OFFSET(vcpu_info, evtchn_pending_sel, 4);
XEN_ABI_OFFSET(vcpu_info, arch, 8);
XEN_ABI_OFFSET(vcpu_info, time, 32);

/*
 * The shared-info page (machine address in start_info.shared_info). Guests
 * must not depend on its size. Event channel bits: pending is set by the
 * hypervisor and cleared by the guest; mask is written by the guest only.
 * A port whose pending bit goes 0->1 while unmasked sets the matching
 * selector bit in the bound vCPU's vcpu_info and triggers an upcall.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    /* Wall clock at system time 0; versioned like vcpu_time_info. */
    uint32_t wc_version;
    uint32_t wc_sec;  /* seconds since 1970-01-01 00:00 UTC (low word) */
    uint32_t wc_nsec;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;
#define xen_wc_sec_hi arch.wc_sec_hi
XEN_ABI_SIZE(shared_info, 2344);
XEN_ABI_OFFSET(shared_info, evtchn_pending, 2048);
XEN_ABI_OFFSET(shared_info, evtchn_mask, 2176);
XEN_ABI_OFFSET(shared_info, wc_version, 2304);
XEN_ABI_OFFSET(shared_info, wc_sec, 2308);
XEN_ABI_OFFSET(shared_info, wc_nsec, 2312);
XEN_ABI_OFFSET(shared_info, arch, 2316);

/*
 * Start of day. The domain starts in a contiguous virtual region ending on
 * a 4 MiB boundary holding, each page aligned and in this order: kernel,
 * initial ramdisk (mod_start/mod_len), the p2m list (mfn_list, nr_pages
 * entries), start_info (pointed to by %esi), the xenstore and console ring
 * pages (domUs only), the bootstrap page tables (pt_base, read-only), the
 * bootstrap stack (%esp). At least 512 KiB of mapped room follow.
 */
#define XEN_START_INFO_MAGIC "xen-3.0-x86_32p"
#define MAX_GUEST_CMDLINE 1024
struct start_info {
    /* Filled on boot and on resume. */
    char magic[32];         /* "xen-<version>-<platform>" */
    uint32_t nr_pages;      /* pages allocated to the domain */
    uint32_t shared_info;   /* machine address of the shared-info page */
    uint32_t flags;         /* SIF_* */
    xen_pfn_t store_mfn;    /* MFN of the xenstore ring */
    uint32_t store_evtchn;  /* event channel of the xenstore ring */
    union {
        struct {
            xen_pfn_t mfn;   /* MFN of the console ring */
            uint32_t evtchn; /* its event channel */
        } domU;
        struct {
            uint32_t info_off;  /* offset of dom0_vga_console_info */
            uint32_t info_size; /* its size */
        } dom0;
    } console;
    /* Filled on boot only. */
    uint32_t pt_base;      /* virtual address of the top page table */
    uint32_t nr_pt_frames; /* number of bootstrap page-table frames */
    uint32_t mfn_list;     /* virtual address of the p2m list */
    uint32_t mod_start;    /* virtual address (PFN with SIF_MOD_START_PFN) */
    uint32_t mod_len;      /* module size in bytes */
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    uint32_t first_p2m_pfn; /* first PFN of the p2m and page-table frames */
    uint32_t nr_p2m_frames; /* number of them */
};
typedef struct start_info start_info_t;
XEN_ABI_SIZE(start_info, 1112);
XEN_ABI_OFFSET(start_info, nr_pages, 32);
XEN_ABI_OFFSET(start_info, shared_info, 36);
XEN_ABI_OFFSET(start_info, flags, 40);
XEN_ABI_OFFSET(start_info, store_mfn, 44);
XEN_ABI_OFFSET(start_info, store_evtchn, 48);
XEN_ABI_OFFSET(start_info, console, 52);
XEN_ABI_OFFSET(start_info, pt_base, 60);
XEN_ABI_OFFSET(start_info, nr_pt_frames, 64);
XEN_ABI_OFFSET(start_info, mfn_list, 68);
XEN_ABI_OFFSET(start_info, mod_start, 72);
XEN_ABI_OFFSET(start_info, mod_len, 76);
XEN_ABI_OFFSET(start_info, cmd_line, 80);
XEN_ABI_OFFSET(start_info, first_p2m_pfn, 1104);
XEN_ABI_OFFSET(start_info, nr_p2m_frames, 1108);

#endif /* !__ASSEMBLY__ */

/* start_info.flags */
#define SIF_PRIVILEGED (1 << 0)      /* the domain is privileged */
#define SIF_INITDOMAIN (1 << 1)      /* this is the initial domain (dom0) */
#define SIF_MULTIBOOT_MOD (1 << 2)   /* the module is a multiboot module */
#define SIF_MOD_START_PFN (1 << 3)   /* mod_start is a PFN */
#define SIF_VIRT_P2M_4TOOLS (1 << 4) /* tools understand a linear p2m */
#define SIF_PM_MASK (0xFF << 8)      /* reserved for power management */

#ifndef __ASSEMBLY__

/*
 * With SIF_MULTIBOOT_MOD the module starts with an array of these, relative
 * to the module's start and ended by an entry whose mod_start is 0.
 */
struct xen_multiboot_mod_list {
    uint32_t mod_start; /* first byte */
    uint32_t mod_end;   /* last byte (inclusive) */
    uint32_t cmdline;   /* NUL-terminated command line */
    uint32_t pad;       /* must be 0 */
};
XEN_ABI_SIZE(xen_multiboot_mod_list, 16);

/* dom0's console description, at start_info.console.dom0.info_off. */
struct dom0_vga_console_info {
    uint8_t video_type; /* XEN_VGATYPE_* */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB 0x23
#define XEN_VGATYPE_EFI_LFB 0x70
    union {
        struct {
            uint16_t font_height;        /* pixels */
            uint16_t cursor_x, cursor_y; /* column, row */
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height; /* pixels */
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base; /* physical address (low 32 bits) */
            uint32_t lfb_size; /* in 64 KiB units */
            uint8_t red_pos, red_size;
            uint8_t green_pos, green_size;
            uint8_t blue_pos, blue_size;
            uint8_t rsvd_pos, rsvd_size;
            uint32_t gbl_caps;    /* VBE capabilities */
            uint16_t mode_attrs;  /* VBE mode attributes */
            uint32_t ext_lfb_base; /* lfb_base bits 63..32 */
        } vesa_lfb;
    } u;
};
typedef struct dom0_vga_console_info dom0_vga_console_info_t;
#define xen_vga_console_info dom0_vga_console_info
#define xen_vga_console_info_t dom0_vga_console_info_t
XEN_ABI_SIZE(dom0_vga_console_info, 40);
XEN_ABI_OFFSET(dom0_vga_console_info, u, 4);

typedef uint8_t xen_domain_handle_t[16];

#endif /* !__ASSEMBLY__ */

#endif /* XENITH_PUBLIC_XEN_H */
