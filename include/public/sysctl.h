/*
 * sysctl.h - HYPERVISOR_sysctl(struct xen_sysctl *op), the machine-wide
 * operations of the control domain.
 *
 * Interface version 0x00000016 (Xen 4.22's XEN_SYSCTL_INTERFACE_VERSION);
 * numbers and layouts are those of Xen's public sysctl.h for x86_32, the
 * text is Xenith's. Checked in this order: op copied in (-EFAULT),
 * interface_version (-EACCES), the caller is the control domain (-EPERM),
 * the command (-ENOSYS when unknown). Handles as in domctl.h.
 */
#ifndef XENITH_PUBLIC_SYSCTL_H
#define XENITH_PUBLIC_SYSCTL_H

#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000016

/*
 * XEN_SYSCTL_readconsole: the hypervisor's console ring. With incremental
 * set, reading starts at index (if it is still in the ring), else at the
 * oldest byte kept; index comes back as where reading stopped, count as
 * the bytes written to buffer. clear: the bytes read are gone afterwards.
 */
struct xen_sysctl_readconsole {
    uint8_t clear;                /* IN */
    uint8_t incremental;          /* IN */
    uint8_t pad0, pad1;
    uint32_t index;               /* IN/OUT */
    XEN_CTL_HANDLE(char) buffer;  /* IN */
    uint32_t count;               /* IN: size of buffer; OUT: bytes written */
};
XEN_ABI_SIZE(xen_sysctl_readconsole, 24);
XEN_ABI_OFFSET(xen_sysctl_readconsole, index, 4);
XEN_ABI_OFFSET(xen_sysctl_readconsole, buffer, 8);
XEN_ABI_OFFSET(xen_sysctl_readconsole, count, 16);

/* XEN_SYSCTL_physinfo: OUT the machine. */
#define XEN_SYSCTL_PHYSCAP_hvm (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv (1u << 1)
#define XEN_SYSCTL_PHYSCAP_directio (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow (1u << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1u << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1 (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2 (1u << 9)
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;     /* online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;      /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    xen_uint64_aligned_t total_pages;
    xen_uint64_aligned_t free_pages;
    xen_uint64_aligned_t scrub_pages;
    xen_uint64_aligned_t outstanding_pages;
    xen_uint64_aligned_t max_mfn;
    uint32_t hw_cap[8];         /* CPUID feature words */
};
XEN_ABI_SIZE(xen_sysctl_physinfo, 112);
XEN_ABI_OFFSET(xen_sysctl_physinfo, total_pages, 40);
XEN_ABI_OFFSET(xen_sysctl_physinfo, max_mfn, 72);
XEN_ABI_OFFSET(xen_sysctl_physinfo, hw_cap, 80);

/* XEN_SYSCTL_sched_id: OUT the scheduler (XEN_SCHEDULER_*). */
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};
XEN_ABI_SIZE(xen_sysctl_sched_id, 4);

/*
 * XEN_SYSCTL_getdomaininfolist: the domains with id >= first_domain, in
 * id order, at most max_domains of them into buffer; OUT how many.
 */
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;                              /* IN */
    uint32_t max_domains;                              /* IN */
    XEN_CTL_HANDLE(xen_domctl_getdomaininfo_t) buffer; /* IN */
    uint32_t num_domains;                              /* OUT */
};
XEN_ABI_SIZE(xen_sysctl_getdomaininfolist, 24);
XEN_ABI_OFFSET(xen_sysctl_getdomaininfolist, max_domains, 4);
XEN_ABI_OFFSET(xen_sysctl_getdomaininfolist, buffer, 8);
XEN_ABI_OFFSET(xen_sysctl_getdomaininfolist, num_domains, 16);

/*
 * XEN_SYSCTL_cputopoinfo: one entry per CPU id up to the last present one.
 * A null handle asks for that count; otherwise at most num_cpus entries
 * are written and num_cpus comes back as the count wanted when it differs.
 */
#define XEN_INVALID_CORE_ID (~0U)
#define XEN_INVALID_SOCKET_ID (~0U)
#define XEN_INVALID_NODE_ID (~0U)
struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;
XEN_ABI_SIZE(xen_sysctl_cputopo, 12);
struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;                               /* IN/OUT */
    XEN_CTL_HANDLE(xen_sysctl_cputopo_t) cputopo;    /* IN */
};
XEN_ABI_SIZE(xen_sysctl_cputopoinfo, 16);
XEN_ABI_OFFSET(xen_sysctl_cputopoinfo, cputopo, 8);

/*
 * XEN_SYSCTL_numainfo: per node its memory, and the node distances
 * (entry i * N + j); the counts as for cputopoinfo (both handles null: ask).
 */
#define XEN_INVALID_MEM_SZ (~0U)
#define XEN_INVALID_NODE_DIST (~0U)
struct xen_sysctl_meminfo {
    xen_uint64_a4_t memsize; /* bytes */
    xen_uint64_a4_t memfree;
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
XEN_ABI_SIZE(xen_sysctl_meminfo, 16);
struct xen_sysctl_numainfo {
    uint32_t num_nodes;                              /* IN/OUT */
    XEN_CTL_HANDLE(xen_sysctl_meminfo_t) meminfo;    /* IN */
    XEN_CTL_HANDLE(uint32) distance;                 /* IN */
};
XEN_ABI_SIZE(xen_sysctl_numainfo, 24);
XEN_ABI_OFFSET(xen_sysctl_numainfo, meminfo, 8);
XEN_ABI_OFFSET(xen_sysctl_numainfo, distance, 16);

struct xen_sysctl {
    uint32_t cmd;
#define XEN_SYSCTL_readconsole 1
#define XEN_SYSCTL_tbuf_op 2
#define XEN_SYSCTL_physinfo 3
#define XEN_SYSCTL_sched_id 4
#define XEN_SYSCTL_perfc_op 5
#define XEN_SYSCTL_getdomaininfolist 6
#define XEN_SYSCTL_debug_keys 7
#define XEN_SYSCTL_getcpuinfo 8
#define XEN_SYSCTL_availheap 9
#define XEN_SYSCTL_get_pmstat 10
#define XEN_SYSCTL_cpu_hotplug 11
#define XEN_SYSCTL_pm_op 12
#define XEN_SYSCTL_page_offline_op 14
#define XEN_SYSCTL_lockprof_op 15
#define XEN_SYSCTL_cputopoinfo 16
#define XEN_SYSCTL_numainfo 17
#define XEN_SYSCTL_cpupool_op 18
#define XEN_SYSCTL_scheduler_op 19
#define XEN_SYSCTL_coverage_op 20
#define XEN_SYSCTL_psr_cmt_op 21
#define XEN_SYSCTL_pcitopoinfo 22
#define XEN_SYSCTL_psr_alloc 23
#define XEN_SYSCTL_get_cpu_featureset 26
#define XEN_SYSCTL_livepatch_op 27
#define XEN_SYSCTL_get_cpu_policy 29
    uint32_t interface_version; /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
XEN_ABI_SIZE(xen_sysctl, 136);
XEN_ABI_OFFSET(xen_sysctl, interface_version, 4);
XEN_ABI_OFFSET(xen_sysctl, u, 8);

#endif /* XENITH_PUBLIC_SYSCTL_H */
