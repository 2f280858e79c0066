/*
 * event_channel.h - HYPERVISOR_event_channel_op(int cmd, void *arg).
 *
 * arg points to the structure of the sub-op. The legacy hypercall
 * event_channel_op_compat takes a struct evtchn_op instead.
 */
#ifndef XENITH_PUBLIC_EVENT_CHANNEL_H
#define XENITH_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13
#define EVTCHNOP_reset_cont 14

typedef uint32_t evtchn_port_t;

/*
 * alloc_unbound: make a fresh port in dom that remote_dom may connect to.
 * Unprivileged callers must pass DOMID_SELF as dom; remote_dom may be
 * DOMID_SELF (loopback).
 */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom; /* IN */
    evtchn_port_t port;      /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;
XEN_ABI_SIZE(evtchn_alloc_unbound, 8);
XEN_ABI_OFFSET(evtchn_alloc_unbound, port, 4);

/*
 * bind_interdomain: connect a fresh local port to <remote_dom,remote_port>,
 * which must be unbound and accept the caller.
 */
struct evtchn_bind_interdomain {
    domid_t remote_dom;        /* IN */
    evtchn_port_t remote_port; /* IN */
    evtchn_port_t local_port;  /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;
XEN_ABI_SIZE(evtchn_bind_interdomain, 12);
XEN_ABI_OFFSET(evtchn_bind_interdomain, remote_port, 4);

/* bind_virq: bind VIRQ virq on vCPU vcpu to a fresh port (fixed vCPU). */
struct evtchn_bind_virq {
    uint32_t virq;      /* IN: VIRQ_* */
    uint32_t vcpu;      /* IN */
    evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;
XEN_ABI_SIZE(evtchn_bind_virq, 12);

/* bind_pirq: bind a physical IRQ to a fresh port (privileged). */
struct evtchn_bind_pirq {
    uint32_t pirq; /* IN */
#define BIND_PIRQ__WILL_SHARE 1
    uint32_t flags;     /* IN: BIND_PIRQ__* */
    evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;
XEN_ABI_SIZE(evtchn_bind_pirq, 12);

/* bind_ipi: a fresh port for events to vCPU vcpu of the caller. */
struct evtchn_bind_ipi {
    uint32_t vcpu;      /* IN */
    evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;
XEN_ABI_SIZE(evtchn_bind_ipi, 8);

/* close: free a port; an interdomain peer goes back to unbound. */
struct evtchn_close {
    evtchn_port_t port; /* IN */
};
typedef struct evtchn_close evtchn_close_t;
XEN_ABI_SIZE(evtchn_close, 4);

/* send: raise an event at the other end of a local port. */
struct evtchn_send {
    evtchn_port_t port; /* IN */
};
typedef struct evtchn_send evtchn_send_t;
XEN_ABI_SIZE(evtchn_send, 4);

/* status: describe <dom,port> (dom other than DOMID_SELF: privileged). */
struct evtchn_status {
    domid_t dom;        /* IN */
    evtchn_port_t port; /* IN */
#define EVTCHNSTAT_closed 0      /* not in use */
#define EVTCHNSTAT_unbound 1     /* waiting for an interdomain peer */
#define EVTCHNSTAT_interdomain 2 /* connected to a remote domain */
#define EVTCHNSTAT_pirq 3        /* bound to a physical IRQ */
#define EVTCHNSTAT_virq 4        /* bound to a VIRQ */
#define EVTCHNSTAT_ipi 5         /* bound to an IPI */
    uint32_t status; /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;   /* OUT: vCPU notified */
    union {
        struct {
            domid_t dom;
        } unbound; /* EVTCHNSTAT_unbound: who may connect */
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain; /* EVTCHNSTAT_interdomain: the peer */
        uint32_t pirq; /* EVTCHNSTAT_pirq */
        uint32_t virq; /* EVTCHNSTAT_virq */
    } u;               /* OUT */
};
typedef struct evtchn_status evtchn_status_t;
XEN_ABI_SIZE(evtchn_status, 24);
XEN_ABI_OFFSET(evtchn_status, status, 8);
XEN_ABI_OFFSET(evtchn_status, vcpu, 12);
XEN_ABI_OFFSET(evtchn_status, u, 16);

/*
 * bind_vcpu: choose the vCPU notified for port. VIRQ and IPI ports keep
 * the vCPU they were bound on; other ports start on vCPU 0.
 */
struct evtchn_bind_vcpu {
    evtchn_port_t port; /* IN */
    uint32_t vcpu;      /* IN */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;
XEN_ABI_SIZE(evtchn_bind_vcpu, 8);

/* unmask: clear the mask bit and deliver the event if it is pending. */
struct evtchn_unmask {
    evtchn_port_t port; /* IN */
};
typedef struct evtchn_unmask evtchn_unmask_t;
XEN_ABI_SIZE(evtchn_unmask, 4);

/* reset: close every port of dom (other than DOMID_SELF: privileged). */
struct evtchn_reset {
    domid_t dom; /* IN */
};
typedef struct evtchn_reset evtchn_reset_t;
XEN_ABI_SIZE(evtchn_reset, 2);

/* init_control: switch to the FIFO ABI (Xenith implements 2-level only). */
struct evtchn_init_control {
    xen_uint64_a4_t control_gfn; /* IN */
    uint32_t offset;             /* IN */
    uint32_t vcpu;               /* IN */
    uint8_t link_bits;           /* OUT */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;
XEN_ABI_SIZE(evtchn_init_control, 24);
XEN_ABI_OFFSET(evtchn_init_control, link_bits, 16);

/* expand_array: FIFO ABI, add an event array page. */
struct evtchn_expand_array {
    xen_uint64_a4_t array_gfn; /* IN */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;
XEN_ABI_SIZE(evtchn_expand_array, 8);

/* set_priority: FIFO ABI, set a port's priority. */
struct evtchn_set_priority {
    evtchn_port_t port; /* IN */
    uint32_t priority;  /* IN */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;
XEN_ABI_SIZE(evtchn_set_priority, 8);

/* Argument of the legacy event_channel_op_compat hypercall. */
struct evtchn_op {
    uint32_t cmd; /* EVTCHNOP_* */
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_bind_pirq bind_pirq;
        struct evtchn_bind_ipi bind_ipi;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_status status;
        struct evtchn_bind_vcpu bind_vcpu;
        struct evtchn_unmask unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;
XEN_ABI_SIZE(evtchn_op, 28);
XEN_ABI_OFFSET(evtchn_op, u, 4);

/* 2-level ABI: one pending and one mask bit per port in shared_info. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)
#define NR_EVENT_CHANNELS EVTCHN_2L_NR_CHANNELS

/* FIFO ABI constants (for completeness). */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)
typedef uint32_t event_word_t;
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED 30
#define EVTCHN_FIFO_LINKED 29
#define EVTCHN_FIFO_BUSY 28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    event_word_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;
XEN_ABI_SIZE(evtchn_fifo_control_block, 72);

#endif /* XENITH_PUBLIC_EVENT_CHANNEL_H */
