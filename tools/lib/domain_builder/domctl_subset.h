/*
 * LOCAL STAND-IN for include/public/domctl.h, which is being written on the
 * `domctl` branch. Delete this file and include <public/domctl.h> when that
 * header is on main; the names here are Xen's, so only the include changes.
 *
 * Only what the domain builder sends: the xen_domctl frame and the
 * operations createdomain, destroydomain, unpausedomain, getdomaininfo,
 * max_mem, setvcpucontext, max_vcpus, hypercall_init. Layouts are those of
 * Xen HEAD's xen/include/public/domctl.h (XEN_DOMCTL_INTERFACE_VERSION
 * 0x18) and arch-x86/xen.h (xen_arch_domainconfig) for an i686 toolstack:
 * uint64_aligned_t members are 8-aligned, and XEN_GUEST_HANDLE_64 is Xen's
 * 8-byte union of a pointer and a uint64_aligned_t, kept here as the
 * integer (the adapter of the Hypercalls interface stores the buffer's
 * address in it).
 */
#ifndef XENITH_TOOLSTACK_DOMCTL_SUBSET_H
#define XENITH_TOOLSTACK_DOMCTL_SUBSET_H

#include <public/xen.h>

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000018

typedef uint8_t xen_domain_handle_t[16];

struct xen_arch_domainconfig {
    uint32_t emulation_flags; /* XEN_X86_EMU_*; 0 for a PV guest */
    uint32_t misc_flags;      /* XEN_X86_MSR_RELAXED */
};
XEN_ABI_SIZE(xen_arch_domainconfig, 8);

/* XEN_DOMCTL_createdomain: xen_domctl.domain is IN/OUT (0 = pick one). */
#define XEN_DOMCTL_CDF_hvm (1U << 0)
#define XEN_DOMCTL_CDF_hap (1U << 1)
#define XEN_DOMCTL_GRANT_version_mask 0xf
#define XEN_DOMCTL_GRANT_version(v) ((v) & XEN_DOMCTL_GRANT_version_mask)
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t flags;              /* XEN_DOMCTL_CDF_*; 0: PV */
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;    /* < 0: the hypervisor's default */
    int32_t max_maptrack_frames; /* < 0: the hypervisor's default */
    uint32_t grant_opts;         /* XEN_DOMCTL_GRANT_version(v) */
    struct {
        uint16_t opts;
        uint16_t nr;
    } altp2m;
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};
XEN_ABI_SIZE(xen_domctl_createdomain, 68);
XEN_ABI_OFFSET(xen_domctl_createdomain, flags, 20);
XEN_ABI_OFFSET(xen_domctl_createdomain, max_vcpus, 28);
XEN_ABI_OFFSET(xen_domctl_createdomain, grant_opts, 44);
XEN_ABI_OFFSET(xen_domctl_createdomain, arch, 60);

/* XEN_DOMCTL_getdomaininfo: all OUT. */
#define XEN_DOMINF_dying (1U << 0)
#define XEN_DOMINF_shutdown (1U << 2)
#define XEN_DOMINF_paused (1U << 3)
#define XEN_DOMINF_shutdownmask 255 /* the SHUTDOWN_* code, when shut down */
#define XEN_DOMINF_shutdownshift 16
struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags; /* XEN_DOMINF_* */
    xen_uint64_aligned_t tot_pages;
    xen_uint64_aligned_t max_pages;
    xen_uint64_aligned_t outstanding_pages;
    xen_uint64_aligned_t shr_pages;
    xen_uint64_aligned_t paged_pages;
    xen_uint64_aligned_t shared_info_frame; /* GMFN (MFN for PV) of shared_info */
    xen_uint64_aligned_t cpu_time;
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
XEN_ABI_SIZE(xen_domctl_getdomaininfo, 112);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, tot_pages, 8);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, shared_info_frame, 48);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, nr_online_vcpus, 64);
XEN_ABI_OFFSET(xen_domctl_getdomaininfo, arch_config, 104);

/* XEN_DOMCTL_max_mem */
struct xen_domctl_max_mem {
    xen_uint64_aligned_t max_memkb; /* IN */
};
XEN_ABI_SIZE(xen_domctl_max_mem, 8);

/* XEN_DOMCTL_setvcpucontext: IN vcpu, IN ctxt -> struct vcpu_guest_context. */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    xen_uint64_aligned_t ctxt; /* XEN_GUEST_HANDLE_64(vcpu_guest_context_t) */
};
XEN_ABI_SIZE(xen_domctl_vcpucontext, 16);
XEN_ABI_OFFSET(xen_domctl_vcpucontext, ctxt, 8);

/* XEN_DOMCTL_max_vcpus: must equal createdomain's max_vcpus. */
struct xen_domctl_max_vcpus {
    uint32_t max;
};
XEN_ABI_SIZE(xen_domctl_max_vcpus, 4);

/* XEN_DOMCTL_hypercall_init: fill the guest's hypercall page. */
struct xen_domctl_hypercall_init {
    xen_uint64_aligned_t gmfn; /* IN: the page's GMFN (MFN for PV) */
};
XEN_ABI_SIZE(xen_domctl_hypercall_init, 8);

struct xen_domctl {
    uint32_t cmd;
#define XEN_DOMCTL_createdomain 1
#define XEN_DOMCTL_destroydomain 2
#define XEN_DOMCTL_pausedomain 3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_DOMCTL_max_mem 11
#define XEN_DOMCTL_setvcpucontext 12
#define XEN_DOMCTL_max_vcpus 15
#define XEN_DOMCTL_hypercall_init 22
    uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_hypercall_init hypercall_init;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;
XEN_ABI_SIZE(xen_domctl, 144);
XEN_ABI_OFFSET(xen_domctl, domain, 8);
XEN_ABI_OFFSET(xen_domctl, u, 16);

#endif /* XENITH_TOOLSTACK_DOMCTL_SUBSET_H */
