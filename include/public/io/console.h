/*
 * io/console.h - the PV console ring page shared by a guest and its
 * console backend (start_info.console.domU: MFN and event channel).
 *
 * Two byte rings with free-running 32-bit indexes; the byte for index i
 * is at ring[MASK_XENCONS_IDX(i, ring)]. The producer writes data, then a
 * write barrier, then prod; the consumer reads prod, a read barrier, the
 * data, then updates cons. Either side notifies the other through the
 * event channel after moving an index.
 */
#ifndef XENITH_PUBLIC_IO_CONSOLE_H
#define XENITH_PUBLIC_IO_CONSOLE_H

#include "../xen-abi.h"

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];  /* backend -> guest (keyboard input) */
    char out[2048]; /* guest -> backend (output) */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};
typedef struct xencons_interface xencons_interface_t;
XEN_ABI_SIZE(xencons_interface, 3088);
XEN_ABI_OFFSET(xencons_interface, out, 1024);
XEN_ABI_OFFSET(xencons_interface, in_cons, 3072);
XEN_ABI_OFFSET(xencons_interface, in_prod, 3076);
XEN_ABI_OFFSET(xencons_interface, out_cons, 3080);
XEN_ABI_OFFSET(xencons_interface, out_prod, 3084);

#endif /* XENITH_PUBLIC_IO_CONSOLE_H */
