/*
 * grant_table.h - grant tables (versions 1 and 2) and
 * HYPERVISOR_grant_table_op(unsigned cmd, void *args, unsigned count).
 *
 * A domain shares a frame by filling an entry of its grant table; the
 * entry's index is the grant reference other domains use to map or copy
 * the frame. args points to an array of count structures of the sub-op.
 *
 * Filling an entry: write domid and frame, then a write barrier, then
 * flags. Revoking an unused GTF_permit_access entry: read flags, check that
 * neither GTF_reading nor GTF_writing is set, and compare-and-swap flags to
 * 0. An entry in use cannot be revoked by the granter.
 */
#ifndef XENITH_PUBLIC_GRANT_TABLE_H
#define XENITH_PUBLIC_GRANT_TABLE_H

#include "xen.h"

typedef uint32_t grant_ref_t;

/* A version 1 entry. [G] written by the guest, [X] by the hypervisor. */
struct grant_entry_v1 {
    uint16_t flags; /* GTF_* [G,X] */
    domid_t domid;  /* domain the grant is for [G] */
    /*
     * permit_access: GFN the grantee may use [G].
     * accept_transfer: GFN slot to receive a frame [G]; once
     * GTF_transfer_completed is set, the MFN transferred [X].
     */
    uint32_t frame;
};
typedef struct grant_entry_v1 grant_entry_v1_t;
XEN_ABI_SIZE(grant_entry_v1, 8);
XEN_ABI_OFFSET(grant_entry_v1, domid, 2);
XEN_ABI_OFFSET(grant_entry_v1, frame, 4);

/* Entries reserved for the toolstack (console and xenstore rings). */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/* Entry type (bits 1..0 of flags). */
#define GTF_invalid (0U << 0)         /* grants nothing */
#define GTF_permit_access (1U << 0)   /* domid may map or copy frame */
#define GTF_accept_transfer (2U << 0) /* domid may transfer a frame to us */
#define GTF_transitive (3U << 0)      /* v2 only */
#define GTF_type_mask (3U << 0)

/* Flags of GTF_permit_access. */
#define _GTF_readonly (2)
#define GTF_readonly (1U << _GTF_readonly) /* read-only access [G] */
#define _GTF_reading (3)
#define GTF_reading (1U << _GTF_reading) /* mapped for reading [X] */
#define _GTF_writing (4)
#define GTF_writing (1U << _GTF_writing) /* mapped for writing [X] */
#define _GTF_PWT (5)
#define GTF_PWT (1U << _GTF_PWT) /* cache attributes of the mapping [G] */
#define _GTF_PCD (6)
#define GTF_PCD (1U << _GTF_PCD)
#define _GTF_PAT (7)
#define GTF_PAT (1U << _GTF_PAT)
#define _GTF_sub_page (8)
#define GTF_sub_page (1U << _GTF_sub_page) /* v2 only */

/*
 * Version 2 (GNTTABOP_set_version 2): 16-byte entries sharing the v1
 * header, and GTF_reading/GTF_writing moved to a separate array of status
 * words (GNTTABOP_get_status_frames) that only the hypervisor writes. A
 * domain's table is all v1 or all v2; the interface other domains use does
 * not depend on it.
 */
struct grant_entry_header {
    uint16_t flags; /* GTF_* [G] (reading/writing live in the status word) */
    domid_t domid;  /* domain the grant is for [G] */
};
typedef struct grant_entry_header grant_entry_header_t;
XEN_ABI_SIZE(grant_entry_header, 4);
XEN_ABI_OFFSET(grant_entry_header, domid, 2);

union grant_entry_v2 {
    grant_entry_header_t hdr;
    /* GTF_permit_access without GTF_sub_page, or GTF_accept_transfer:
     * frame as in the v1 entry. */
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        xen_uint64_a4_t frame;
    } full_page;
    /* GTF_permit_access | GTF_sub_page: domid may copy (never map) bytes
     * [page_off, page_off + length) of frame. */
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;
        uint16_t length;
        xen_uint64_a4_t frame;
    } sub_page;
    /* GTF_transitive: domid may use grant gref of trans_domid as if it were
     * this domain's (copy only). */
    struct {
        grant_entry_header_t hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t spacer[4]; /* a power of two */
};
typedef union grant_entry_v2 grant_entry_v2_t;
XEN_ABI_CHECK(sizeof(union grant_entry_v2) == 16, size_of_grant_entry_v2);
XEN_ABI_CHECK(offsetof(union grant_entry_v2, full_page.frame) == 8, offset_grant_entry_v2_frame);
XEN_ABI_CHECK(offsetof(union grant_entry_v2, sub_page.page_off) == 4,
              offset_grant_entry_v2_page_off);
XEN_ABI_CHECK(offsetof(union grant_entry_v2, sub_page.length) == 6, offset_grant_entry_v2_length);
XEN_ABI_CHECK(offsetof(union grant_entry_v2, transitive.trans_domid) == 4,
              offset_grant_entry_v2_trans_domid);
XEN_ABI_CHECK(offsetof(union grant_entry_v2, transitive.gref) == 8, offset_grant_entry_v2_gref);

/* A version 2 status word: GTF_reading | GTF_writing [X]. */
typedef uint16_t grant_status_t;

/* Flags of GTF_accept_transfer (set by the hypervisor). */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed (1U << _GTF_transfer_completed)

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12

/* Tracks one mapping made by map_grant_ref. */
typedef uint32_t grant_handle_t;

/*
 * map_grant_ref: map grant <dom,ref>. With GNTMAP_host_map, host_addr is a
 * virtual address of the caller, or with GNTMAP_contains_pte the machine
 * address of the PTE to write. Keep handle for the unmap.
 */
struct gnttab_map_grant_ref {
    xen_uint64_a4_t host_addr; /* IN */
    uint32_t flags;            /* IN: GNTMAP_* */
    grant_ref_t ref;           /* IN */
    domid_t dom;               /* IN: the granting domain */
    int16_t status;            /* OUT: GNTST_* */
    grant_handle_t handle;     /* OUT */
    xen_uint64_a4_t dev_bus_addr; /* OUT: with GNTMAP_device_map */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
XEN_ABI_SIZE(gnttab_map_grant_ref, 32);
XEN_ABI_OFFSET(gnttab_map_grant_ref, flags, 8);
XEN_ABI_OFFSET(gnttab_map_grant_ref, ref, 12);
XEN_ABI_OFFSET(gnttab_map_grant_ref, dom, 16);
XEN_ABI_OFFSET(gnttab_map_grant_ref, status, 18);
XEN_ABI_OFFSET(gnttab_map_grant_ref, handle, 20);
XEN_ABI_OFFSET(gnttab_map_grant_ref, dev_bus_addr, 24);

/*
 * unmap_grant_ref: remove the mappings tracked by handle (host_addr or
 * dev_bus_addr 0: that kind is not unmapped). TLBs are clean afterwards.
 */
struct gnttab_unmap_grant_ref {
    xen_uint64_a4_t host_addr;    /* IN */
    xen_uint64_a4_t dev_bus_addr; /* IN */
    grant_handle_t handle;        /* IN */
    int16_t status;               /* OUT: GNTST_* */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
XEN_ABI_SIZE(gnttab_unmap_grant_ref, 24);
XEN_ABI_OFFSET(gnttab_unmap_grant_ref, handle, 16);
XEN_ABI_OFFSET(gnttab_unmap_grant_ref, status, 20);

/*
 * setup_table: make dom's table at least nr_frames long and return the
 * frames (MFNs for a PV caller). dom other than DOMID_SELF: privileged.
 */
struct gnttab_setup_table {
    domid_t dom;                            /* IN */
    uint32_t nr_frames;                     /* IN */
    int16_t status;                         /* OUT: GNTST_* */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* OUT: nr_frames entries */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
XEN_ABI_SIZE(gnttab_setup_table, 16);
XEN_ABI_OFFSET(gnttab_setup_table, nr_frames, 4);
XEN_ABI_OFFSET(gnttab_setup_table, status, 8);
XEN_ABI_OFFSET(gnttab_setup_table, frame_list, 12);

/* dump_table: print dom's table on the hypervisor console (debugging). */
struct gnttab_dump_table {
    domid_t dom;    /* IN */
    int16_t status; /* OUT: GNTST_* */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
XEN_ABI_SIZE(gnttab_dump_table, 4);

/*
 * transfer: give frame mfn to <domid,ref> (an accept_transfer entry). The
 * caller loses the frame even on failure, except with GNTST_bad_page.
 */
struct gnttab_transfer {
    xen_pfn_t mfn;   /* IN */
    domid_t domid;   /* IN */
    grant_ref_t ref; /* IN */
    int16_t status;  /* OUT: GNTST_* */
};
typedef struct gnttab_transfer gnttab_transfer_t;
XEN_ABI_SIZE(gnttab_transfer, 16);
XEN_ABI_OFFSET(gnttab_transfer, ref, 8);
XEN_ABI_OFFSET(gnttab_transfer, status, 12);

/*
 * copy: the hypervisor copies len bytes between two frames, each named by
 * a GMFN of the caller or (with GNTCOPY_*_gref) a grant of another domain.
 * Neither range may cross a page boundary.
 */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref (1)
#define GNTCOPY_dest_gref (1 << _GNTCOPY_dest_gref)
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};
XEN_ABI_SIZE(gnttab_copy_ptr, 8);
struct gnttab_copy {
    struct gnttab_copy_ptr source, dest; /* IN */
    uint16_t len;                        /* IN */
    uint16_t flags;                      /* IN: GNTCOPY_* */
    int16_t status;                      /* OUT: GNTST_* */
};
typedef struct gnttab_copy gnttab_copy_t;
XEN_ABI_SIZE(gnttab_copy, 24);
XEN_ABI_OFFSET(gnttab_copy, dest, 8);
XEN_ABI_OFFSET(gnttab_copy, len, 16);
XEN_ABI_OFFSET(gnttab_copy, status, 20);

/* query_size: current and maximum frames of dom's table. */
struct gnttab_query_size {
    domid_t dom;            /* IN */
    uint32_t nr_frames;     /* OUT */
    uint32_t max_nr_frames; /* OUT */
    int16_t status;         /* OUT: GNTST_* */
};
typedef struct gnttab_query_size gnttab_query_size_t;
XEN_ABI_SIZE(gnttab_query_size, 16);

/*
 * unmap_and_replace: unmap handle at host_addr and move the PTE found at
 * new_addr there, clearing new_addr.
 */
struct gnttab_unmap_and_replace {
    xen_uint64_a4_t host_addr; /* IN */
    xen_uint64_a4_t new_addr;  /* IN */
    grant_handle_t handle;     /* IN */
    int16_t status;            /* OUT: GNTST_* */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
XEN_ABI_SIZE(gnttab_unmap_and_replace, 24);

/* set_version: choose version 1 or 2 before any grant is active. */
struct gnttab_set_version {
    uint32_t version; /* IN/OUT */
};
typedef struct gnttab_set_version gnttab_set_version_t;
XEN_ABI_SIZE(gnttab_set_version, 4);

/* get_status_frames: version 2 status frames of dom. */
struct gnttab_get_status_frames {
    uint32_t nr_frames;                    /* IN */
    domid_t dom;                           /* IN */
    int16_t status;                        /* OUT: GNTST_* */
    XEN_GUEST_HANDLE(uint64_t) frame_list; /* OUT */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
XEN_ABI_SIZE(gnttab_get_status_frames, 12);

/* get_version: the table version in use by dom. */
struct gnttab_get_version {
    domid_t dom; /* IN */
    uint16_t pad;
    uint32_t version; /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;
XEN_ABI_SIZE(gnttab_get_version, 8);

/* swap_grant_ref: exchange two entries of the caller's table. */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a; /* IN */
    grant_ref_t ref_b; /* IN */
    int16_t status;    /* OUT: GNTST_* */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
XEN_ABI_SIZE(gnttab_swap_grant_ref, 12);

/* cache_flush: cache maintenance on part of a granted page (ARM). */
struct gnttab_cache_flush {
    union {
        xen_uint64_a4_t dev_bus_addr;
        grant_ref_t ref;
    } a;             /* IN */
    uint16_t offset; /* IN */
    uint16_t length; /* IN */
#define GNTTAB_CACHE_CLEAN (1u << 0)
#define GNTTAB_CACHE_INVAL (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1u << 31)
    uint32_t op; /* IN */
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
XEN_ABI_SIZE(gnttab_cache_flush, 16);

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map (0) /* map for device (DMA) access */
#define GNTMAP_device_map (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map (1) /* map for CPU access */
#define GNTMAP_host_map (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly (2) /* read-only mapping */
#define GNTMAP_readonly (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3) /* user-accessible host mapping */
#define GNTMAP_application_map (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte (4) /* host_addr is a PTE's machine address */
#define GNTMAP_contains_pte (1 << _GNTMAP_contains_pte)
#define _GNTMAP_can_fail (5)
#define GNTMAP_can_fail (1 << _GNTMAP_can_fail)
/* Bits 16 and up go to the PTE's available bits (XENFEAT_gnttab_map_avail_bits). */
#define _GNTMAP_guest_avail0 (16)
#define GNTMAP_guest_avail_mask (~0U << _GNTMAP_guest_avail0)

/* Status codes (all failures are negative). */
#define GNTST_okay (0)
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)        /* unknown domain */
#define GNTST_bad_gntref (-3)        /* bad grant reference */
#define GNTST_bad_handle (-4)        /* bad mapping handle */
#define GNTST_bad_virt_addr (-5)     /* unusable virtual address */
#define GNTST_bad_dev_addr (-6)      /* unusable device address */
#define GNTST_no_device_space (-7)   /* I/O MMU full */
#define GNTST_permission_denied (-8) /* not allowed */
#define GNTST_bad_page (-9)          /* bad page for this operation */
#define GNTST_bad_copy_arg (-10)     /* copy crosses a page boundary */
#define GNTST_address_too_big (-11)  /* page address too large */
#define GNTST_eagain (-12)           /* not done; try again */
#define GNTST_no_space (-13)         /* out of mapping handles (Xen 4.16 and
                                        later; before, GNTST_no_device_space) */

/* Text for -status, for diagnostics. */
#define GNTTABOP_error_msgs {                                              \
    "okay", "general error", "unknown domain", "bad grant reference",      \
    "bad mapping handle", "bad virtual address", "bad device address",     \
    "no I/O MMU space", "permission denied", "bad page",                   \
    "copy crosses a page boundary", "address too large", "try again",      \
    "out of space"                                                         \
}

#endif /* XENITH_PUBLIC_GRANT_TABLE_H */
