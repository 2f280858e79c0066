/*
 * sched.h - HYPERVISOR_sched_op(int cmd, void *arg).
 *
 * The legacy sched_op_compat(int cmd, unsigned long arg) knows yield,
 * block and shutdown only, taking the SHUTDOWN_* reason directly in arg.
 */
#ifndef XENITH_PUBLIC_SCHED_H
#define XENITH_PUBLIC_SCHED_H

#include "event_channel.h"

/* Give up the CPU. arg: NULL. */
#define SCHEDOP_yield 0
/*
 * Sleep until an event is pending. arg: NULL. Called with events masked,
 * it unmasks them and checks for pending events atomically with blocking,
 * so no wakeup is lost.
 */
#define SCHEDOP_block 1
/*
 * Stop the whole domain and tell the toolstack why. arg: IN struct
 * sched_shutdown. For SHUTDOWN_suspend, %edx (third argument) holds the
 * MFN of the start_info page; the call returns 1 if the suspend was
 * cancelled and 0 when resuming in a new domain.
 */
#define SCHEDOP_shutdown 2
/*
 * Wait until one of the given ports is pending or the timeout passes.
 * arg: IN struct sched_poll.
 */
#define SCHEDOP_poll 3
/* Shut down another domain (privileged). arg: IN struct sched_remote_shutdown. */
#define SCHEDOP_remote_shutdown 4
/* Record the reason reported when the domain later shuts down. arg: IN
 * struct sched_shutdown. */
#define SCHEDOP_shutdown_code 5
/*
 * Domain watchdog. arg: IN struct sched_watchdog.
 * id 0: create one firing after timeout seconds; returns its id.
 * id != 0, timeout 0: destroy it. id != 0, timeout != 0: re-arm it.
 */
#define SCHEDOP_watchdog 6
/* Pin the calling vCPU to one physical CPU (hardware domain only); a
 * negative pcpu undoes it. arg: IN struct sched_pin_override. */
#define SCHEDOP_pin_override 7

struct sched_shutdown {
    uint32_t reason; /* IN: SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
XEN_ABI_SIZE(sched_shutdown, 4);

struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports; /* IN: array of ports */
    uint32_t nr_ports;                     /* IN */
    xen_uint64_a4_t timeout;               /* IN: absolute system time, 0 = none */
};
typedef struct sched_poll sched_poll_t;
XEN_ABI_SIZE(sched_poll, 16);
XEN_ABI_OFFSET(sched_poll, nr_ports, 4);
XEN_ABI_OFFSET(sched_poll, timeout, 8);

struct sched_remote_shutdown {
    domid_t domain_id; /* IN */
    uint32_t reason;   /* IN: SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
XEN_ABI_SIZE(sched_remote_shutdown, 8);
XEN_ABI_OFFSET(sched_remote_shutdown, reason, 4);

struct sched_watchdog {
    uint32_t id;      /* IN: watchdog id (0: new) */
    uint32_t timeout; /* IN: seconds */
};
typedef struct sched_watchdog sched_watchdog_t;
XEN_ABI_SIZE(sched_watchdog, 8);

struct sched_pin_override {
    int32_t pcpu; /* IN */
};
typedef struct sched_pin_override sched_pin_override_t;
XEN_ABI_SIZE(sched_pin_override, 4);

/* Shutdown reasons, for the toolstack; the hypervisor does not act on them. */
#define SHUTDOWN_poweroff 0   /* exited normally: clean up */
#define SHUTDOWN_reboot 1     /* clean up and start again */
#define SHUTDOWN_suspend 2    /* save state, then clean up */
#define SHUTDOWN_crash 3      /* the guest crashed */
#define SHUTDOWN_watchdog 4   /* the watchdog expired */
#define SHUTDOWN_soft_reset 5 /* reset hypervisor state, keep memory */
#define SHUTDOWN_MAX 5

#endif /* XENITH_PUBLIC_SCHED_H */
