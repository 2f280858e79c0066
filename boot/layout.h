/* Hypervisor virtual memory layout (x86_32 PAE). Shared by assembly and C++.
 *
 * The guest ABI fixes HYPERVISOR_VIRT_START at 0xF5800000 (xen.h, arch-x86_32):
 * everything above belongs to the hypervisor and occupies L2 slots 428..511 of
 * the L2 table that L3 slot 3 points to. Those L2 entries are written once at
 * boot and then copied verbatim into every guest's top-level L2, so they must
 * never change afterwards; only the L1 tables below them may.
 *
 *   0xF5800000 - 0xF6800000  machine-to-phys table (16 MiB, read-only to guests)
 *   0xF6800000 - 0xFA800000  frame table (64 MiB: 16-byte descriptor per frame,
 *                            covers 16 GiB of machine memory)
 *   0xFA800000 - 0xFAC00000  per-domain area (GDT/LDT shadows), 4 MiB
 *   0xFAC00000 - 0xFB000000  map cache: temporary per-CPU frame mappings, 4 MiB
 *   0xFB000000 - 0xFB400000  I/O remap (APIC, IO-APIC, ACPI tables), 4 MiB
 *   0xFB400000 - 0xFB800000  per-CPU LDT windows: 64 KiB (16 pages, the
 *                            largest LDT) for each of up to 64 CPUs
 *   0xFB800000 - 0xFFFFFFFF  direct map of machine memory 0 - 72 MiB; the
 *                            hypervisor image is linked into it at 1 MiB.
 */
#ifndef XENITH_BOOT_LAYOUT_H
#define XENITH_BOOT_LAYOUT_H

#define HV_VIRT_START        0xF5800000
#define HV_M2P_START         0xF5800000
#define HV_M2P_END           0xF6800000
#define HV_FRAMETABLE_START  0xF6800000
#define HV_FRAMETABLE_END    0xFA800000
#define HV_PERDOMAIN_START   0xFA800000
#define HV_PERDOMAIN_END     0xFAC00000
#define HV_MAPCACHE_START    0xFAC00000
#define HV_MAPCACHE_END      0xFB000000
#define HV_IOREMAP_START     0xFB000000
#define HV_IOREMAP_END       0xFB400000
#define HV_LDT_START         0xFB400000
#define HV_LDT_END           0xFB800000
#define HV_DIRECTMAP_START   0xFB800000
#define HV_DIRECTMAP_SIZE    0x04800000
#define HV_IMAGE_PHYS        0x00100000

/* First L2 slot (within the L2 mapping 0xC0000000-0xFFFFFFFF) the hypervisor
 * owns: (0xF5800000 - 0xC0000000) >> 21. */
#define HV_FIRST_L2_SLOT     428
#define HV_DIRECTMAP_L2_SLOT 476

#endif
