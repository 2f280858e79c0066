/*
 * memory.h - HYPERVISOR_memory_op(unsigned cmd, void *arg).
 *
 * Guests pass the sub-op alone in cmd; the hypervisor may use the high bits
 * of cmd to record progress when it preempts and restarts a long call.
 */
#ifndef XENITH_PUBLIC_MEMORY_H
#define XENITH_PUBLIC_MEMORY_H

#include "xen.h"

/*
 * Grow or shrink a domain's memory, or fill holes in its physmap.
 * arg: IN/OUT struct xen_memory_reservation. Returns the number of extents
 * handled (fewer than asked on partial failure).
 */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap 6

/* mem_flags: address width limit, NUMA node, and request kinds. */
#define XENMEMF_address_bits(x) (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x) (((x) + 1) << 8)
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode (1 << 18)

struct xen_memory_reservation {
    /*
     * increase_reservation: OUT MFNs of the new extents.
     * decrease_reservation: IN GMFNs of the extents to free.
     * populate_physmap: IN GPFNs to fill, OUT the GMFNs now backing them.
     */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents; /* IN: number of extents */
    uint32_t extent_order;  /* IN: each extent is 2^order pages */
    uint32_t mem_flags;     /* IN: XENMEMF_* */
    domid_t domid;          /* IN: DOMID_SELF unless privileged */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
XEN_ABI_SIZE(xen_memory_reservation, 20);
XEN_ABI_OFFSET(xen_memory_reservation, nr_extents, 4);
XEN_ABI_OFFSET(xen_memory_reservation, extent_order, 8);
XEN_ABI_OFFSET(xen_memory_reservation, mem_flags, 12);
XEN_ABI_OFFSET(xen_memory_reservation, domid, 16);

/*
 * Trade extents for others atomically. arg: IN/OUT struct
 * xen_memory_exchange. in and out must cover the same number of pages and
 * the same domain. Returns 0 when all of in was exchanged.
 */
#define XENMEM_exchange 11
struct xen_memory_exchange {
    struct xen_memory_reservation in;  /* IN: GMFNs given up */
    struct xen_memory_reservation out; /* IN GPFNs, OUT GMFNs received */
    /* OUT: input extents exchanged so far; the caller must set it to 0. */
    xen_ulong_t nr_exchanged;
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
XEN_ABI_SIZE(xen_memory_exchange, 44);
XEN_ABI_OFFSET(xen_memory_exchange, out, 20);
XEN_ABI_OFFSET(xen_memory_exchange, nr_exchanged, 40);

/* Returns the highest MFN of RAM. arg: NULL. */
#define XENMEM_maximum_ram_page 2
/* Returns current / maximum pages of a domain. arg: IN domid_t. */
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
/* Returns the highest GPFN in use by the caller. arg: IN domid_t. */
#define XENMEM_maximum_gpfn 14

/*
 * MFNs of the 2 MiB chunks making up the m2p table.
 * arg: IN/OUT struct xen_machphys_mfn_list.
 */
#define XENMEM_machphys_mfn_list 5
struct xen_machphys_mfn_list {
    uint32_t max_extents;                     /* IN: room in extent_start */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* OUT: chunk MFNs (0 = hole) */
    uint32_t nr_extents;                      /* OUT: entries written */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
XEN_ABI_SIZE(xen_machphys_mfn_list, 12);
/* Same as machphys_mfn_list for a 32-bit caller. */
#define XENMEM_machphys_compat_mfn_list 25

/* Where the m2p table is mapped. arg: OUT struct xen_machphys_mapping. */
#define XENMEM_machphys_mapping 12
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end; /* virtual range of the table */
    xen_ulong_t max_mfn;        /* highest MFN it covers */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
XEN_ABI_SIZE(xen_machphys_mapping, 12);

/* Sources for add_to_physmap. */
#define XENMAPSPACE_shared_info 0  /* the shared-info page */
#define XENMAPSPACE_grant_table 1  /* a grant-table frame */
#define XENMAPSPACE_gmfn 2         /* another GMFN of the domain */
#define XENMAPSPACE_gmfn_range 3   /* a range of them (add_to_physmap only) */
#define XENMAPSPACE_gmfn_foreign 4 /* a frame of another domain (batch only) */
#define XENMAPSPACE_dev_mmio 5     /* device MMIO (ARM only) */

/*
 * Make a page appear at a GPFN of a (translated) domain.
 * arg: IN struct xen_add_to_physmap.
 */
#define XENMEM_add_to_physmap 7
struct xen_add_to_physmap {
    domid_t domid; /* IN */
    uint16_t size; /* IN: pages, for XENMAPSPACE_gmfn_range */
    uint32_t space; /* IN: XENMAPSPACE_* */
#define XENMAPIDX_grant_table_status 0x80000000
    xen_ulong_t idx; /* IN: index within space */
    xen_pfn_t gpfn;  /* IN: where it should appear */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
XEN_ABI_SIZE(xen_add_to_physmap, 16);
XEN_ABI_OFFSET(xen_add_to_physmap, space, 4);
XEN_ABI_OFFSET(xen_add_to_physmap, idx, 8);
XEN_ABI_OFFSET(xen_add_to_physmap, gpfn, 12);

/* Batched add_to_physmap. arg: IN/OUT struct xen_add_to_physmap_batch. */
#define XENMEM_add_to_physmap_batch 23
struct xen_add_to_physmap_batch {
    domid_t domid;  /* IN */
    uint16_t space; /* IN: XENMAPSPACE_* */
    uint16_t size;  /* IN: number of entries */
    union {
        domid_t foreign_domid; /* IN: for XENMAPSPACE_gmfn_foreign */
        uint16_t res0;         /* must be 0 for other spaces */
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs; /* IN */
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;  /* IN */
    XEN_GUEST_HANDLE(int) errs;         /* OUT: per-entry error */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
XEN_ABI_SIZE(xen_add_to_physmap_batch, 20);
XEN_ABI_OFFSET(xen_add_to_physmap_batch, idxs, 8);
XEN_ABI_OFFSET(xen_add_to_physmap_batch, errs, 16);

/* Remove the page at a GPFN. arg: IN struct xen_remove_from_physmap. */
#define XENMEM_remove_from_physmap 15
struct xen_remove_from_physmap {
    domid_t domid;  /* IN */
    xen_pfn_t gpfn; /* IN */
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
XEN_ABI_SIZE(xen_remove_from_physmap, 8);

/* 8 (translate_gpfn_list) was removed. */

/*
 * The caller's pseudo-physical memory map (E820 format: struct
 * xen_e820_entry). arg: IN/OUT struct xen_memory_map.
 */
#define XENMEM_memory_map 9
struct xen_memory_map {
    /* IN: room in buffer (entries); OUT: entries written. */
    uint32_t nr_entries;
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
XEN_ABI_SIZE(xen_memory_map, 8);

/* The machine's real memory map (privileged). arg: as XENMEM_memory_map. */
#define XENMEM_machine_memory_map 10

/* Set a domain's memory map (privileged). arg: IN struct xen_foreign_memory_map. */
#define XENMEM_set_memory_map 13
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
XEN_ABI_SIZE(xen_foreign_memory_map, 12);
XEN_ABI_OFFSET(xen_foreign_memory_map, map, 4);

/* One BIOS INT 15h/E820 entry, as XENMEM_memory_map returns them. */
struct xen_e820_entry {
    xen_uint64_a4_t addr;
    xen_uint64_a4_t size;
    uint32_t type; /* XEN_E820_* */
};
typedef struct xen_e820_entry xen_e820_entry_t;
XEN_ABI_SIZE(xen_e820_entry, 20);
#define XEN_E820_RAM 1
#define XEN_E820_RESERVED 2
#define XEN_E820_ACPI 3
#define XEN_E820_NVS 4
#define XEN_E820_UNUSABLE 5

/* Populate-on-demand target. arg: IN/OUT struct xen_pod_target. */
#define XENMEM_set_pod_target 16
#define XENMEM_get_pod_target 17
struct xen_pod_target {
    xen_uint64_a4_t target_pages;    /* IN */
    xen_uint64_a4_t tot_pages;       /* OUT */
    xen_uint64_a4_t pod_cache_pages; /* OUT */
    xen_uint64_a4_t pod_entries;     /* OUT */
    domid_t domid;                   /* IN */
};
typedef struct xen_pod_target xen_pod_target_t;
XEN_ABI_SIZE(xen_pod_target, 36);

/* Tools-only sub-ops (numbers reserved). */
#define XENMEM_get_sharing_freed_pages 18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op 20
#define XENMEM_access_op 21
#define XENMEM_sharing_op 22
#define XENMEM_claim_pages 24 /* arg: IN struct xen_memory_reservation */
#define XENMEM_reserved_device_memory_map 27

/* vNUMA topology of the caller. arg: IN/OUT struct xen_vnuma_topology_info. */
#define XENMEM_get_vnumainfo 26
struct xen_vmemrange {
    xen_uint64_a4_t start, end;
    uint32_t flags;
    uint32_t nid;
};
typedef struct xen_vmemrange xen_vmemrange_t;
XEN_ABI_SIZE(xen_vmemrange, 24);

struct xen_vnuma_topology_info {
    domid_t domid; /* IN */
    uint16_t pad;
    uint32_t nr_vnodes;     /* IN/OUT */
    uint32_t nr_vcpus;      /* IN/OUT */
    uint32_t nr_vmemranges; /* IN/OUT */
    union {
        XEN_GUEST_HANDLE(uint) h;
        xen_uint64_a4_t pad;
    } vdistance; /* OUT */
    union {
        XEN_GUEST_HANDLE(uint) h;
        xen_uint64_a4_t pad;
    } vcpu_to_vnode; /* OUT */
    union {
        XEN_GUEST_HANDLE(xen_vmemrange_t) h;
        xen_uint64_a4_t pad;
    } vmemrange; /* OUT */
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
XEN_ABI_SIZE(xen_vnuma_topology_info, 40);
XEN_ABI_OFFSET(xen_vnuma_topology_info, vdistance, 16);
XEN_ABI_OFFSET(xen_vnuma_topology_info, vmemrange, 32);

#endif /* XENITH_PUBLIC_MEMORY_H */
