/*
 * io/ring.h - layout of the shared request/response rings of split drivers.
 *
 * A shared ring page starts with a 64-byte header, followed by an array of
 * entries, each a union of one request and one response. The number of
 * entries is the largest power of two that fits in the rest of the page,
 * so free-running 32-bit indexes can be masked with (entries - 1).
 *
 * The front end produces requests (req_prod) and consumes responses; the
 * back end does the opposite. The *_event fields implement notification
 * hold-off: a side that publishes index range (old, new] must notify the
 * other when the other's event index lies in that range; see
 * XEN_RING_NEED_NOTIFY. Before sleeping, a consumer sets the event index
 * to (its consumer index + 1), issues a full barrier and checks once more.
 */
#ifndef XENITH_PUBLIC_IO_RING_H
#define XENITH_PUBLIC_IO_RING_H

#include "../xen-abi.h"

typedef uint32_t RING_IDX;

/* The header every shared ring page starts with. */
struct xen_sring_header {
    RING_IDX req_prod, req_event; /* request producer index and event */
    RING_IDX rsp_prod, rsp_event; /* response producer index and event */
    uint8_t pvt[4];               /* private to some drivers (netif) */
    uint8_t __pad[44];            /* header is 64 bytes */
};
XEN_ABI_SIZE(xen_sring_header, 64);
XEN_ABI_OFFSET(xen_sring_header, req_event, 4);
XEN_ABI_OFFSET(xen_sring_header, rsp_prod, 8);
XEN_ABI_OFFSET(xen_sring_header, rsp_event, 12);
XEN_ABI_OFFSET(xen_sring_header, pvt, 16);

#define XEN_SRING_HEADER_BYTES 64
/* Initial values written by the front end (indexes 0, events 1). */
#define XEN_SRING_INITIAL_EVENT 1

/*
 * Largest power of two <= x, for a 32-bit constant x >= 1, as a constant
 * expression: smear the top bit right, then keep it.
 */
#define XEN_RING_SMEAR1(x) ((x) | ((x) >> 1))
#define XEN_RING_SMEAR2(x) (XEN_RING_SMEAR1(x) | (XEN_RING_SMEAR1(x) >> 2))
#define XEN_RING_SMEAR4(x) (XEN_RING_SMEAR2(x) | (XEN_RING_SMEAR2(x) >> 4))
#define XEN_RING_SMEAR8(x) (XEN_RING_SMEAR4(x) | (XEN_RING_SMEAR4(x) >> 8))
#define XEN_RING_SMEAR16(x) (XEN_RING_SMEAR8(x) | (XEN_RING_SMEAR8(x) >> 16))
#define XEN_RING_POW2_FLOOR(x) \
    (XEN_RING_SMEAR16(x) - (XEN_RING_SMEAR16(x) >> 1))

/* Entries of a ring of entry_bytes-sized entries in ring_bytes of memory. */
#define XEN_RING_ENTRIES(ring_bytes, entry_bytes) \
    XEN_RING_POW2_FLOOR(((ring_bytes) - XEN_SRING_HEADER_BYTES) / (entry_bytes))

/*
 * After publishing (old_prod, new_prod], must the other side be notified,
 * given its event index? True when event lies in that range (mod 2^32).
 */
#define XEN_RING_NEED_NOTIFY(new_prod, old_prod, event)            \
    (XEN_CAST(RING_IDX, (new_prod) - (event)) <                    \
     XEN_CAST(RING_IDX, (new_prod) - (old_prod)))

/*
 * DEFINE_RING_TYPES(name, req_t, rsp_t) declares union name##_sring_entry
 * and struct name##_sring: the shared page layout, with the entries as a
 * trailing array.
 */
#define DEFINE_RING_TYPES(name, req_t, rsp_t)                       \
    union name##_sring_entry {                                      \
        req_t req;                                                  \
        rsp_t rsp;                                                  \
    };                                                              \
    struct name##_sring {                                           \
        RING_IDX req_prod, req_event;                               \
        RING_IDX rsp_prod, rsp_event;                               \
        uint8_t pvt[4];                                             \
        uint8_t __pad[44];                                          \
        union name##_sring_entry ring[XEN_FLEX_ARRAY_DIM];          \
    };                                                              \
    typedef struct name##_sring name##_sring_t

#endif /* XENITH_PUBLIC_IO_RING_H */
