/*
 * version.h - HYPERVISOR_xen_version(int cmd, void *arg).
 *
 * Every sub-op returns 0 on success or a negative XEN_E* value, except
 * XENVER_version, XENVER_pagesize and XENVER_build_id, which return data.
 */
#ifndef XENITH_PUBLIC_VERSION_H
#define XENITH_PUBLIC_VERSION_H

#include "xen.h"

/* arg: NULL. Returns (major << 16) | minor. */
#define XENVER_version 0

/* arg: OUT xen_extraversion_t, NUL-terminated (e.g. ".0-xenith"). */
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

/* arg: OUT struct xen_compile_info, NUL-terminated strings. */
#define XENVER_compile_info 2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;
XEN_ABI_SIZE(xen_compile_info, 144);
XEN_ABI_OFFSET(xen_compile_info, compile_date, 112);

/* arg: OUT xen_capabilities_info_t, e.g. "xen-3.0-x86_32p". */
#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

/* arg: OUT xen_changeset_info_t, the source revision. */
#define XENVER_changeset 4
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* arg: OUT struct xen_platform_parameters. */
#define XENVER_platform_parameters 5
struct xen_platform_parameters {
    xen_ulong_t virt_start; /* lowest hypervisor-owned virtual address */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;
XEN_ABI_SIZE(xen_platform_parameters, 4);

/* arg: IN/OUT struct xen_feature_info; bits are XENFEAT_* (features.h). */
#define XENVER_get_features 6
struct xen_feature_info {
    uint32_t submap_idx; /* IN: which 32-bit word of the feature map */
    uint32_t submap;     /* OUT: that word */
};
typedef struct xen_feature_info xen_feature_info_t;
XEN_ABI_SIZE(xen_feature_info, 8);

#include "features.h"

/* arg: NULL. Returns the hypervisor's page size. */
#define XENVER_pagesize 7

/* arg: OUT xen_domain_handle_t, the caller's 16-byte handle (UUID). */
#define XENVER_guest_handle 8

/* arg: OUT xen_commandline_t, the hypervisor's command line. */
#define XENVER_commandline 9
typedef char xen_commandline_t[1024];

/*
 * arg: IN/OUT struct xen_build_id, or NULL. With NULL returns the size of
 * the build id; otherwise IN len is the room in buf, and the call copies
 * the id there and returns its size (-ENOBUFS if it does not fit).
 */
#define XENVER_build_id 10
struct xen_build_id {
    uint32_t len; /* IN: size of buf[] */
    unsigned char buf[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_build_id xen_build_id_t;
XEN_ABI_SIZE(xen_build_id, 4);
XEN_ABI_OFFSET(xen_build_id, buf, 4);

#endif /* XENITH_PUBLIC_VERSION_H */
