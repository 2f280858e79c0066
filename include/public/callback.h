/*
 * callback.h - HYPERVISOR_callback_op(int cmd, void *arg).
 */
#ifndef XENITH_PUBLIC_CALLBACK_H
#define XENITH_PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event 0    /* event-channel upcall */
#define CALLBACKTYPE_failsafe 1 /* the hypervisor could not restore state */
#define CALLBACKTYPE_syscall 2  /* x86_64 guests only */
/* x86_32 with supervisor_mode_kernel only; not for new code. */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi 4      /* NMI delivery */
#define CALLBACKTYPE_sysenter 5 /* not available to x86_32 PV kernels */
#define CALLBACKTYPE_syscall32 7 /* 64-bit hypervisor, AMD CPUs */

/*
 * Mask events while the callback runs. Ignored for the event and NMI
 * callbacks, which always run with events masked.
 */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events (1U << _CALLBACKF_mask_events)

/* Register a callback. arg: IN struct callback_register. */
#define CALLBACKOP_register 0
struct callback_register {
    uint16_t type;          /* CALLBACKTYPE_* */
    uint16_t flags;         /* CALLBACKF_* */
    xen_callback_t address; /* CS:EIP */
};
typedef struct callback_register callback_register_t;
XEN_ABI_SIZE(callback_register, 12);
XEN_ABI_OFFSET(callback_register, address, 4);

/* Unregister a callback (-EINVAL for types that cannot be unregistered).
 * arg: IN struct callback_unregister. */
#define CALLBACKOP_unregister 1
struct callback_unregister {
    uint16_t type; /* CALLBACKTYPE_* */
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
XEN_ABI_SIZE(callback_unregister, 4);

#endif /* XENITH_PUBLIC_CALLBACK_H */
