// Pins the guest-visible ABI (xen-3.0-x86_32p) from the host side: the
// headers are compiled for x86_64 here, and every size and offset must
// still be the x86_32 one the guest sees. Values are Xen's x86_32 layout,
// computed from the field lists of Xen's public headers.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <gtest/gtest.h>

#include "public/callback.h"
#include "public/domctl.h"
#include "public/sysctl.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/io/console.h"
#include "public/io/ring.h"
#include "public/io/xs_wire.h"
#include "public/memory.h"
#include "public/physdev.h"
#include "public/platform.h"
#include "public/sched.h"
#include "public/vcpu.h"
#include "public/version.h"
#include "public/xen.h"

namespace {

TEST(PublicAbiTest, StartOfDayStructuresHaveX86_32Layout) {
    EXPECT_EQ(sizeof(start_info), 1112u);
    EXPECT_EQ(offsetof(start_info, nr_pages), 32u);
    EXPECT_EQ(offsetof(start_info, shared_info), 36u);
    EXPECT_EQ(offsetof(start_info, flags), 40u);
    EXPECT_EQ(offsetof(start_info, store_mfn), 44u);
    EXPECT_EQ(offsetof(start_info, store_evtchn), 48u);
    EXPECT_EQ(offsetof(start_info, console.domU.mfn), 52u);
    EXPECT_EQ(offsetof(start_info, console.domU.evtchn), 56u);
    EXPECT_EQ(offsetof(start_info, console.dom0.info_size), 56u);
    EXPECT_EQ(offsetof(start_info, pt_base), 60u);
    EXPECT_EQ(offsetof(start_info, mfn_list), 68u);
    EXPECT_EQ(offsetof(start_info, mod_start), 72u);
    EXPECT_EQ(offsetof(start_info, mod_len), 76u);
    EXPECT_EQ(offsetof(start_info, cmd_line), 80u);
    EXPECT_EQ(offsetof(start_info, first_p2m_pfn), 1104u);
    EXPECT_EQ(offsetof(start_info, nr_p2m_frames), 1108u);
    EXPECT_EQ(sizeof(dom0_vga_console_info), 40u);
    EXPECT_EQ(offsetof(dom0_vga_console_info, u.vesa_lfb.lfb_base), 12u);
    EXPECT_EQ(offsetof(dom0_vga_console_info, u.vesa_lfb.ext_lfb_base), 36u);
    EXPECT_EQ(sizeof(xen_multiboot_mod_list), 16u);
}

TEST(PublicAbiTest, MagicStringFitsStartInfoWithTerminator) {
    start_info si{};
    ASSERT_LT(sizeof(XEN_START_INFO_MAGIC), sizeof(si.magic));
    std::memcpy(si.magic, XEN_START_INFO_MAGIC, sizeof(XEN_START_INFO_MAGIC));
    EXPECT_STREQ(si.magic, "xen-3.0-x86_32p");
}

TEST(PublicAbiTest, SharedInfoAndVcpuInfoHaveX86_32Layout) {
    EXPECT_EQ(sizeof(vcpu_time_info), 32u);
    EXPECT_EQ(offsetof(vcpu_time_info, tsc_timestamp), 8u);
    EXPECT_EQ(offsetof(vcpu_time_info, system_time), 16u);
    EXPECT_EQ(offsetof(vcpu_time_info, tsc_to_system_mul), 24u);
    EXPECT_EQ(offsetof(vcpu_time_info, tsc_shift), 28u);
    EXPECT_EQ(sizeof(arch_vcpu_info), 24u);
    EXPECT_EQ(sizeof(vcpu_info), 64u);
    EXPECT_EQ(offsetof(vcpu_info, evtchn_upcall_mask), 1u);
    EXPECT_EQ(offsetof(vcpu_info, evtchn_pending_sel), 4u);
    EXPECT_EQ(offsetof(vcpu_info, arch.cr2), 8u);
    EXPECT_EQ(offsetof(vcpu_info, time), 32u);
    EXPECT_EQ(sizeof(arch_shared_info), 28u);
    EXPECT_EQ(sizeof(shared_info), 2344u);
    EXPECT_EQ(offsetof(shared_info, vcpu_info[1]), 64u);
    EXPECT_EQ(offsetof(shared_info, evtchn_pending), 2048u);
    EXPECT_EQ(offsetof(shared_info, evtchn_mask), 2176u);
    EXPECT_EQ(offsetof(shared_info, wc_version), 2304u);
    EXPECT_EQ(offsetof(shared_info, wc_sec), 2308u);
    EXPECT_EQ(offsetof(shared_info, wc_nsec), 2312u);
    EXPECT_EQ(offsetof(shared_info, arch.max_pfn), 2316u);
    EXPECT_EQ(offsetof(shared_info, arch.pfn_to_mfn_frame_list_list), 2320u);
    EXPECT_EQ(offsetof(shared_info, xen_wc_sec_hi), 2340u);
    EXPECT_EQ(NR_EVENT_CHANNELS, 1024u);
}

TEST(PublicAbiTest, CpuContextHasX86_32Layout) {
    EXPECT_EQ(sizeof(cpu_user_regs), 68u);
    EXPECT_EQ(offsetof(cpu_user_regs, eax), 24u);
    EXPECT_EQ(offsetof(cpu_user_regs, eip), 32u);
    EXPECT_EQ(offsetof(cpu_user_regs, cs), 36u);
    EXPECT_EQ(offsetof(cpu_user_regs, eflags), 40u);
    EXPECT_EQ(offsetof(cpu_user_regs, esp), 44u);
    EXPECT_EQ(offsetof(cpu_user_regs, ss), 48u);
    EXPECT_EQ(offsetof(cpu_user_regs, es), 52u);
    EXPECT_EQ(offsetof(cpu_user_regs, ds), 56u);
    EXPECT_EQ(offsetof(cpu_user_regs, fs), 60u);
    EXPECT_EQ(offsetof(cpu_user_regs, gs), 64u);
    EXPECT_EQ(sizeof(trap_info), 8u);
    EXPECT_EQ(sizeof(vcpu_guest_context), 2800u);
    EXPECT_EQ(offsetof(vcpu_guest_context, flags), 512u);
    EXPECT_EQ(offsetof(vcpu_guest_context, user_regs), 516u);
    EXPECT_EQ(offsetof(vcpu_guest_context, trap_ctxt), 584u);
    EXPECT_EQ(offsetof(vcpu_guest_context, ldt_base), 2632u);
    EXPECT_EQ(offsetof(vcpu_guest_context, ldt_ents), 2636u);
    EXPECT_EQ(offsetof(vcpu_guest_context, gdt_frames), 2640u);
    EXPECT_EQ(offsetof(vcpu_guest_context, gdt_ents), 2704u);
    EXPECT_EQ(offsetof(vcpu_guest_context, kernel_ss), 2708u);
    EXPECT_EQ(offsetof(vcpu_guest_context, kernel_sp), 2712u);
    EXPECT_EQ(offsetof(vcpu_guest_context, ctrlreg), 2716u);
    EXPECT_EQ(offsetof(vcpu_guest_context, debugreg), 2748u);
    EXPECT_EQ(offsetof(vcpu_guest_context, event_callback_cs), 2780u);
    EXPECT_EQ(offsetof(vcpu_guest_context, event_callback_eip), 2784u);
    EXPECT_EQ(offsetof(vcpu_guest_context, failsafe_callback_cs), 2788u);
    EXPECT_EQ(offsetof(vcpu_guest_context, failsafe_callback_eip), 2792u);
    EXPECT_EQ(offsetof(vcpu_guest_context, vm_assist), 2796u);
}

TEST(PublicAbiTest, HypercallArgumentArraysHaveX86_32Layout) {
    EXPECT_EQ(sizeof(mmu_update), 16u);
    // x86_32: cmd plus two 32-bit unions (24 bytes is the x86_64 layout).
    EXPECT_EQ(sizeof(mmuext_op), 12u);
    EXPECT_EQ(offsetof(mmuext_op, arg2.vcpumask), 8u);
    EXPECT_EQ(sizeof(multicall_entry), 32u);
    EXPECT_EQ(offsetof(multicall_entry, args[5]), 28u);
    EXPECT_EQ(sizeof(callback_register), 12u);
    EXPECT_EQ(offsetof(callback_register, address.eip), 8u);
}

TEST(PublicAbiTest, FourByteAlignedU64FieldsKeepI386Packing) {
    // The tell-tale structures whose x86_64 layout would differ.
    EXPECT_EQ(sizeof(vcpu_runstate_info), 44u);
    EXPECT_EQ(offsetof(vcpu_runstate_info, state_entry_time), 4u);
    EXPECT_EQ(offsetof(vcpu_runstate_info, time[3]), 36u);
    EXPECT_EQ(alignof(vcpu_runstate_info), 4u);
    EXPECT_EQ(sizeof(vcpu_set_singleshot_timer), 12u);
    EXPECT_EQ(sizeof(physdev_map_pirq), 36u);
    EXPECT_EQ(offsetof(physdev_map_pirq, table_base), 28u);
    EXPECT_EQ(sizeof(xen_pod_target), 36u);
    EXPECT_EQ(sizeof(xenpf_settime32), 16u);
    EXPECT_EQ(sizeof(xen_e820_entry), 20u);
    EXPECT_EQ(alignof(xen_uint64_a4_t), 4u);
    EXPECT_EQ(alignof(xen_uint64_aligned_t), 8u);
    EXPECT_EQ(alignof(xen_platform_op), 8u);
    EXPECT_EQ(sizeof(xen_platform_op), 136u);
}

TEST(PublicAbiTest, VcpuAndSchedOperationsHaveX86_32Layout) {
    EXPECT_EQ(sizeof(vcpu_register_runstate_memory_area), 8u);
    EXPECT_EQ(sizeof(vcpu_set_periodic_timer), 8u);
    EXPECT_EQ(sizeof(vcpu_register_vcpu_info), 16u);
    EXPECT_EQ(offsetof(vcpu_register_vcpu_info, offset), 8u);
    EXPECT_EQ(sizeof(sched_shutdown), 4u);
    EXPECT_EQ(sizeof(sched_poll), 16u);
    EXPECT_EQ(offsetof(sched_poll, timeout), 8u);
    EXPECT_EQ(sizeof(sched_remote_shutdown), 8u);
    EXPECT_EQ(sizeof(sched_watchdog), 8u);
    EXPECT_EQ(VCPU_SSHOTTMR_future, 1u);
}

TEST(PublicAbiTest, MemoryOperationsHaveX86_32Layout) {
    EXPECT_EQ(sizeof(xen_memory_reservation), 20u);
    EXPECT_EQ(offsetof(xen_memory_reservation, domid), 16u);
    EXPECT_EQ(sizeof(xen_memory_exchange), 44u);
    EXPECT_EQ(offsetof(xen_memory_exchange, nr_exchanged), 40u);
    EXPECT_EQ(sizeof(xen_machphys_mfn_list), 12u);
    EXPECT_EQ(sizeof(xen_machphys_mapping), 12u);
    EXPECT_EQ(sizeof(xen_add_to_physmap), 16u);
    EXPECT_EQ(sizeof(xen_add_to_physmap_batch), 20u);
    EXPECT_EQ(sizeof(xen_remove_from_physmap), 8u);
    EXPECT_EQ(sizeof(xen_memory_map), 8u);
    EXPECT_EQ(sizeof(xen_foreign_memory_map), 12u);
    EXPECT_EQ(sizeof(xen_vnuma_topology_info), 40u);
}

TEST(PublicAbiTest, EventChannelOperationsHaveX86_32Layout) {
    EXPECT_EQ(sizeof(evtchn_alloc_unbound), 8u);
    EXPECT_EQ(sizeof(evtchn_bind_interdomain), 12u);
    EXPECT_EQ(sizeof(evtchn_bind_virq), 12u);
    EXPECT_EQ(sizeof(evtchn_bind_ipi), 8u);
    EXPECT_EQ(sizeof(evtchn_status), 24u);
    EXPECT_EQ(offsetof(evtchn_status, u.interdomain.port), 20u);
    EXPECT_EQ(sizeof(evtchn_op), 28u);
    EXPECT_EQ(sizeof(evtchn_init_control), 24u);
}

TEST(PublicAbiTest, GrantTableHasX86_32Layout) {
    EXPECT_EQ(sizeof(grant_entry_v1), 8u);
    EXPECT_EQ(sizeof(gnttab_map_grant_ref), 32u);
    EXPECT_EQ(offsetof(gnttab_map_grant_ref, handle), 20u);
    EXPECT_EQ(offsetof(gnttab_map_grant_ref, dev_bus_addr), 24u);
    EXPECT_EQ(sizeof(gnttab_unmap_grant_ref), 24u);
    EXPECT_EQ(sizeof(gnttab_setup_table), 16u);
    EXPECT_EQ(offsetof(gnttab_setup_table, frame_list), 12u);
    EXPECT_EQ(sizeof(gnttab_transfer), 16u);
    EXPECT_EQ(sizeof(gnttab_copy), 24u);
    EXPECT_EQ(offsetof(gnttab_copy, dest.domid), 12u);
    EXPECT_EQ(sizeof(gnttab_query_size), 16u);
    // One 4 KiB frame holds 512 v1 entries.
    EXPECT_EQ(4096u / sizeof(grant_entry_v1), 512u);
    // Version 2 (Xen's grant_entry_v2 and grant_status_t).
    EXPECT_EQ(sizeof(grant_entry_header), 4u);
    EXPECT_EQ(sizeof(grant_entry_v2), 16u);
    EXPECT_EQ(offsetof(grant_entry_v2, full_page.frame), 8u);
    EXPECT_EQ(offsetof(grant_entry_v2, sub_page.length), 6u);
    EXPECT_EQ(offsetof(grant_entry_v2, transitive.gref), 8u);
    EXPECT_EQ(sizeof(grant_status_t), 2u);
    EXPECT_EQ(4096u / sizeof(grant_entry_v2), 256u);
    EXPECT_EQ(sizeof(gnttab_get_status_frames), 12u);
    EXPECT_EQ(sizeof(gnttab_set_version), 4u);
    EXPECT_EQ(sizeof(gnttab_get_version), 8u);
}

TEST(PublicAbiTest, PhysdevOperationsHaveX86_32Layout) {
    EXPECT_EQ(sizeof(physdev_eoi), 4u);
    EXPECT_EQ(sizeof(physdev_irq_status_query), 8u);
    EXPECT_EQ(sizeof(physdev_set_iobitmap), 8u);
    EXPECT_EQ(sizeof(physdev_apic), 12u);
    EXPECT_EQ(sizeof(physdev_op), 16u);
    EXPECT_EQ(sizeof(physdev_manage_pci_ext), 16u);
    EXPECT_EQ(sizeof(physdev_pci_device_add), 12u);
    EXPECT_EQ(sizeof(physdev_dbgp_op), 6u);
}

TEST(PublicAbiTest, SharedRingPagesHaveX86_32Layout) {
    EXPECT_EQ(sizeof(xencons_interface), 3088u);
    EXPECT_EQ(offsetof(xencons_interface, out_prod), 3084u);
    EXPECT_EQ(sizeof(xenstore_domain_interface), 2080u);
    EXPECT_EQ(offsetof(xenstore_domain_interface, evtchn_port), 2076u);
    EXPECT_EQ(offsetof(xenstore_domain_interface, rsp_prod), 2060u);
    EXPECT_EQ(sizeof(xsd_sockmsg), 16u);
    EXPECT_EQ(sizeof(xen_sring_header), 64u);
}

TEST(PublicAbiTest, VirtualMemoryLayoutConstants) {
    EXPECT_EQ(HYPERVISOR_VIRT_START, 0xF5800000u);
    EXPECT_EQ(MACH2PHYS_VIRT_START, HYPERVISOR_VIRT_START);
    EXPECT_EQ(MACH2PHYS_VIRT_END, 0xF6800000u);
    // 16 MiB of 4-byte entries: one per machine frame of a 64 GiB machine.
    EXPECT_EQ(MACH2PHYS_NR_ENTRIES, 0x400000u);
    EXPECT_EQ(FIRST_RESERVED_GDT_ENTRY, 7168);
}

TEST(PublicAbiTest, FlatSelectorsAreInTheReservedGdtWithTheirRing) {
    EXPECT_EQ(FLAT_RING1_CS >> 3, FIRST_RESERVED_GDT_ENTRY + 3);
    EXPECT_EQ(FLAT_RING1_DS >> 3, FIRST_RESERVED_GDT_ENTRY + 4);
    EXPECT_EQ(FLAT_RING3_CS >> 3, FIRST_RESERVED_GDT_ENTRY + 5);
    EXPECT_EQ(FLAT_RING3_DS >> 3, FIRST_RESERVED_GDT_ENTRY + 6);
    EXPECT_EQ(FLAT_RING1_CS & 3, 1);
    EXPECT_EQ(FLAT_RING1_SS & 3, 1);
    EXPECT_EQ(FLAT_RING3_CS & 3, 3);
    EXPECT_EQ(FLAT_RING3_SS & 3, 3);
    EXPECT_EQ(FLAT_RING1_CS & 4, 0);  // GDT, not LDT
}

TEST(PublicAbiTest, Cr3PackingRoundTripsFrameNumbersAbove4GiB) {
    // A PDPT at MFN 0x123456 (above 4 GiB): the top bits wrap into the low
    // 12 bits of the cr3 value.
    EXPECT_EQ(xen_pfn_to_cr3(0x123456u), 0x23456001u);
    EXPECT_EQ(xen_cr3_to_pfn(0x23456001u), 0x123456u);
    for (uint32_t pfn : {0u, 1u, 0xFFFFFu, 0x100000u, 0xABCDEF12u}) {
        EXPECT_EQ(xen_cr3_to_pfn(xen_pfn_to_cr3(pfn)), pfn) << pfn;
    }
    // Below 4 GiB it is the architectural cr3.
    EXPECT_EQ(xen_pfn_to_cr3(0x1234u), 0x1234000u);
}

TEST(PublicAbiTest, GuestHandleStoresA32BitGuestAddress) {
    sched_poll poll{};
    auto* fake = reinterpret_cast<evtchn_port_t*>(uintptr_t{0x00C0FFEE});
    set_xen_guest_handle(poll.ports, fake);
    EXPECT_EQ(poll.ports, 0x00C0FFEEu);
    EXPECT_FALSE(guest_handle_is_null(poll.ports));
    evtchn_port_t* back = nullptr;
    get_xen_guest_handle(back, poll.ports);
    EXPECT_EQ(back, fake);
    set_xen_guest_handle(poll.ports, static_cast<evtchn_port_t*>(nullptr));
    EXPECT_TRUE(guest_handle_is_null(poll.ports));
}

TEST(PublicAbiTest, RingEntriesAreThePowerOfTwoThatFits) {
    // 4032 usable bytes: 112-byte entries (blkif) -> 36 fit -> 32 used.
    EXPECT_EQ(XEN_RING_ENTRIES(4096u, 112u), 32u);
    // 12-byte entries (netif tx) -> 336 fit -> 256 used.
    EXPECT_EQ(XEN_RING_ENTRIES(4096u, 12u), 256u);
    // An exact power of two is kept.
    EXPECT_EQ(XEN_RING_ENTRIES(64u + 64u * 8u, 8u), 64u);
    EXPECT_EQ(XEN_RING_POW2_FLOOR(1u), 1u);
    EXPECT_EQ(XEN_RING_POW2_FLOOR(0x80000001u), 0x80000000u);
}

TEST(PublicAbiTest, RingNotifiesOnlyWhenTheEventIndexWasPublished) {
    EXPECT_TRUE(XEN_RING_NEED_NOTIFY(5u, 3u, 4u));   // event inside (3,5]
    EXPECT_TRUE(XEN_RING_NEED_NOTIFY(5u, 3u, 5u));   // event == new prod
    EXPECT_FALSE(XEN_RING_NEED_NOTIFY(5u, 3u, 3u));  // already past
    EXPECT_FALSE(XEN_RING_NEED_NOTIFY(5u, 3u, 6u));  // not yet reached
    EXPECT_FALSE(XEN_RING_NEED_NOTIFY(5u, 5u, 5u));  // nothing published
    // Free-running indexes wrap at 2^32.
    EXPECT_TRUE(XEN_RING_NEED_NOTIFY(1u, 0xFFFFFFFEu, 0xFFFFFFFFu));
    EXPECT_FALSE(XEN_RING_NEED_NOTIFY(1u, 0xFFFFFFFEu, 2u));
}

TEST(PublicAbiTest, ErrnoValuesAreLinuxX86Values) {
    EXPECT_EQ(XEN_EPERM, 1);
    EXPECT_EQ(XEN_ENOENT, 2);
    EXPECT_EQ(XEN_ESRCH, 3);
    EXPECT_EQ(XEN_EAGAIN, 11);
    EXPECT_EQ(XEN_EWOULDBLOCK, XEN_EAGAIN);
    EXPECT_EQ(XEN_ENOMEM, 12);
    EXPECT_EQ(XEN_EACCES, 13);
    EXPECT_EQ(XEN_EFAULT, 14);
    EXPECT_EQ(XEN_EBUSY, 16);
    EXPECT_EQ(XEN_EEXIST, 17);
    EXPECT_EQ(XEN_EINVAL, 22);
    EXPECT_EQ(XEN_ENOSPC, 28);
    EXPECT_EQ(XEN_EDEADLOCK, XEN_EDEADLK);
    EXPECT_EQ(XEN_ENOSYS, 38);
    EXPECT_EQ(XEN_ENOTEMPTY, 39);
    EXPECT_EQ(XEN_ETIME, 62);
    EXPECT_EQ(XEN_EOPNOTSUPP, 95);
    EXPECT_EQ(XEN_ENOBUFS, 105);
    EXPECT_EQ(XEN_EISCONN, 106);
    EXPECT_EQ(XEN_ETIMEDOUT, 110);
}

// The X-macro form lets the hypervisor build its own tables; internal
// values appear only when asked for.
#define XEN_ERRNO(name, value) +1
constexpr int kPublicErrnoCount = 0
#include "public/errno.h"
    ;
#define XEN_ERRNO_INTERNAL
#define XEN_ERRNO(name, value) +1
constexpr int kAllErrnoCount = 0
#include "public/errno.h"
    ;
#undef XEN_ERRNO_INTERNAL

TEST(PublicAbiTest, ErrnoListHidesHypervisorInternalValuesByDefault) {
    EXPECT_EQ(kPublicErrnoCount, 46);
    EXPECT_EQ(kAllErrnoCount, kPublicErrnoCount + 2);
}

TEST(PublicAbiTest, GrantStatusMessagesCoverEveryStatus) {
    static const char* const messages[] = GNTTABOP_error_msgs;
    EXPECT_EQ(sizeof(messages) / sizeof(messages[0]),
              static_cast<size_t>(-GNTST_no_space) + 1);
    EXPECT_STREQ(messages[-GNTST_permission_denied], "permission denied");
    EXPECT_STREQ(messages[-GNTST_no_space], "out of space");
    EXPECT_STREQ(messages[GNTST_okay], "okay");
}

TEST(PublicAbiTest, XenstoreErrorTableMatchesItsNames) {
    static const char* const names[] = XSD_ERROR_NAMES;
    constexpr size_t count = sizeof(xsd_errors) / sizeof(xsd_errors[0]);
    ASSERT_EQ(sizeof(names) / sizeof(names[0]), count);
    for (size_t i = 0; i < count; ++i) {
        EXPECT_STREQ(xsd_errors[i].errstring, names[i]) << i;
    }
    EXPECT_EQ(xsd_errors[0].errnum, EINVAL);
    EXPECT_EQ(XS_DIRECTORY_PART, 22);
    EXPECT_EQ(XS_RESET_WATCHES, 21);
    EXPECT_EQ(XS_ERROR, 16);
    EXPECT_EQ(XS_WATCH_EVENT, 15);
}

TEST(PublicAbiTest, HypercallNumbersMatchTheHypercallPage) {
    EXPECT_EQ(__HYPERVISOR_set_trap_table, 0);
    EXPECT_EQ(__HYPERVISOR_mmu_update, 1);
    EXPECT_EQ(__HYPERVISOR_update_va_mapping, 14);
    EXPECT_EQ(__HYPERVISOR_xen_version, 17);
    EXPECT_EQ(__HYPERVISOR_console_io, 18);
    EXPECT_EQ(__HYPERVISOR_iret, 23);
    EXPECT_EQ(__HYPERVISOR_mmuext_op, 26);
    EXPECT_EQ(__HYPERVISOR_sched_op, 29);
    EXPECT_EQ(__HYPERVISOR_event_channel_op, 32);
    EXPECT_EQ(__HYPERVISOR_physdev_op, 33);
    EXPECT_EQ(__HYPERVISOR_domctl, 36);
    EXPECT_EQ(__HYPERVISOR_arch_7, 55);
    // Every stub fits the 4 KiB hypercall page.
    EXPECT_LE(XEN_NR_HYPERCALLS * XEN_HYPERCALL_STUB_SIZE, 4096);
}

TEST(PublicAbiTest, DomctlStructuresHaveX86_32Layout) {
    EXPECT_EQ(XEN_DOMCTL_INTERFACE_VERSION, 0x18u);
    EXPECT_EQ(sizeof(xen_domctl), 144u);
    EXPECT_EQ(offsetof(xen_domctl, domain), 8u);
    EXPECT_EQ(offsetof(xen_domctl, u), 16u);
    EXPECT_EQ(sizeof(xen_ctl_handle_t), 8u);
    EXPECT_EQ(sizeof(xenctl_bitmap), 16u);
    EXPECT_EQ(sizeof(xen_domctl_createdomain), 68u);
    EXPECT_EQ(offsetof(xen_domctl_createdomain, handle), 4u);
    EXPECT_EQ(offsetof(xen_domctl_createdomain, max_vcpus), 28u);
    EXPECT_EQ(offsetof(xen_domctl_createdomain, max_grant_frames), 36u);
    EXPECT_EQ(offsetof(xen_domctl_createdomain, altp2m), 48u);
    EXPECT_EQ(offsetof(xen_domctl_createdomain, cpupool_id), 56u);
    EXPECT_EQ(offsetof(xen_domctl_createdomain, arch), 60u);
    EXPECT_EQ(sizeof(xen_domctl_getdomaininfo), 112u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, flags), 4u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, tot_pages), 8u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, max_pages), 16u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, shared_info_frame), 48u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, cpu_time), 56u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, max_vcpu_id), 68u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, handle), 76u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, gpaddr_bits), 96u);
    EXPECT_EQ(offsetof(xen_domctl_getdomaininfo, arch_config), 104u);
    EXPECT_EQ(sizeof(xen_domctl_hypercall_init), 8u);
    EXPECT_EQ(offsetof(xen_domctl, u.hypercall_init.gmfn), 16u);
    EXPECT_EQ(sizeof(xen_domctl_shadow_op), 40u);
    EXPECT_EQ(offsetof(xen_domctl_shadow_op, dirty_bitmap), 16u);
    EXPECT_EQ(offsetof(xen_domctl_shadow_op, pages), 24u);
    EXPECT_EQ(sizeof(xen_domctl_vcpucontext), 16u);
    EXPECT_EQ(offsetof(xen_domctl_vcpucontext, ctxt), 8u);
    EXPECT_EQ(sizeof(xen_domctl_getvcpuinfo), 24u);
    EXPECT_EQ(offsetof(xen_domctl_getvcpuinfo, running), 6u);
    EXPECT_EQ(offsetof(xen_domctl_getvcpuinfo, cpu_time), 8u);
    EXPECT_EQ(offsetof(xen_domctl_getvcpuinfo, cpu), 16u);
    EXPECT_EQ(sizeof(xen_domctl_vcpuaffinity), 40u);
    EXPECT_EQ(offsetof(xen_domctl_vcpuaffinity, cpumap_soft), 24u);
    EXPECT_EQ(sizeof(xen_domctl_scheduler_op), 24u);
    EXPECT_EQ(offsetof(xen_domctl_scheduler_op, u), 8u);
    EXPECT_EQ(sizeof(xen_domctl_max_mem), 8u);
    EXPECT_EQ(sizeof(xen_domctl_settimeoffset), 8u);
    EXPECT_EQ(sizeof(xen_domctl_setdomainhandle), 16u);
}

TEST(PublicAbiTest, SysctlStructuresHaveX86_32Layout) {
    EXPECT_EQ(XEN_SYSCTL_INTERFACE_VERSION, 0x16u);
    EXPECT_EQ(sizeof(xen_sysctl), 136u);
    EXPECT_EQ(offsetof(xen_sysctl, u), 8u);
    EXPECT_EQ(sizeof(xen_sysctl_readconsole), 24u);
    EXPECT_EQ(offsetof(xen_sysctl_readconsole, index), 4u);
    EXPECT_EQ(offsetof(xen_sysctl_readconsole, buffer), 8u);
    EXPECT_EQ(offsetof(xen_sysctl_readconsole, count), 16u);
    EXPECT_EQ(sizeof(xen_sysctl_physinfo), 112u);
    EXPECT_EQ(offsetof(xen_sysctl_physinfo, capabilities), 28u);
    EXPECT_EQ(offsetof(xen_sysctl_physinfo, total_pages), 40u);
    EXPECT_EQ(offsetof(xen_sysctl_physinfo, free_pages), 48u);
    EXPECT_EQ(offsetof(xen_sysctl_physinfo, max_mfn), 72u);
    EXPECT_EQ(offsetof(xen_sysctl_physinfo, hw_cap), 80u);
    EXPECT_EQ(sizeof(xen_sysctl_getdomaininfolist), 24u);
    EXPECT_EQ(offsetof(xen_sysctl_getdomaininfolist, buffer), 8u);
    EXPECT_EQ(offsetof(xen_sysctl_getdomaininfolist, num_domains), 16u);
    EXPECT_EQ(sizeof(xen_sysctl_cputopo), 12u);
    EXPECT_EQ(sizeof(xen_sysctl_cputopoinfo), 16u);
    EXPECT_EQ(offsetof(xen_sysctl_cputopoinfo, cputopo), 8u);
    EXPECT_EQ(sizeof(xen_sysctl_meminfo), 16u);
    EXPECT_EQ(sizeof(xen_sysctl_numainfo), 24u);
    EXPECT_EQ(offsetof(xen_sysctl_numainfo, distance), 16u);
}

}  // namespace
