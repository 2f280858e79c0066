/*
 * domctl.h - HYPERVISOR_domctl(struct xen_domctl *op), the management of
 * domains by the control domain (the toolstack in dom0).
 *
 * Interface version 0x00000018 (XEN_DOMCTL_INTERFACE_VERSION of Xen 4.22);
 * numbers and layouts are those of Xen's public domctl.h for x86_32, the
 * text is Xenith's. Every call is checked in this order: op copied in
 * (-EFAULT), interface_version (-EACCES), the domain looked up (-ESRCH,
 * or -EPERM when the caller is not the control domain), the caller's
 * privilege (-EPERM), then the command (-ENOSYS when unknown).
 *
 * Guest handles of the control interfaces are 64 bits wide and 8-aligned
 * whatever the guest's word size (Xen's XEN_GUEST_HANDLE_64 for tools): a
 * 32-bit guest puts its pointer in the low half and zero in the high half
 * (a high half that is not zero is -EFAULT).
 */
#ifndef XENITH_PUBLIC_DOMCTL_H
#define XENITH_PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000018

typedef xen_uint64_aligned_t xen_ctl_handle_t;
#define XEN_CTL_HANDLE(type) xen_ctl_handle_t
#define set_xen_ctl_handle(hnd, ptr) \
    do { (hnd) = XEN_CAST(xen_ctl_handle_t, xen_guest_handle_from_ptr(ptr)); } while (0)

/* A bitmap in guest memory: nr_bits bits, bit n in byte n / 8, bit n % 8. */
struct xenctl_bitmap {
    XEN_CTL_HANDLE(uint8) bitmap;
    uint32_t nr_bits;
};
typedef struct xenctl_bitmap xenctl_bitmap_t;
XEN_ABI_SIZE(xenctl_bitmap, 16);
XEN_ABI_OFFSET(xenctl_bitmap, nr_bits, 8);

/* x86 emulation and MSR choices of a new domain (a PV domain: PIT or none). */
#define XEN_X86_EMU_LAPIC (1U << 0)
#define XEN_X86_EMU_HPET (1U << 1)
#define XEN_X86_EMU_PM (1U << 2)
#define XEN_X86_EMU_RTC (1U << 3)
#define XEN_X86_EMU_IOAPIC (1U << 4)
#define XEN_X86_EMU_PIC (1U << 5)
#define XEN_X86_EMU_VGA (1U << 6)
#define XEN_X86_EMU_IOMMU (1U << 7)
#define XEN_X86_EMU_PIT (1U << 8)
#define XEN_X86_EMU_USE_PIRQ (1U << 9)
#define XEN_X86_EMU_VPCI (1U << 10)
#define XEN_X86_EMU_ALL 0x7FFU
#define XEN_X86_MSR_RELAXED (1U << 0)
struct xen_arch_domainconfig {
    uint32_t emulation_flags; /* XEN_X86_EMU_* */
    uint32_t misc_flags;      /* XEN_X86_MSR_* */
};
XEN_ABI_SIZE(xen_arch_domainconfig, 8);

/*
 * XEN_DOMCTL_createdomain. xen_domctl.domain is IN/OUT: the id wanted, or
 * 0 or >= DOMID_FIRST_RESERVED for the next free one; the id given comes
 * back. The domain starts paused by its controller (unpausedomain starts
 * it). Unknown flags, HVM, HAP, vmtrace, altp2m: -EINVAL.
 */
#define XEN_DOMCTL_CDF_hvm (1U << 0)
#define XEN_DOMCTL_CDF_hap (1U << 1)
#define XEN_DOMCTL_CDF_s3_integrity (1U << 2)
#define XEN_DOMCTL_CDF_oos_off (1U << 3)
#define XEN_DOMCTL_CDF_xs_domain (1U << 4)
#define XEN_DOMCTL_CDF_iommu (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt (1U << 6)
#define XEN_DOMCTL_CDF_vpmu (1U << 7)
#define XEN_DOMCTL_CDF_trap_unmapped_accesses (1U << 8)
#define XEN_DOMCTL_CDF_MAX XEN_DOMCTL_CDF_trap_unmapped_accesses
#define XEN_DOMCTL_IOMMU_no_sharept (1U << 0)
#define XEN_DOMCTL_GRANT_version_mask 0xf
#define XEN_DOMCTL_GRANT_version(v) ((v) & XEN_DOMCTL_GRANT_version_mask)
#define XEN_DOMCTL_ALTP2M_mode_mask 0x3U
struct xen_domctl_createdomain {
    uint32_t ssidref;                /* IN (no XSM: ignored) */
    xen_domain_handle_t handle;      /* IN */
    uint32_t flags;                  /* IN: XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;             /* IN: XEN_DOMCTL_IOMMU_* */
    uint32_t max_vcpus;              /* IN: 1.. */
    uint32_t max_evtchn_port;        /* IN */
    int32_t max_grant_frames;        /* IN: < 0 = the default */
    int32_t max_maptrack_frames;     /* IN: < 0 = the default */
    uint32_t grant_opts;             /* IN: XEN_DOMCTL_GRANT_version(1|2) */
    struct {
        uint16_t opts;
        uint16_t nr;
    } altp2m;                        /* IN: must be 0 */
    uint32_t vmtrace_size;           /* IN: must be 0 */
    uint32_t cpupool_id;             /* IN: 0 */
    struct xen_arch_domainconfig arch; /* IN */
};
XEN_ABI_SIZE(xen_domctl_createdomain, 68);
XEN_ABI_OFFSET(xen_domctl_createdomain, flags, 20);
XEN_ABI_OFFSET(xen_domctl_createdomain, max_vcpus, 28);
XEN_ABI_OFFSET(xen_domctl_createdomain, grant_opts, 44);
XEN_ABI_OFFSET(xen_domctl_createdomain, vmtrace_size, 52);
XEN_ABI_OFFSET(xen_domctl_createdomain, arch, 60);

/* XEN_DOMCTL_getdomaininfo: OUT everything (also one entry of sysctl's list). */
#define XEN_DOMINF_dying (1U << 0)
#define XEN_DOMINF_hvm_guest (1U << 1)
#define XEN_DOMINF_shutdown (1U << 2)
#define XEN_DOMINF_paused (1U << 3)   /* paused by its controller */
#define XEN_DOMINF_blocked (1U << 4)  /* every online vCPU blocked */
#define XEN_DOMINF_running (1U << 5)  /* some vCPU on a CPU */
#define XEN_DOMINF_debugged (1U << 6)
#define XEN_DOMINF_xs_domain (1U << 7)
#define XEN_DOMINF_hap (1U << 8)
#define XEN_DOMINF_shutdownmask 255
#define XEN_DOMINF_shutdownshift 16   /* the SHUTDOWN_* code */
#define XEN_INVALID_MAX_VCPU_ID (~0U)
struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags;                         /* XEN_DOMINF_* */
    xen_uint64_aligned_t tot_pages;
    xen_uint64_aligned_t max_pages;
    xen_uint64_aligned_t outstanding_pages;
    xen_uint64_aligned_t shr_pages;
    xen_uint64_aligned_t paged_pages;
    xen_uint64_aligned_t shared_info_frame; /* its gfn (a PV domain: the mfn) */
    xen_uint64_aligned_t cpu_time;          /* ns run, all vCPUs */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
XEN_ABI_SIZE(xen_domctl_getdomaininfo, 112);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, tot_pages, 8);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, shared_info_frame, 48);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, cpu_time, 56);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, nr_online_vcpus, 64);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, handle, 76);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, cpupool, 92);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, arch_config, 104);

/* XEN_DOMCTL_shadow_op: log-dirty and shadow modes (none for a PV domain here). */
#define XEN_DOMCTL_SHADOW_OP_OFF 0
#define XEN_DOMCTL_SHADOW_OP_ENABLE_TEST 1
#define XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY 2
#define XEN_DOMCTL_SHADOW_OP_CLEAN 11
#define XEN_DOMCTL_SHADOW_OP_PEEK 12
#define XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION 30
#define XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION 31
#define XEN_DOMCTL_SHADOW_OP_ENABLE 32
#define XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT (1 << 1)
#define XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY (1 << 2)
#define XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE (1 << 3)
#define XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL (1 << 4)
#define XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL (1 << 0)
struct xen_domctl_shadow_op_stats {
    uint32_t fault_count;
    uint32_t dirty_count;
};
struct xen_domctl_shadow_op {
    uint32_t op;                        /* IN: XEN_DOMCTL_SHADOW_OP_* */
    uint32_t mode;                      /* IN */
    uint32_t mb;                        /* IN/OUT: allocation in MiB */
    XEN_CTL_HANDLE(uint8) dirty_bitmap; /* IN */
    xen_uint64_aligned_t pages;         /* IN/OUT */
    struct xen_domctl_shadow_op_stats stats; /* OUT */
};
XEN_ABI_SIZE(xen_domctl_shadow_op, 40);
XEN_ABI_OFFSET(xen_domctl_shadow_op, dirty_bitmap, 16);
XEN_ABI_OFFSET(xen_domctl_shadow_op, stats, 32);

/* XEN_DOMCTL_max_mem: IN the limit in KiB (pages above it stay, none added). */
struct xen_domctl_max_mem {
    xen_uint64_aligned_t max_memkb;
};
XEN_ABI_SIZE(xen_domctl_max_mem, 8);

/* XEN_DOMCTL_setvcpucontext / getvcpucontext: IN vcpu, IN/OUT *ctxt. */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    XEN_CTL_HANDLE(vcpu_guest_context_t) ctxt;
};
XEN_ABI_SIZE(xen_domctl_vcpucontext, 16);
XEN_ABI_OFFSET(xen_domctl_vcpucontext, ctxt, 8);

/* XEN_DOMCTL_getvcpuinfo: IN vcpu, OUT the rest. */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;
    uint8_t online;
    uint8_t blocked;
    uint8_t running;
    xen_uint64_aligned_t cpu_time; /* ns run */
    uint32_t cpu;                  /* the CPU it belongs to */
};
XEN_ABI_SIZE(xen_domctl_getvcpuinfo, 24);
XEN_ABI_OFFSET(xen_domctl_getvcpuinfo, online, 4);
XEN_ABI_OFFSET(xen_domctl_getvcpuinfo, cpu_time, 8);
XEN_ABI_OFFSET(xen_domctl_getvcpuinfo, cpu, 16);

/* XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity: the CPUs a vCPU may run on. */
#define XEN_VCPUAFFINITY_HARD (1U << 0)
#define XEN_VCPUAFFINITY_SOFT (1U << 1)
#define XEN_VCPUAFFINITY_FORCE (1U << 2)
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;                    /* IN */
    uint32_t flags;                   /* IN: XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard; /* IN/OUT (set: the effective mask back) */
    struct xenctl_bitmap cpumap_soft; /* IN/OUT */
};
XEN_ABI_SIZE(xen_domctl_vcpuaffinity, 40);
XEN_ABI_OFFSET(xen_domctl_vcpuaffinity, cpumap_hard, 8);
XEN_ABI_OFFSET(xen_domctl_vcpuaffinity, cpumap_soft, 24);

/* XEN_DOMCTL_max_vcpus: IN the count given to createdomain. */
struct xen_domctl_max_vcpus {
    uint32_t max;
};
XEN_ABI_SIZE(xen_domctl_max_vcpus, 4);

/* XEN_DOMCTL_scheduler_op: a domain's scheduling parameters. */
#define XEN_SCHEDULER_CREDIT 5
#define XEN_SCHEDULER_CREDIT2 6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS 8
#define XEN_SCHEDULER_NULL 9
#define XEN_DOMCTL_SCHEDOP_putinfo 0
#define XEN_DOMCTL_SCHEDOP_getinfo 1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3
struct xen_domctl_sched_credit {
    uint16_t weight; /* 1..65535; put: 0 keeps it */
    uint16_t cap;    /* percent of one CPU, 0 = none; put: 0xFFFF keeps it */
};
XEN_ABI_SIZE(xen_domctl_sched_credit, 4);
struct xen_domctl_sched_rtds {
    uint32_t period;
    uint32_t budget;
    uint32_t flags;
};
struct xen_domctl_scheduler_op {
    uint32_t sched_id; /* IN: XEN_SCHEDULER_* of the domain's scheduler */
    uint32_t cmd;      /* IN: XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit credit2;
        struct xen_domctl_sched_rtds rtds;
        struct {
            XEN_CTL_HANDLE(xen_domctl_schedparam_vcpu_t) vcpus;
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u; /* IN/OUT */
};
XEN_ABI_SIZE(xen_domctl_scheduler_op, 24);
XEN_ABI_OFFSET(xen_domctl_scheduler_op, u, 8);

/* XEN_DOMCTL_setdomainhandle: IN the 16-byte handle (UUID). */
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};
XEN_ABI_SIZE(xen_domctl_setdomainhandle, 16);

/* XEN_DOMCTL_settimeoffset: IN seconds added to the domain's wall clock. */
struct xen_domctl_settimeoffset {
    xen_int64_aligned_t time_offset_seconds;
};
XEN_ABI_SIZE(xen_domctl_settimeoffset, 8);

/* XEN_DOMCTL_hypercall_init: IN the frame (a PV gfn is its mfn) that gets
 * the hypercall stubs. */
struct xen_domctl_hypercall_init {
    xen_uint64_aligned_t gmfn;
};
XEN_ABI_SIZE(xen_domctl_hypercall_init, 8);

struct xen_domctl {
    uint32_t cmd;
#define XEN_DOMCTL_createdomain 1
#define XEN_DOMCTL_destroydomain 2
#define XEN_DOMCTL_pausedomain 3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_DOMCTL_setvcpuaffinity 9
#define XEN_DOMCTL_shadow_op 10
#define XEN_DOMCTL_max_mem 11
#define XEN_DOMCTL_setvcpucontext 12
#define XEN_DOMCTL_getvcpucontext 13
#define XEN_DOMCTL_getvcpuinfo 14
#define XEN_DOMCTL_max_vcpus 15
#define XEN_DOMCTL_scheduler_op 16
#define XEN_DOMCTL_setdomainhandle 17
#define XEN_DOMCTL_setdebugging 18
#define XEN_DOMCTL_irq_permission 19
#define XEN_DOMCTL_iomem_permission 20
#define XEN_DOMCTL_ioport_permission 21
#define XEN_DOMCTL_hypercall_init 22
#define XEN_DOMCTL_settimeoffset 24
#define XEN_DOMCTL_getvcpuaffinity 25
#define XEN_DOMCTL_resumedomain 27
#define XEN_DOMCTL_sendtrigger 28
#define XEN_DOMCTL_subscribe 29
#define XEN_DOMCTL_set_address_size 35
#define XEN_DOMCTL_get_address_size 36
#define XEN_DOMCTL_set_target 46
#define XEN_DOMCTL_getpageframeinfo3 61
/* 70 (set_max_evtchn) was folded into createdomain before this version. */
#define XEN_DOMCTL_get_domain_state 90 /* stable: interface_version 0 */
    uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_shadow_op shadow_op;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_settimeoffset settimeoffset;
        struct xen_domctl_hypercall_init hypercall_init;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;
XEN_ABI_SIZE(xen_domctl, 144);
XEN_ABI_OFFSET(xen_domctl, interface_version, 4);
XEN_ABI_OFFSET(xen_domctl, domain, 8);
XEN_ABI_OFFSET(xen_domctl, u, 16);

#endif /* XENITH_PUBLIC_DOMCTL_H */
