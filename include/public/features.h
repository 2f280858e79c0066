/*
 * Feature bits reported by XENVER_get_features (one 32-bit submap today) and
 * named, without the XENFEAT_ prefix, in a kernel's FEATURES ELF note.
 * Numbers from Xen's public/features.h.
 */
#ifndef XENITH_PUBLIC_FEATURES_H
#define XENITH_PUBLIC_FEATURES_H

/* Guest may write its page tables directly (the hypervisor emulates). */
#define XENFEAT_writable_page_tables 0
/* Guest may write its descriptor tables directly. */
#define XENFEAT_writable_descriptor_tables 1
/* The hypervisor translates pseudo-physical to machine addresses. */
#define XENFEAT_auto_translated_physmap 2
/* Guest kernel runs in ring 0. */
#define XENFEAT_supervisor_mode_kernel 3
/* PAE page directories (L3) need not be below 4 GiB. */
#define XENFEAT_pae_pgdir_above_4gb 4
/* MMU_PT_UPDATE_PRESERVE_AD is available. */
#define XENFEAT_mmu_pt_update_preserve_ad 5
/* MMUEXT_{CLEAR,COPY}_PAGE are available. */
#define XENFEAT_highmem_assist 6
/* GNTTABOP_map_grant_ref honours the guest-available PTE bits. */
#define XENFEAT_gnttab_map_avail_bits 7
/* HVM: callback vector delivery. */
#define XENFEAT_hvm_callback_vector 8
/* HVM: pvclock is safe to use. */
#define XENFEAT_hvm_safe_pvclock 9
/* HVM: PIRQs are delivered as event channels. */
#define XENFEAT_hvm_pirqs 10
/* The domain is the initial (control) domain. */
#define XENFEAT_dom0 11
/* 12 was XENFEAT_grant_map_identity, withdrawn. */
/* XENMEM_get_vnumainfo is available. */
#define XENFEAT_memory_op_vnode_supported 13
/* ARM: SMC calling convention available. */
#define XENFEAT_ARM_SMCCC_supported 14
/* x86 PVH: the ACPI RSDP may sit above 1 MiB. */
#define XENFEAT_linux_rsdp_unrestricted 15
/* Local pages are not mapped gfn == mfn / are mapped gfn == mfn. */
#define XENFEAT_not_direct_mapped 16
#define XENFEAT_direct_mapped 17
/* VCPUOP_register_runstate_phys_area / _vcpu_time_phys_area available. */
#define XENFEAT_runstate_phys_area 18
#define XENFEAT_vcpu_time_phys_area 19

/* Number of 32-bit submaps XENVER_get_features can report. */
#define XENFEAT_NR_SUBMAPS 1

#endif /* XENITH_PUBLIC_FEATURES_H */
