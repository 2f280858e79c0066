/*
 * physdev.h - HYPERVISOR_physdev_op(int cmd, void *arg).
 *
 * Physical interrupts, I/O privilege and PCI device management, used by
 * dom0 (and driver domains). The legacy physdev_op_compat hypercall takes
 * a struct physdev_op.
 */
#ifndef XENITH_PUBLIC_PHYSDEV_H
#define XENITH_PUBLIC_PHYSDEV_H

#include "xen.h"

/* End of interrupt for a PIRQ. arg: IN struct physdev_eoi. */
#define PHYSDEVOP_eoi 12
struct physdev_eoi {
    uint32_t irq; /* IN */
};
typedef struct physdev_eoi physdev_eoi_t;
XEN_ABI_SIZE(physdev_eoi, 4);

/*
 * Register a guest frame used as a bitmap (indexed by PIRQ) of PIRQs that
 * need PHYSDEVOP_eoi. v1 also makes EOI unmask the event channel; v2 does
 * not. arg: IN struct physdev_pirq_eoi_gmfn.
 */
#define PHYSDEVOP_pirq_eoi_gmfn_v1 17
#define PHYSDEVOP_pirq_eoi_gmfn_v2 28
#define PHYSDEVOP_pirq_eoi_gmfn PHYSDEVOP_pirq_eoi_gmfn_v2
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn; /* IN */
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;
XEN_ABI_SIZE(physdev_pirq_eoi_gmfn, 4);

/* Query a PIRQ. arg: IN/OUT struct physdev_irq_status_query. */
#define PHYSDEVOP_irq_status_query 5
struct physdev_irq_status_query {
    uint32_t irq;   /* IN */
    uint32_t flags; /* OUT: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
XEN_ABI_SIZE(physdev_irq_status_query, 8);
#define _XENIRQSTAT_needs_eoi (0) /* call PHYSDEVOP_eoi after servicing */
#define XENIRQSTAT_needs_eoi (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared (1) /* shared with other domains */
#define XENIRQSTAT_shared (1U << _XENIRQSTAT_shared)

/* Set the calling vCPU's I/O privilege level. arg: IN struct physdev_set_iopl. */
#define PHYSDEVOP_set_iopl 6
struct physdev_set_iopl {
    uint32_t iopl; /* IN: 0..3 */
};
typedef struct physdev_set_iopl physdev_set_iopl_t;
XEN_ABI_SIZE(physdev_set_iopl, 4);

/* Set the calling vCPU's I/O port bitmap. arg: IN struct physdev_set_iobitmap. */
#define PHYSDEVOP_set_iobitmap 7
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8) bitmap; /* IN: one bit per port, 1 = denied */
    uint32_t nr_ports;              /* IN */
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;
XEN_ABI_SIZE(physdev_set_iobitmap, 8);

/* Read or write an IO-APIC register. arg: IN/OUT struct physdev_apic. */
#define PHYSDEVOP_apic_read 8
#define PHYSDEVOP_apic_write 9
struct physdev_apic {
    xen_ulong_t apic_physbase; /* IN */
    uint32_t reg;              /* IN */
    uint32_t value;            /* IN (write) or OUT (read) */
};
typedef struct physdev_apic physdev_apic_t;
XEN_ABI_SIZE(physdev_apic, 12);

/* Allocate or free a vector for an IRQ line. arg: IN/OUT struct physdev_irq. */
#define PHYSDEVOP_alloc_irq_vector 10
#define PHYSDEVOP_free_irq_vector 11
struct physdev_irq {
    uint32_t irq;    /* IN */
    uint32_t vector; /* IN (free) or OUT (alloc) */
};
typedef struct physdev_irq physdev_irq_t;
XEN_ABI_SIZE(physdev_irq, 8);

#define MAP_PIRQ_TYPE_MSI 0x0
#define MAP_PIRQ_TYPE_GSI 0x1
#define MAP_PIRQ_TYPE_UNKNOWN 0x2
#define MAP_PIRQ_TYPE_MSI_SEG 0x3
#define MAP_PIRQ_TYPE_MULTI_MSI 0x4

/* Map a GSI or MSI to a PIRQ of domid. arg: IN/OUT struct physdev_map_pirq. */
#define PHYSDEVOP_map_pirq 13
struct physdev_map_pirq {
    domid_t domid;  /* IN */
    int32_t type;   /* IN: MAP_PIRQ_TYPE_* */
    int32_t index;  /* IN: GSI, or MSI entry (ignored for MULTI_MSI) */
    int32_t pirq;   /* IN (wanted, or -1) / OUT (assigned) */
    int32_t bus;    /* IN: bits 31..16 segment for MSI_SEG/MULTI_MSI */
    int32_t devfn;  /* IN */
    int32_t entry_nr; /* IN; OUT for MULTI_MSI */
    xen_uint64_a4_t table_base; /* IN: MSI-X table address */
};
typedef struct physdev_map_pirq physdev_map_pirq_t;
/* table_base sits at 28: 4-aligned 64-bit field, 36 bytes on x86_32. */
XEN_ABI_SIZE(physdev_map_pirq, 36);
XEN_ABI_OFFSET(physdev_map_pirq, type, 4);
XEN_ABI_OFFSET(physdev_map_pirq, entry_nr, 24);
XEN_ABI_OFFSET(physdev_map_pirq, table_base, 28);

/* Undo map_pirq. arg: IN struct physdev_unmap_pirq. */
#define PHYSDEVOP_unmap_pirq 14
struct physdev_unmap_pirq {
    domid_t domid; /* IN */
    int32_t pirq;  /* IN */
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;
XEN_ABI_SIZE(physdev_unmap_pirq, 8);

/* Legacy PCI add/remove (segment 0). arg: IN struct physdev_manage_pci. */
#define PHYSDEVOP_manage_pci_add 15
#define PHYSDEVOP_manage_pci_remove 16
struct physdev_manage_pci {
    uint8_t bus;   /* IN */
    uint8_t devfn; /* IN */
};
typedef struct physdev_manage_pci physdev_manage_pci_t;
XEN_ABI_SIZE(physdev_manage_pci, 2);

/* Re-program a device's MSI after resume. arg: IN struct physdev_restore_msi. */
#define PHYSDEVOP_restore_msi 19
struct physdev_restore_msi {
    uint8_t bus;   /* IN */
    uint8_t devfn; /* IN */
};
typedef struct physdev_restore_msi physdev_restore_msi_t;
XEN_ABI_SIZE(physdev_restore_msi, 2);

/* Legacy PCI add with SR-IOV details. arg: IN struct physdev_manage_pci_ext. */
#define PHYSDEVOP_manage_pci_add_ext 20
struct physdev_manage_pci_ext {
    uint8_t bus;        /* IN */
    uint8_t devfn;      /* IN */
    uint32_t is_extfn;  /* IN */
    uint32_t is_virtfn; /* IN */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn; /* IN: the physical function of a virtual one */
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;
XEN_ABI_SIZE(physdev_manage_pci_ext, 16);
XEN_ABI_OFFSET(physdev_manage_pci_ext, physfn, 12);

/* Argument of the legacy physdev_op_compat hypercall. */
struct physdev_op {
    uint32_t cmd; /* PHYSDEVOP_* */
    union {
        struct physdev_irq_status_query irq_status_query;
        struct physdev_set_iopl set_iopl;
        struct physdev_set_iobitmap set_iobitmap;
        struct physdev_apic apic_op;
        struct physdev_irq irq_op;
    } u;
};
typedef struct physdev_op physdev_op_t;
XEN_ABI_SIZE(physdev_op, 16);

/* Set trigger mode and polarity of a GSI. arg: IN struct physdev_setup_gsi. */
#define PHYSDEVOP_setup_gsi 21
struct physdev_setup_gsi {
    int32_t gsi;        /* IN */
    uint8_t triggering; /* IN: 0 edge, 1 level */
    uint8_t polarity;   /* IN: 0 high, 1 low */
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;
XEN_ABI_SIZE(physdev_setup_gsi, 8);

/* 22 is left free. */

/* Return a free PIRQ. arg: IN/OUT struct physdev_get_free_pirq. */
#define PHYSDEVOP_get_free_pirq 23
struct physdev_get_free_pirq {
    int32_t type;  /* IN: MAP_PIRQ_TYPE_GSI or MAP_PIRQ_TYPE_MSI */
    uint32_t pirq; /* OUT */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;
XEN_ABI_SIZE(physdev_get_free_pirq, 8);

/* Report an MMCONFIG area dom0 found reserved. arg: IN struct physdev_pci_mmcfg_reserved. */
#define XEN_PCI_MMCFG_RESERVED 0x1
#define PHYSDEVOP_pci_mmcfg_reserved 24
struct physdev_pci_mmcfg_reserved {
    xen_uint64_a4_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags; /* XEN_PCI_MMCFG_* */
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;
XEN_ABI_SIZE(physdev_pci_mmcfg_reserved, 16);

/* Announce a PCI device. arg: IN struct physdev_pci_device_add. */
#define XEN_PCI_DEV_EXTFN 0x1
#define XEN_PCI_DEV_VIRTFN 0x2
#define XEN_PCI_DEV_PXM 0x4
#define PHYSDEVOP_pci_device_add 25
struct physdev_pci_device_add {
    uint16_t seg;   /* IN */
    uint8_t bus;    /* IN */
    uint8_t devfn;  /* IN */
    uint32_t flags; /* IN: XEN_PCI_DEV_* */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn; /* IN: with XEN_PCI_DEV_VIRTFN */
    /* IN: optional values; [0] is the proximity domain with XEN_PCI_DEV_PXM. */
    uint32_t optarr[XEN_FLEX_ARRAY_DIM];
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;
XEN_ABI_SIZE(physdev_pci_device_add, 12);
XEN_ABI_OFFSET(physdev_pci_device_add, physfn, 8);
XEN_ABI_OFFSET(physdev_pci_device_add, optarr, 12);

/*
 * Operations on one PCI device: remove it, restore its MSI, and (dom0)
 * announce that its MSI-X MMIO will not (prepare) or may (release) change.
 * arg: IN struct physdev_pci_device.
 */
#define PHYSDEVOP_pci_device_remove 26
#define PHYSDEVOP_restore_msi_ext 27
#define PHYSDEVOP_prepare_msix 30
#define PHYSDEVOP_release_msix 31
struct physdev_pci_device {
    uint16_t seg;  /* IN */
    uint8_t bus;   /* IN */
    uint8_t devfn; /* IN */
};
typedef struct physdev_pci_device physdev_pci_device_t;
XEN_ABI_SIZE(physdev_pci_device, 4);

/* USB debug port reset notification. arg: IN struct physdev_dbgp_op. */
#define PHYSDEVOP_DBGP_RESET_PREPARE 1
#define PHYSDEVOP_DBGP_RESET_DONE 2
#define PHYSDEVOP_DBGP_BUS_UNKNOWN 0
#define PHYSDEVOP_DBGP_BUS_PCI 1
#define PHYSDEVOP_dbgp_op 29
struct physdev_dbgp_op {
    uint8_t op;  /* IN: PHYSDEVOP_DBGP_RESET_* */
    uint8_t bus; /* IN: PHYSDEVOP_DBGP_BUS_* */
    union {
        struct physdev_pci_device pci;
    } u;
};
typedef struct physdev_dbgp_op physdev_dbgp_op_t;
XEN_ABI_SIZE(physdev_dbgp_op, 6);

/* Obsolete since interface 0x00030202 (not supported). */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY 4

#endif /* XENITH_PUBLIC_PHYSDEV_H */
