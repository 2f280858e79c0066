/*
 * io/xs_wire.h - the xenstore wire protocol and its shared ring page
 * (start_info.store_mfn / store_evtchn).
 *
 * Every message is a struct xsd_sockmsg header followed by len bytes of
 * payload, usually NUL-terminated strings. Replies carry the request's
 * req_id and tx_id; failures come back as XS_ERROR with the errno name
 * (e.g. "ENOENT") as payload.
 */
#ifndef XENITH_PUBLIC_IO_XS_WIRE_H
#define XENITH_PUBLIC_IO_XS_WIRE_H

#include "../xen-abi.h"

enum xsd_sockmsg_type {
    XS_CONTROL,              /* 0: was XS_DEBUG */
    XS_DIRECTORY,            /* 1 */
    XS_READ,                 /* 2 */
    XS_GET_PERMS,            /* 3 */
    XS_WATCH,                /* 4 */
    XS_UNWATCH,              /* 5 */
    XS_TRANSACTION_START,    /* 6 */
    XS_TRANSACTION_END,      /* 7 */
    XS_INTRODUCE,            /* 8 */
    XS_RELEASE,              /* 9 */
    XS_GET_DOMAIN_PATH,      /* 10 */
    XS_WRITE,                /* 11 */
    XS_MKDIR,                /* 12 */
    XS_RM,                   /* 13 */
    XS_SET_PERMS,            /* 14 */
    XS_WATCH_EVENT,          /* 15 */
    XS_ERROR,                /* 16 */
    XS_IS_DOMAIN_INTRODUCED, /* 17 */
    XS_RESUME,               /* 18 */
    XS_SET_TARGET,           /* 19 */
    /* 20 was XS_RESTRICT, removed */
    XS_RESET_WATCHES = XS_SET_TARGET + 2, /* 21 */
    XS_DIRECTORY_PART,       /* 22 */
    XS_GET_FEATURE,          /* 23 */
    XS_SET_FEATURE,          /* 24 */
    XS_GET_QUOTA,            /* 25 */
    XS_SET_QUOTA,            /* 26 */
    XS_TYPE_COUNT,           /* number of valid types */
    XS_INVALID = 0xffff      /* never a valid type */
};
#define XS_DEBUG XS_CONTROL

#define XS_WRITE_NONE "NONE"
#define XS_WRITE_CREATE "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/* Errors travel as their names; this table maps the numbers (host errno
 * values of the includer) to them. */
struct xsd_errors {
    int errnum;
    const char *errstring;
};
#ifdef EINVAL
#define XSD_ERROR(x) { x, #x }
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
    XSD_ERROR(EINVAL), XSD_ERROR(EACCES), XSD_ERROR(EEXIST),
    XSD_ERROR(EISDIR), XSD_ERROR(ENOENT), XSD_ERROR(ENOMEM),
    XSD_ERROR(ENOSPC), XSD_ERROR(EIO), XSD_ERROR(ENOTEMPTY),
    XSD_ERROR(ENOSYS), XSD_ERROR(EROFS), XSD_ERROR(EBUSY),
    XSD_ERROR(EAGAIN), XSD_ERROR(EISCONN), XSD_ERROR(E2BIG),
    XSD_ERROR(EPERM)
};
#endif
/* The same names, in table order, for code without errno.h. */
#define XSD_ERROR_NAMES {                                                \
    "EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM",          \
    "ENOSPC", "EIO", "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN",  \
    "EISCONN", "E2BIG", "EPERM"                                          \
}

struct xsd_sockmsg {
    uint32_t type;   /* enum xsd_sockmsg_type */
    uint32_t req_id; /* chosen by the requester, echoed in the reply */
    uint32_t tx_id;  /* transaction id, 0 outside transactions */
    uint32_t len;    /* payload bytes that follow */
};
XEN_ABI_SIZE(xsd_sockmsg, 16);

/* Payload fields of XS_WATCH_EVENT. */
enum xs_watch_type {
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN
};

/*
 * The shared ring page: two 1 KiB byte rings with free-running indexes
 * (masked with MASK_XENSTORE_IDX), guest -> store in req, store -> guest
 * in rsp (replies and watch events).
 */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];
    char rsp[XENSTORE_RING_SIZE];
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features; /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;      /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
    uint32_t error;           /* XENSTORE_ERROR_* */
    uint32_t evtchn_port;     /* set by Xen for dom0less domains; 0: use INTRODUCE's */
};
typedef struct xenstore_domain_interface xenstore_domain_interface_t;
XEN_ABI_SIZE(xenstore_domain_interface, 2080);
XEN_ABI_OFFSET(xenstore_domain_interface, rsp, 1024);
XEN_ABI_OFFSET(xenstore_domain_interface, req_cons, 2048);
XEN_ABI_OFFSET(xenstore_domain_interface, rsp_prod, 2060);
XEN_ABI_OFFSET(xenstore_domain_interface, server_features, 2064);
XEN_ABI_OFFSET(xenstore_domain_interface, error, 2072);
XEN_ABI_OFFSET(xenstore_domain_interface, evtchn_port, 2076);

/* Largest payload; larger messages break the connection. */
#define XENSTORE_PAYLOAD_MAX 4096
/* Longest paths accepted (longer ones get an error). */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1 /* connection field works */
#define XENSTORE_SERVER_FEATURE_ERROR 2        /* error field works */
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH 4   /* WATCH takes a <depth> */
#define XENSTORE_SERVER_FEATURE_DOMID_ANY 8    /* DOMID_ANY in permissions */

#define XENSTORE_CONNECTED 0 /* normal operation */
#define XENSTORE_RECONNECT 1 /* the guest asked to reset the ring */

#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1    /* communication problem */
#define XENSTORE_ERROR_RINGIDX 2 /* bad ring index */
#define XENSTORE_ERROR_PROTO 3   /* protocol violation (e.g. too long) */

#endif /* XENITH_PUBLIC_IO_XS_WIRE_H */
