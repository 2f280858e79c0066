/*
 * vcpu.h - HYPERVISOR_vcpu_op(int cmd, unsigned vcpuid, void *arg).
 */
#ifndef XENITH_PUBLIC_VCPU_H
#define XENITH_PUBLIC_VCPU_H

#include "xen.h"

/*
 * Set the initial state of a vCPU that was never initialised.
 * arg: IN struct vcpu_guest_context. The vCPU stays down until VCPUOP_up.
 */
#define VCPUOP_initialise 0
/* Make an initialised vCPU runnable. arg: NULL. */
#define VCPUOP_up 1
/*
 * Make a vCPU non-runnable. arg: NULL. Asynchronous unless called by the
 * vCPU itself; the vCPU keeps its page-table and GDT references.
 */
#define VCPUOP_down 2
/* Returns 1 if the vCPU is up, 0 if not. arg: NULL. */
#define VCPUOP_is_up 3

/* Read a vCPU's scheduling statistics. arg: OUT struct vcpu_runstate_info. */
#define VCPUOP_get_runstate_info 4
struct vcpu_runstate_info {
    int32_t state;                    /* RUNSTATE_* */
    /* System time (ns) of the last change; with VMASST_TYPE_runstate_update_flag
     * bit 63 (XEN_RUNSTATE_UPDATE) is set in the guest's copy while it changes. */
    xen_uint64_a4_t state_entry_time;
    /* ns spent in each RUNSTATE_*; their sum tracks system time. */
    xen_uint64_a4_t time[4];
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
/* On x86_32 the 64-bit fields are only 4-aligned: 44 bytes, not 48. */
XEN_ABI_SIZE(vcpu_runstate_info, 44);
XEN_ABI_OFFSET(vcpu_runstate_info, state_entry_time, 4);
XEN_ABI_OFFSET(vcpu_runstate_info, time, 12);
XEN_ABI_ALIGN(vcpu_runstate_info, 4);

#define XEN_RUNSTATE_UPDATE (1ULL << 63)

#define RUNSTATE_running 0  /* on a physical CPU */
#define RUNSTATE_runnable 1 /* waiting for a physical CPU */
#define RUNSTATE_blocked 2  /* waiting for an event */
#define RUNSTATE_offline 3  /* down, paused, or otherwise not runnable */

/*
 * Ask the hypervisor to keep a copy of the vCPU's runstate at a guest
 * virtual address, refreshed whenever the vCPU is scheduled.
 * arg: IN struct vcpu_register_runstate_memory_area.
 */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h; /* guest virtual address */
        xen_uint64_a4_t p;                        /* keeps the union 8 bytes */
    } addr;
};
typedef struct vcpu_register_runstate_memory_area
    vcpu_register_runstate_memory_area_t;
XEN_ABI_SIZE(vcpu_register_runstate_memory_area, 8);

/* Periodic timer (VIRQ_TIMER every period_ns; under 1 ms may be refused). */
#define VCPUOP_set_periodic_timer 6  /* arg: IN struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer 7 /* arg: NULL */
struct vcpu_set_periodic_timer {
    xen_uint64_a4_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
XEN_ABI_SIZE(vcpu_set_periodic_timer, 8);

/* One-shot timer (VIRQ_TIMER at an absolute system time). */
#define VCPUOP_set_singleshot_timer 8  /* arg: IN struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9 /* arg: NULL */
struct vcpu_set_singleshot_timer {
    xen_uint64_a4_t timeout_abs_ns; /* system time, ns */
    uint32_t flags;                 /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
XEN_ABI_SIZE(vcpu_set_singleshot_timer, 12);
XEN_ABI_OFFSET(vcpu_set_singleshot_timer, flags, 8);
/* Fail with -ETIME instead of firing at once if the time has passed. */
#define _VCPU_SSHOTTMR_future (0)
#define VCPU_SSHOTTMR_future (1U << _VCPU_SSHOTTMR_future)

/*
 * Move the vCPU's vcpu_info out of shared_info to a guest frame (once per
 * vCPU; the 64 bytes must not cross a page).
 * arg: IN struct vcpu_register_vcpu_info.
 */
#define VCPUOP_register_vcpu_info 10
struct vcpu_register_vcpu_info {
    xen_uint64_a4_t mfn; /* frame holding the new vcpu_info */
    uint32_t offset;     /* byte offset inside that frame */
    uint32_t rsvd;       /* must be 0 */
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
XEN_ABI_SIZE(vcpu_register_vcpu_info, 16);
XEN_ABI_OFFSET(vcpu_register_vcpu_info, offset, 8);

/* Send an NMI to the vCPU. arg: NULL. */
#define VCPUOP_send_nmi 11

/*
 * Physical CPU identity of a pinned vCPU (x86: bits 31..0 APIC id, 63..32
 * ACPI id). arg: OUT struct vcpu_get_physid; -EINVAL if not meaningful.
 */
#define VCPUOP_get_physid 12
struct vcpu_get_physid {
    xen_uint64_a4_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
XEN_ABI_SIZE(vcpu_get_physid, 8);
#define xen_vcpu_physid_to_x86_apicid(physid) XEN_CAST(uint32_t, physid)
#define xen_vcpu_physid_to_x86_acpiid(physid) XEN_CAST(uint32_t, (physid) >> 32)

/*
 * Keep a second copy of the vCPU's vcpu_time_info at a guest address
 * (e.g. for user-space clocks). arg: IN struct vcpu_register_time_memory_area.
 */
#define VCPUOP_register_vcpu_time_memory_area 13
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        xen_uint64_a4_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
XEN_ABI_SIZE(vcpu_register_time_memory_area, 8);

#endif /* XENITH_PUBLIC_VCPU_H */
