// Device access of a privileged kernel as Linux 5.4 makes it at boot, with
// Xen's rules: port I/O (PIT channel 2 and port 0x61 for its TSC
// calibration (quick_pit_calibrate), the RTC through its index latch, PCI
// configuration space through 0xCF8/0xCFC; the hypervisor's own ports (PIC,
// PIT channel 0, the serial line, reset control) read all-ones and ignore
// writes); device memory (any but the local APIC's and the IO-APICs');
// the IO-APIC registers through PHYSDEVOP_apic_read/write; PCI devices
// announced with PHYSDEVOP_pci_device_add and manage_pci_add.
#include "console.hpp"
#include "hypercall.hpp"
#include "port_io.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

using pio::inb;
using pio::inl;
using pio::inw;
using pio::outb;
using pio::outl;

int32_t set_iopl(uint32_t level)
{
    physdev_set_iopl_t s = {level};
    return hc::physdev_op(PHYSDEVOP_set_iopl, &s);
}

uint16_t pit_ch2_count()
{
    uint8_t lo = inb(0x42);
    uint8_t hi = inb(0x42);
    return static_cast<uint16_t>(hi << 8 | lo);
}

void test_pit_channel2()
{
    // Linux's quick_pit_calibrate: gate on, speaker off; channel 2 mode 0,
    // lobyte/hibyte; count 0xFFFF; then the count must fall.
    outb(0x61, static_cast<uint8_t>((inb(0x61) & ~0x02) | 0x01));
    CHECK_EQ(inb(0x61) & 3, 1, "port 0x61: channel-2 gate on, speaker off, as written");
    outb(0x43, 0xB0);
    outb(0x42, 0xFF);
    outb(0x42, 0xFF);
    uint16_t first = pit_ch2_count();
    for (uint32_t i = 0; i < 200000; ++i)
        asm volatile("" ::: "memory");
    uint16_t later = pit_ch2_count();
    CHECK(first > later, "PIT channel 2 counts down (the calibration's clock)");
    printf("  channel 2: %#x then %#x\n", first, later);
    // 0x61 bit 5 (OUT2) comes from the hardware too: reads are real.
    CHECK(inb(0x61) != 0xFF, "port 0x61 reads the hardware, not all-ones");
}

void test_hypervisor_ports()
{
    CHECK_EQ(inb(0x40), 0xFF, "PIT channel 0 (the hypervisor's): reads all-ones");
    outb(0x43, 0x34); // channel 0 rate generator: dropped
    CHECK_EQ(inb(0x40), 0xFF, "  a channel-0 control word is dropped");
    CHECK_EQ(inb(0x20), 0xFF, "master PIC command port: all-ones");
    CHECK_EQ(inb(0xA1), 0xFF, "slave PIC mask: all-ones");
    CHECK_EQ(inb(0x4D0), 0xFF, "ELCR: all-ones");
    CHECK_EQ(inb(0x3FD), 0xFF, "COM1 line status (the hypervisor's console): all-ones");
    CHECK_EQ(inw(0x3F8), 0xFFFF, "  a word read across its registers: all-ones");
    // Bytes written to the console's data port must not reach the line:
    // the harness refuses to see this marker.
    const char marker[] = "ZZ-PORT-LEAK-ZZ\n";
    for (const char* p = marker; *p; ++p)
        outb(0x3F8, static_cast<uint8_t>(*p));
    // Reset control and fast A20/INIT: writes that would reset the machine.
    outb(0xCF9, 0x06);
    outb(0x92, 0x01);
    CHECK(true, "writes to 0xCF9 and 0x92 did not reset the machine");
    CHECK_EQ(inb(0xCF9), 0xFF, "  0xCF9 reads all-ones");
}

void test_rtc()
{
    outb(0x70, 0x0B);
    CHECK_EQ(inb(0x70), 0x0B, "port 0x70 reads back the latched RTC index");
    uint8_t b = inb(0x71);
    CHECK(b != 0xFF && (b & 0x02), "RTC register B through the latch (24-hour mode)");
    outb(0x70, 0x8A); // register A with the NMI-disable bit
    CHECK_EQ(inb(0x70), 0x0A, "  the NMI-disable bit is not the kernel's: index 0x0A");
    CHECK(inb(0x71) != 0xFF, "  register A reads the clock");
}

void test_pci_config()
{
    outl(0xCF8, 0x80000000u); // bus 0, device 0, function 0, register 0
    CHECK_EQ(inl(0xCF8), 0x80000000u, "CONFIG_ADDRESS reads back the latched dword");
    uint32_t id = inl(0xCFC);
    CHECK_EQ(id & 0xFFFF, 0x8086, "host bridge vendor id through 0xCFC");
    printf("  host bridge %04x:%04x\n", id & 0xFFFF, id >> 16);
    CHECK_EQ(inw(0xCFE), id >> 16, "  a word at 0xCFE is the device id");
    CHECK_EQ(inb(0xCFC), id & 0xFF, "  a byte at 0xCFC is the vendor's low byte");
}

void test_architectural_iopl()
{
    CHECK_EQ(set_iopl(0), 0, "IOPL 0");
    Fault f = try_fault([](void*) { (void)inb(0x42); });
    CHECK(f.happened && f.vector == 13, "  port I/O from ring 1 raises #GP");
    CHECK_EQ(hc::vm_assist(VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0,
             "VMASST_TYPE_architectural_iopl can be enabled");
    f = try_fault([](void*) { (void)inb(0x42); });
    CHECK(!f.happened, "  with it the kernel counts as ring 0: port I/O is allowed at IOPL 0");
    CHECK_EQ(hc::vm_assist(VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0, "  and disabled");
    CHECK_EQ(set_iopl(1), 0, "IOPL 1 again");
}

alignas(4096) uint8_t mmio_window[4096];

int32_t map_frame(uint32_t mfn)
{
    return hc::update_va_mapping(hc::arg(mmio_window), (uint64_t{mfn} << 12) | pte_present | pte_accessed,
                                 UVMF_INVLPG);
}

void test_device_memory()
{
    // Xen's get_page_from_l1e: MMIO the domain may not map is -EPERM.
    CHECK_EQ(map_frame(0xFEE00), -XEN_EPERM, "mapping the local APIC's registers: -EPERM");
    CHECK_EQ(map_frame(0xFEC00), -XEN_EPERM, "mapping the IO-APIC's registers: -EPERM");
    CHECK_EQ(map_frame(0xFEE01), -XEN_EPERM, "mapping the MSI window past the local APIC's page: -EPERM");
    CHECK_EQ(map_frame(0xFEEFF), -XEN_EPERM, "  its last page too (Xen: MSI_ADDR_BASE_LO + DEST_ID_MASK)");
    CHECK_EQ(map_frame(0xFED00), 0, "mapping other device memory (the HPET's page): 0");
    CHECK_EQ(map_frame(0xB8), 0, "mapping the VGA text buffer in the ISA hole: 0");
    uint32_t own = pfn_to_mfn(virt_to_pfn(mmio_window));
    CHECK_EQ(hc::update_va_mapping(hc::arg(mmio_window), (uint64_t{own} << 12) | pte_kernel_rw, UVMF_INVLPG),
             0, "  the window gets its own frame back");
}

void test_ioapic_window()
{
    static physdev_apic_t a = {};
    a.apic_physbase = 0xFEC00000u;
    a.reg = 1;
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_apic_read, &a), 0, "PHYSDEVOP_apic_read of the IO-APIC version: 0");
    CHECK_EQ(a.value & 0xFF, 0x20, "  version 0x20 (QEMU's IO-APIC)");
    CHECK_EQ((a.value >> 16) & 0xFF, 23, "  24 redirection entries");
    a.reg = 0x10;
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_apic_read, &a), 0, "  a redirection entry reads");
    CHECK(a.value & (1u << 16), "  masked, as the hypervisor left it");
    a.apic_physbase = 0xFEC01000u;
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_apic_read, &a), -XEN_EINVAL, "no IO-APIC at that address: -EINVAL");
    a.apic_physbase = 0xFEC00000u;
    a.reg = 0x10;
    a.value = 0x30;
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_apic_write, &a), 0, "PHYSDEVOP_apic_write of an entry's low half: 0");
    a.value = 0x430; // delivery mode 4 (NMI)
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_apic_write, &a), -XEN_EINVAL, "  an NMI delivery mode: -EINVAL");
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_apic_read, &a), 0, "  the entry reads back");
    CHECK(a.value & (1u << 16), "  still masked: routing stays the hypervisor's");
}

void test_pci_announcements()
{
    static physdev_pci_device_add_t add = {};
    add.bus = 0;
    add.devfn = 0x08; // 00:01.0
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_pci_device_add, &add), 0, "PHYSDEVOP_pci_device_add: 0");
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_pci_device_add, &add), 0, "  announcing it again: 0");
    static physdev_manage_pci_t m = {0, 0x10};
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_manage_pci_add, &m), 0, "PHYSDEVOP_manage_pci_add: 0");
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_manage_pci_remove, &m), 0, "PHYSDEVOP_manage_pci_remove: 0");
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_manage_pci_remove, &m), -XEN_ENODEV, "  removing it again: -ENODEV");
    add.flags = XEN_PCI_DEV_PXM;
    CHECK_EQ(hc::call(__HYPERVISOR_physdev_op, PHYSDEVOP_pci_device_add, 0xF57FFFF4u), -XEN_EFAULT,
             "pci_device_add whose proximity word is in the hypervisor's area: -EFAULT");
}

} // namespace

void guest_main(start_info_t*)
{
    CHECK_EQ(set_iopl(1), 0, "PHYSDEVOP_set_iopl 1, as Linux's dom0 start does");
    test_pit_channel2();
    test_hypervisor_ports();
    test_rtc();
    test_pci_config();
    test_architectural_iopl();
    test_device_memory();
    test_ioapic_window();
    test_pci_announcements();
}
