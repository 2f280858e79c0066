/*
 * features.h - bits of the feature map returned by XENVER_get_features.
 * Each number is a bit index into the map (submap_idx = bit / 32).
 */
#ifndef XENITH_PUBLIC_FEATURES_H
#define XENITH_PUBLIC_FEATURES_H

/* Guest may write its page tables directly (no need to map them R/O). */
#define XENFEAT_writable_page_tables 0
/* Guest may write its GDT/LDT directly. */
#define XENFEAT_writable_descriptor_tables 1
/* The hypervisor translates guest frames: no p2m/m2p work for the guest. */
#define XENFEAT_auto_translated_physmap 2
/* Guest kernel runs in ring 0. */
#define XENFEAT_supervisor_mode_kernel 3
/* PAE page directories may be above 4 GiB. */
#define XENFEAT_pae_pgdir_above_4gb 4
/* MMU_PT_UPDATE_PRESERVE_AD is available. */
#define XENFEAT_mmu_pt_update_preserve_ad 5
/* MMUEXT_CLEAR_PAGE and MMUEXT_COPY_PAGE are available. */
#define XENFEAT_highmem_assist 6
/* GNTTABOP_map_grant_ref honours GNTMAP_guest_avail bits. */
#define XENFEAT_gnttab_map_avail_bits 7
/* HVM: event delivery by callback vector. */
#define XENFEAT_hvm_callback_vector 8
/* HVM: the PV clock algorithm is safe. */
#define XENFEAT_hvm_safe_pvclock 9
/* HVM: PIRQs are usable. */
#define XENFEAT_hvm_pirqs 10
/* Running as dom0 is supported. */
#define XENFEAT_dom0 11
/* 12 (grant_map_identity) is retired. */
/* XENMEMF_vnode is accepted by memory_op. */
#define XENFEAT_memory_op_vnode_supported 13
/* ARM: SMC calling convention supported. */
#define XENFEAT_ARM_SMCCC_supported 14
/* PVH: the ACPI RSDP may be anywhere. */
#define XENFEAT_linux_rsdp_unrestricted 15

#define XENFEAT_NR_SUBMAPS 1

#endif /* XENITH_PUBLIC_FEATURES_H */
