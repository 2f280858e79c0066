// A domU that tries to reach dom0's NIC and the hypervisor's devices, as
// a hostile guest would: the NIC's I/O ports (given on its command line
// by nic_fence, which found them on the PCI bus), PCI configuration space
// through 0xCF8/0xCFC, the NIC's MMIO BAR, its GSI, the APICs, and the
// hypervisor's ports. With Xen's rules (guest_io_okay/admin_io_okay with
// no ioport caps, pci_cfg_ok for the hardware domain only, iomem caps
// empty, pirqs for privileged callers only) every read is all-ones, every
// write dropped, every hypercall refused; nic_fence checks afterwards
// that its NIC never noticed.
#include "cmdline_arg.hpp"
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "port_io.hpp"
#include "test.hpp"

namespace {

using pio::inb;
using pio::inl;
using pio::inw;
using pio::outb;
using pio::outl;
using pio::outw;

int32_t physdev(uint32_t cmd, void* a)
{
    return hc::physdev_op(cmd, a);
}

void test_ports(uint16_t port)
{
    physdev_set_iopl_t s = {1};
    CHECK_EQ(physdev(PHYSDEVOP_set_iopl, &s), 0,
             "set_iopl 1: any PV guest may (its ports stay checked)");
    CHECK_EQ(inl(port), 0xFFFFFFFFu, "the NIC's device features (BAR0 + 0): all-ones");
    CHECK_EQ(inb(static_cast<uint16_t>(port + 0x12)), 0xFF, "  its device status: all-ones");
    CHECK_EQ(inb(static_cast<uint16_t>(port + 0x13)), 0xFF,
             "  its ISR (a read would acknowledge dom0's interrupt): all-ones");
    CHECK_EQ(inb(static_cast<uint16_t>(port + 0x14)), 0xFF, "  its MAC: all-ones");
    // Dropped, or dom0's NIC is reset and stops (nic_fence checks).
    outb(static_cast<uint16_t>(port + 0x12), 0);
    outw(static_cast<uint16_t>(port + 0x0E), 0);
    outl(static_cast<uint16_t>(port + 0x08), 0);
    CHECK(true, "  wrote a reset to its status and a zero queue address (must be dropped)");
    CHECK_EQ(inb(0x3FD), 0xFF, "COM1 line status (the hypervisor's): all-ones");
    CHECK_EQ(inb(0x21), 0xFF, "master PIC mask: all-ones");
    CHECK_EQ(inb(0x71), 0xFF, "RTC data: all-ones (the hardware domain's only)");
    CHECK_EQ(inw(0x40), 0xFFFF, "PIT channel 0: all-ones");
}

uint32_t cf8_address(uint32_t dev, uint32_t reg)
{
    return 0x80000000u | dev << 11 | reg;
}

void test_config_space(uint32_t dev)
{
    outl(0xCF8, cf8_address(dev, 0));
    CHECK_EQ(inl(0xCF8), cf8_address(dev, 0), "0xCF8 reads back this domain's own latch (as Xen)");
    CHECK_EQ(inl(0xCFC), 0xFFFFFFFFu, "the NIC's vendor/device id through 0xCFC: all-ones");
    CHECK_EQ(inw(0xCFE), 0xFFFF, "  a word of it at 0xCFE: all-ones");
    outl(0xCF8, cf8_address(0, 0));
    CHECK_EQ(inl(0xCFC), 0xFFFFFFFFu, "the host bridge's id: all-ones");
    // Clearing the NIC's command register would stop its I/O decoding
    // and DMA: dropped (nic_fence checks).
    outl(0xCF8, cf8_address(dev, 4));
    outl(0xCFC, 0);
    outl(0xCF8, cf8_address(dev, 0x10));
    outl(0xCFC, 0xFFFFFFFFu); // a BAR sizing write to BAR0
    CHECK(true, "  wrote 0 to its command register and sized its BAR0 (must be dropped)");
}

alignas(4096) uint8_t window[4096];

int32_t map(uint32_t mfn, bool rw)
{
    uint64_t pte = (uint64_t{mfn} << 12) | pte_present | pte_accessed | (rw ? pte_rw : 0);
    return hc::update_va_mapping(hc::arg(window), pte, UVMF_INVLPG);
}

void test_memory(uint32_t mmio_frame)
{
    CHECK(mmio_frame != 0, "nic_fence named the NIC's MMIO frame");
    CHECK_EQ(map(mmio_frame, false), -XEN_EPERM, "mapping the NIC's MMIO BAR read-only: -EPERM");
    CHECK_EQ(map(mmio_frame, true), -XEN_EPERM, "  writable: -EPERM");
    CHECK_EQ(map(0xFEE00, true), -XEN_EPERM, "the local APIC: -EPERM");
    CHECK_EQ(map(0xFEC00, true), -XEN_EPERM, "the IO-APIC: -EPERM");
    CHECK_EQ(map(0xFED00, false), -XEN_EPERM,
             "other device memory (the HPET's page): -EPERM for a domU");
    CHECK_EQ(map(0xB8, false), -XEN_EPERM, "the VGA text buffer: -EPERM for a domU");
    uint32_t own = pfn_to_mfn(virt_to_pfn(window));
    CHECK_EQ(
        hc::update_va_mapping(hc::arg(window), (uint64_t{own} << 12) | pte_kernel_rw, UVMF_INVLPG),
        0, "  the window gets its own frame back");
}

int32_t map_pirq(int32_t gsi, domid_t dom)
{
    physdev_map_pirq_t m = {};
    m.domid = dom;
    m.type = MAP_PIRQ_TYPE_GSI;
    m.index = gsi;
    m.pirq = -1;
    return physdev(PHYSDEVOP_map_pirq, &m);
}

void test_interrupts(uint32_t gsi)
{
    const auto g = static_cast<int32_t>(gsi);
    CHECK(gsi != 0, "nic_fence named the NIC's GSI");
    CHECK_EQ(map_pirq(g, DOMID_SELF), -XEN_EPERM, "map_pirq of the NIC's GSI for itself: -EPERM");
    CHECK_EQ(map_pirq(g, 0), -XEN_EPERM, "  for dom0: -EPERM");
    CHECK_EQ(map_pirq(4, DOMID_SELF), -XEN_EPERM, "map_pirq of COM1's line: -EPERM");
    physdev_unmap_pirq_t u = {0, g};
    CHECK_EQ(physdev(PHYSDEVOP_unmap_pirq, &u), -XEN_EPERM,
             "unmap_pirq of dom0's NIC pirq: -EPERM");
    evtchn_bind_pirq_t b = {gsi, 0, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_pirq, &b), -XEN_EPERM,
             "bind_pirq of the NIC's pirq (not mapped for it): -EPERM");
    physdev_eoi_t e = {gsi};
    CHECK_EQ(physdev(PHYSDEVOP_eoi, &e), -XEN_EINVAL,
             "eoi of it (unmapped here: would unmask dom0's line): -EINVAL");
    physdev_setup_gsi_t s = {g, 0, 0};
    CHECK_EQ(physdev(PHYSDEVOP_setup_gsi, &s), -XEN_EPERM, "setup_gsi (make it edge): -EPERM");
    physdev_apic_t a = {};
    a.apic_physbase = 0xFEC00000;
    a.reg = 0x10 + 2 * gsi; // the NIC's redirection entry
    CHECK_EQ(physdev(PHYSDEVOP_apic_read, &a), -XEN_EPERM,
             "apic_read of its IO-APIC entry: -EPERM");
    a.value = 0x10000; // masked
    CHECK_EQ(physdev(PHYSDEVOP_apic_write, &a), -XEN_EPERM, "apic_write (mask it): -EPERM");
}

} // namespace

void guest_main(start_info_t* si)
{
    const char* cmdline = reinterpret_cast<const char*>(si->cmd_line);
    printf("domu_devices: %s\n", cmdline);
    const uint32_t port = cmdline_number(cmdline, "port", 0);
    CHECK(port != 0 && port < 0xFFE0, "nic_fence named the NIC's I/O port");
    test_ports(static_cast<uint16_t>(port));
    test_config_space(cmdline_number(cmdline, "dev", 0));
    test_memory(cmdline_number(cmdline, "mmio", 0));
    test_interrupts(cmdline_number(cmdline, "gsi", 0));
    gtest::finish();
}
