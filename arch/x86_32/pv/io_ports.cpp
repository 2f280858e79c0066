#include "arch/x86_32/pv/io_ports.hpp"

#include "arch/x86_32/acpi/firmware.hpp"
#include "arch/x86_32/cpu/io.hpp"
#include "arch/x86_32/dev/serial.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/lib/spinlock.hpp"

namespace arch {
namespace {

constexpr uint32_t rtc_index = 0x70, rtc_data = 0x71;
constexpr uint32_t pit_ch2 = 0x42, pit_mode = 0x43, port_61 = 0x61;
constexpr uint32_t pci_address = 0xCF8, pci_data = 0xCFC;

// Serialise the two-port sequences against each other (and, for the RTC,
// against the hypervisor's own reads).
Spinlock rtc_lock, pci_lock;

uint32_t mask_of(unsigned bytes) { return bytes == 4 ? 0xFFFFFFFFu : (1u << (bytes * 8)) - 1; }

bool no_cmos_rtc()
{
    const Acpi_info& a = acpi_info();
    return a.have_fadt && (a.fadt.iapc_boot_arch & acpi::Fadt::boot_arch_no_cmos_rtc);
}

// Xen's is_cmos_port(): 0x70 is always intercepted (the NMI-disable bit);
// 0x71 too unless the FADT says there is no CMOS RTC; for other domains
// both always.
bool is_cmos_port(const Domain& d, uint32_t port, unsigned bytes)
{
    bool covers_index = port <= rtc_index && port + bytes > rtc_index;
    bool covers_pair = port <= rtc_data && port + bytes > rtc_index;
    if (!is_hardware_domain(d))
        return covers_pair;
    return covers_index || (covers_pair && !no_cmos_rtc());
}

bool permitted(const Domain& d, uint32_t first, uint32_t last)
{
    return d.arch.io_ports.contains(first, last);
}

// Xen's admin_io_okay(): the access goes straight to the hardware.
bool direct(const Domain& d, uint32_t port, unsigned bytes)
{
    if (port == pci_address && bytes == 4)
        return false;
    if (is_cmos_port(d, port, bytes))
        return false;
    return permitted(d, port, port + bytes - 1);
}

uint32_t hw_in(uint32_t port, unsigned bytes)
{
    uint16_t p = static_cast<uint16_t>(port);
    return bytes == 1 ? inb(p) : bytes == 2 ? inw(p) : inl(p);
}

void hw_out(uint32_t port, unsigned bytes, uint32_t v)
{
    uint16_t p = static_cast<uint16_t>(port);
    if (bytes == 1)
        outb(p, static_cast<uint8_t>(v));
    else if (bytes == 2)
        outw(p, static_cast<uint16_t>(v));
    else
        outl(p, v);
}

// Xen's hwdom_pit_access() with the hypervisor not using the PIT.
uint32_t pit_read(const Domain& d, uint32_t port)
{
    if (!is_hardware_domain(d) || port == pit_mode)
        return 0xFF;
    return inb(static_cast<uint16_t>(port));
}

void pit_write(const Domain& d, uint32_t port, uint8_t v)
{
    if (!is_hardware_domain(d))
        return;
    if (port == pit_ch2) {
        outb(pit_ch2, v);
    } else if (port == port_61) {
        // Only the channel-2 gate and the speaker enable are the domain's.
        outb(port_61, static_cast<uint8_t>((inb(port_61) & ~3u) | (v & 3u)));
    } else {
        constexpr uint8_t counter_bits = 0xC0, read_back = 0xC0, rb_ch2 = 0x08;
        constexpr uint8_t rb_ch0 = 0x02, rb_ch1 = 0x04, rb_reserved = 0x01;
        if ((v & counter_bits) == 0x80)
            outb(pit_mode, v); // channel 2's control word
        else if ((v & counter_bits) == read_back && (v & rb_ch2))
            outb(pit_mode, static_cast<uint8_t>(v & ~(rb_ch0 | rb_ch1 | rb_reserved)));
    }
}

uint32_t rtc_read(Domain& d, uint32_t port)
{
    if (port == rtc_index)
        return d.arch.cmos_index & 0x7Fu;
    if (!permitted(d, rtc_index, rtc_data))
        return 0xFF;
    Lock_guard<Spinlock> g(rtc_lock);
    outb(rtc_index, static_cast<uint8_t>(d.arch.cmos_index & 0x7F));
    return inb(rtc_data);
}

void rtc_write(Domain& d, uint32_t port, uint8_t v)
{
    if (port == rtc_index) {
        d.arch.cmos_index = v & 0x7F;
        if (no_cmos_rtc() && permitted(d, rtc_index, rtc_index))
            outb(rtc_index, static_cast<uint8_t>(v & 0x7F));
        return;
    }
    if (!permitted(d, rtc_index, rtc_data))
        return;
    Lock_guard<Spinlock> g(rtc_lock);
    outb(rtc_index, static_cast<uint8_t>(d.arch.cmos_index & 0x7F));
    outb(rtc_data, v);
}

bool pci_config_allowed(const Domain& d) { return is_hardware_domain(d); }

uint32_t pci_read(Domain& d, uint32_t offset, unsigned size)
{
    if (!pci_config_allowed(d))
        return mask_of(size);
    Lock_guard<Spinlock> g(pci_lock);
    outl(pci_address, d.arch.pci_cf8);
    return hw_in(pci_data + offset, size);
}

void pci_write(Domain& d, uint32_t offset, unsigned size, uint32_t v)
{
    if (!pci_config_allowed(d))
        return;
    Lock_guard<Spinlock> g(pci_lock);
    outl(pci_address, d.arch.pci_cf8);
    hw_out(pci_data + offset, size, v);
}

// The size of the piece of a split access that starts at 'port'.
unsigned piece(const Domain& d, uint32_t port, unsigned bytes)
{
    if (port == pci_address && bytes == 4)
        return 4;
    if ((port & ~3u) == pci_data) {
        unsigned n = 4 - (port & 3) < bytes ? 4 - (port & 3) : bytes;
        return n == 3 ? 2 : n;
    }
    if (bytes > 1 && !(port & 1) && permitted(d, port, port + 1) && !is_cmos_port(d, port, 2))
        return 2;
    return 1;
}

} // namespace

bool io_ports_init_hardware_domain(Domain& d)
{
    Rangeset& r = d.arch.io_ports;
    bool ok = r.add(0, 0xFFFF);
    struct Range {
        uint32_t first, last;
    };
    static constexpr Range denied[] = {
        {0x20, 0x21}, {0xA0, 0xA1}, {0x4D0, 0x4D1}, // PICs and ELCR
        {0x40, 0x43}, {0x61, 0x61},                  // PIT, its gate
        {0x92, 0x92}, {0xF0, 0xF0},                  // INIT/A20, IGNNE#
        {0xCF9, 0xCF9}, {0xCFC, 0xCFF},              // reset, PCI data
    };
    for (const Range& x : denied)
        ok = ok && r.remove(x.first, x.last);
    const Acpi_info& a = acpi_info();
    if (a.have_fadt && a.fadt.pm_tmr.present() && a.fadt.pm_tmr.space == acpi::Gas::io &&
        a.fadt.pm_tmr.address < 0xFFFD)
        ok = ok && r.remove(a.fadt.pm_tmr.address, a.fadt.pm_tmr.address + 3);
    Uart* lines[] = {&com1(), &com2()};
    for (Uart* u : lines)
        if (u->present())
            ok = ok && r.remove(u->base(), u->base() + 7u);
    return ok;
}

bool io_privileged(const Vcpu& v, const Exception_frame& f)
{
    unsigned ring = f.cs & 3;
    unsigned cpl = ring == 3 ? 3 : (v.domain->vm_assist & (1u << VMASST_TYPE_architectural_iopl)) ? 0 : 1;
    return cpl <= v.iopl;
}

uint32_t guest_io_read(Domain& d, uint32_t port, unsigned bytes)
{
    if (direct(d, port, bytes))
        return hw_in(port, bytes);
    uint32_t data = 0;
    for (unsigned shift = 0; bytes;) {
        unsigned size = piece(d, port, bytes);
        uint32_t sub = 0xFFFFFFFFu;
        if (port == pit_ch2 || port == pit_mode || port == port_61)
            sub = pit_read(d, port);
        else if (is_cmos_port(d, port, 1))
            sub = rtc_read(d, port);
        else if (port == pci_address && size == 4)
            sub = d.arch.pci_cf8;
        else if ((port & ~3u) == pci_data)
            sub = pci_read(d, port & 3, size);
        else if (permitted(d, port, port + size - 1))
            sub = hw_in(port, size);
        if (size == 4)
            return sub;
        data |= (sub & mask_of(size)) << shift;
        shift += size * 8;
        port += size;
        bytes -= size;
    }
    return data;
}

void guest_io_write(Domain& d, uint32_t port, unsigned bytes, uint32_t data)
{
    if (direct(d, port, bytes)) {
        hw_out(port, bytes, data);
        return;
    }
    while (bytes) {
        unsigned size = piece(d, port, bytes);
        if (port == pit_ch2 || port == pit_mode || port == port_61)
            pit_write(d, port, static_cast<uint8_t>(data));
        else if (is_cmos_port(d, port, 1))
            rtc_write(d, port, static_cast<uint8_t>(data));
        else if (port == pci_address && size == 4)
            d.arch.pci_cf8 = data;
        else if ((port & ~3u) == pci_data)
            pci_write(d, port & 3, size, data & mask_of(size));
        else if (permitted(d, port, port + size - 1))
            hw_out(port, size, data & mask_of(size));
        if (size == 4)
            return;
        port += size;
        bytes -= size;
        data >>= size * 8;
    }
}

} // namespace arch
