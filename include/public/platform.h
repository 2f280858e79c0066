/*
 * platform.h - HYPERVISOR_platform_op(struct xen_platform_op *op), the
 * hardware-platform operations of the initial domain (privileged).
 *
 * Xenith implements the time setting; the other commands are listed so
 * that a dom0 kernel's boot-time calls can be recognised and refused
 * with -ENOSYS.
 */
#ifndef XENITH_PUBLIC_PLATFORM_H
#define XENITH_PUBLIC_PLATFORM_H

#include "xen.h"

/* op->interface_version must be this, else -EACCES. */
#define XENPF_INTERFACE_VERSION 0x03000001

/*
 * Set the wall clock so that it read <secs,nsecs> since 1970-01-01 00:00
 * UTC when system time was system_time. IN only.
 */
#define XENPF_settime32 17
struct xenpf_settime32 {
    uint32_t secs;                /* IN */
    uint32_t nsecs;               /* IN */
    xen_uint64_a4_t system_time;  /* IN */
};
typedef struct xenpf_settime32 xenpf_settime32_t;
XEN_ABI_SIZE(xenpf_settime32, 16);
XEN_ABI_OFFSET(xenpf_settime32, system_time, 8);

#define XENPF_settime64 62
struct xenpf_settime64 {
    xen_uint64_a4_t secs;        /* IN */
    uint32_t nsecs;              /* IN */
    uint32_t mbz;                /* must be 0 */
    xen_uint64_a4_t system_time; /* IN */
};
typedef struct xenpf_settime64 xenpf_settime64_t;
XEN_ABI_SIZE(xenpf_settime64, 24);
XEN_ABI_OFFSET(xenpf_settime64, nsecs, 8);
XEN_ABI_OFFSET(xenpf_settime64, system_time, 16);

/* The interface version selects which one plain "settime" names. */
#if __XEN_INTERFACE_VERSION__ < 0x00040600
#define XENPF_settime XENPF_settime32
#define xenpf_settime xenpf_settime32
#else
#define XENPF_settime XENPF_settime64
#define xenpf_settime xenpf_settime64
#endif
typedef struct xenpf_settime xenpf_settime_t;

/*
 * Boot firmware information for the initial domain. IN type, index; OUT the
 * member of u that type names. -ESRCH when the firmware gave no such entry.
 */
#define XENPF_firmware_info 50
#define XEN_FW_DISK_INFO 1          /* int 13h AH=08/41/48 */
#define XEN_FW_DISK_MBR_SIGNATURE 2 /* MBR offset 0x1b8 */
#define XEN_FW_VBEDDC_INFO 3        /* int 10h AX=4F15 */
#define XEN_FW_EFI_INFO 4           /* EFI; -ENOSYS when not booted from EFI */
#define XEN_FW_KBD_SHIFT_FLAGS 5    /* int 16h AH=02: keyboard shift flags */
struct xenpf_firmware_info {
    uint32_t type;  /* IN: XEN_FW_* */
    uint32_t index; /* IN */
    union {
        struct {
            uint8_t device;
            uint8_t version;
            uint16_t interface_support;
            uint16_t legacy_max_cylinder;
            uint8_t legacy_max_head;
            uint8_t legacy_sectors_per_track;
            XEN_GUEST_HANDLE(void) edd_params;
        } disk_info;
        struct {
            uint8_t device;
            uint32_t mbr_signature;
        } disk_mbr_signature;
        struct {
            uint8_t capabilities;
            uint8_t edid_transfer_time;
            XEN_GUEST_HANDLE(uint8) edid;
        } vbeddc_info;
        uint8_t kbd_shift_flags;
    } u; /* OUT */
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;
XEN_ABI_OFFSET(xenpf_firmware_info, u, 8);

/*
 * A physical CPU's identity. IN xen_cpuid; OUT the rest. A CPU that is not
 * present gets XEN_PCPU_FLAGS_INVALID.
 */
#define XENPF_get_cpuinfo 55
#define XEN_PCPU_FLAGS_ONLINE 1
#define XEN_PCPU_FLAGS_INVALID 2
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;   /* IN */
    uint32_t max_present; /* OUT: the highest present CPU's id */
    uint32_t flags;       /* OUT: XEN_PCPU_FLAGS_* */
    uint32_t apic_id;     /* OUT */
    uint32_t acpi_id;     /* OUT */
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;
XEN_ABI_SIZE(xenpf_pcpuinfo, 20);

/* Other commands (not implemented by Xenith). */
#define XENPF_add_memtype 31
#define XENPF_del_memtype 32
#define XENPF_read_memtype 33
#define XENPF_microcode_update 35
#define XENPF_platform_quirk 39
#define XENPF_efi_runtime_call 49
#define XENPF_enter_acpi_sleep 51
#define XENPF_change_freq 52
#define XENPF_getidletime 53
#define XENPF_set_processor_pminfo 54
#define XENPF_core_parking 60
#define XENPF_get_symbol 63

/* The envelope: command, version, and a 128-byte argument area. */
#define XENPF_ARG_BYTES 128
struct xen_platform_op {
    uint32_t cmd;               /* XENPF_* */
    uint32_t interface_version; /* XENPF_INTERFACE_VERSION */
    union {
        struct xenpf_settime32 settime32;
        struct xenpf_settime64 settime64;
        struct xenpf_firmware_info firmware_info;
        struct xenpf_pcpuinfo pcpu_info;
        uint8_t pad[XENPF_ARG_BYTES];
        /* Some of Xen's argument structures are 8-aligned. */
        xen_uint64_aligned_t align;
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
XEN_ABI_SIZE(xen_platform_op, 136);
XEN_ABI_OFFSET(xen_platform_op, interface_version, 4);
XEN_ABI_OFFSET(xen_platform_op, u, 8);
XEN_ABI_ALIGN(xen_platform_op, 8);

#endif /* XENITH_PUBLIC_PLATFORM_H */
