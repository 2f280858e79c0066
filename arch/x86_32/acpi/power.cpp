// Power-off through ACPI S5, reset through the FADT reset register, the
// keyboard controller and finally a triple fault.
#include "arch/x86_32/acpi/power.hpp"

#include "arch/x86_32/acpi/firmware.hpp"
#include "arch/x86_32/cpu/io.hpp"
#include "arch/x86_32/mm/ioremap.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {
namespace {

// PM1 control register bits, ACPI 6.5 §4.8.4.2.1 (Table 4.14).
constexpr uint16_t pm1_sci_en = 1u << 0;
constexpr unsigned pm1_slp_typ_shift = 10;
constexpr uint16_t pm1_slp_en = 1u << 13;

// Access width in bytes: the access size field when given, else the
// register's bit width.
unsigned gas_bytes(const acpi::Gas& g)
{
    if (g.access_size >= 1 && g.access_size <= 3)
        return 1u << (g.access_size - 1);
    return g.bit_width >= 32 ? 4 : g.bit_width >= 16 ? 2 : 1;
}

// PCI configuration mechanism #1; the GAS address holds device in bits
// 32-47, function in 16-31 and the register offset in 0-15 (bus 0).
uint16_t pci_config_select(uint64_t a)
{
    uint32_t dev = static_cast<uint32_t>(a >> 32) & 0x1F, fn = static_cast<uint32_t>(a >> 16) & 7;
    uint32_t reg = static_cast<uint32_t>(a) & 0xFF;
    outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xFC));
    return static_cast<uint16_t>(0xCFC + (reg & 3));
}

uint32_t port_read(uint16_t port, unsigned n)
{
    return n == 1 ? inb(port) : n == 2 ? inw(port) : inl(port);
}

void port_write(uint16_t port, unsigned n, uint32_t v)
{
    if (n == 1)
        outb(port, static_cast<uint8_t>(v));
    else if (n == 2)
        outw(port, static_cast<uint16_t>(v));
    else
        outl(port, v);
}

// ioremap() mappings are permanent, so the few registers we poll are
// mapped once and remembered.
volatile uint8_t* mmio(uint64_t phys)
{
    static uint64_t phys_of[4];
    static volatile uint8_t* va_of[4];
    for (unsigned i = 0; i < 4; ++i)
        if (va_of[i] && phys_of[i] == phys)
            return va_of[i];
    for (unsigned i = 0; i < 4; ++i) {
        if (va_of[i])
            continue;
        va_of[i] = static_cast<volatile uint8_t*>(ioremap(phys, 8));
        phys_of[i] = phys;
        return va_of[i];
    }
    return nullptr;
}

uint32_t mem_read(volatile uint8_t* p, unsigned n)
{
    if (n == 1)
        return *p;
    if (n == 2)
        return *reinterpret_cast<volatile uint16_t*>(p);
    return *reinterpret_cast<volatile uint32_t*>(p);
}

void mem_write(volatile uint8_t* p, unsigned n, uint32_t v)
{
    if (n == 1)
        *p = static_cast<uint8_t>(v);
    else if (n == 2)
        *reinterpret_cast<volatile uint16_t*>(p) = static_cast<uint16_t>(v);
    else
        *reinterpret_cast<volatile uint32_t*>(p) = v;
}

// Reads or writes a register described by a GAS; false when the address
// space is not one we drive (embedded controller, SMBus, ...).
bool gas_access(const acpi::Gas& g, uint32_t& value, bool write)
{
    unsigned n = gas_bytes(g);
    uint16_t port = 0;
    if (g.space == acpi::Gas::io && g.address <= 0xFFFF)
        port = static_cast<uint16_t>(g.address);
    else if (g.space == acpi::Gas::pci_config)
        port = pci_config_select(g.address);
    if (port) {
        if (write)
            port_write(port, n, value);
        else
            value = port_read(port, n);
        return true;
    }
    volatile uint8_t* p = g.space == acpi::Gas::memory ? mmio(g.address) : nullptr;
    if (!p)
        return false;
    if (write)
        mem_write(p, n, value);
    else
        value = mem_read(p, n);
    return true;
}

// Firmware that still owns the SCI wants the ACPI_ENABLE handshake before
// the OS touches PM1 (ACPI 6.5 §4.8.2.1.1); wait up to ~1 s for SCI_EN.
void enable_acpi_mode(const acpi::Fadt& f)
{
    uint32_t cnt = 0;
    if (!gas_access(f.pm1a_cnt, cnt, false) || (cnt & pm1_sci_en))
        return;
    if (!f.smi_cmd || !f.acpi_enable || f.smi_cmd > 0xFFFF)
        return;
    outb(static_cast<uint16_t>(f.smi_cmd), f.acpi_enable);
    for (int i = 0; i < 1000000 && !(cnt & pm1_sci_en); ++i) {
        io_delay();
        (void)gas_access(f.pm1a_cnt, cnt, false);
    }
    log::debug("ACPI: mode enable through SMI_CMD %#x: SCI_EN %s", f.smi_cmd, (cnt & pm1_sci_en) ? "set" : "still clear");
}

void sleep_s5(const acpi::Fadt& f, const acpi::Sleep_type& s5)
{
    enable_acpi_mode(f);
    uint32_t a = 0, b = 0;
    (void)gas_access(f.pm1a_cnt, a, false);
    a = (a & ~(7u << pm1_slp_typ_shift)) | static_cast<uint32_t>(s5.a) << pm1_slp_typ_shift | pm1_slp_en;
    if (f.pm1b_cnt.present()) {
        (void)gas_access(f.pm1b_cnt, b, false);
        b = (b & ~(7u << pm1_slp_typ_shift)) | static_cast<uint32_t>(s5.b) << pm1_slp_typ_shift | pm1_slp_en;
        (void)gas_access(f.pm1b_cnt, b, true);
    }
    (void)gas_access(f.pm1a_cnt, a, true);
}

void keyboard_controller_reset()
{
    for (int i = 0; i < 100000 && (inb(0x64) & 0x02); ++i)
        io_delay();
    outb(0x64, 0xFE);
}

// Spin for roughly 'n' port delays (about 1 us each) to let a reset land.
void settle(int n)
{
    for (int i = 0; i < n; ++i)
        io_delay();
}

[[noreturn]] void triple_fault()
{
    struct [[gnu::packed]] {
        uint16_t limit;
        uint32_t base;
    } empty_idt = {0, 0};
    asm volatile("cli; lidt %0; int3" ::"m"(empty_idt));
    halt_forever();
}

} // namespace

void machine_halt()
{
    log::info("halting");
    halt_forever();
}

void machine_restart()
{
    asm volatile("cli");
    const Acpi_info& acpi = acpi_info();
    if (acpi.have_fadt && acpi.fadt.reset_supported()) {
        log::info("restart: through the ACPI reset register");
        uint32_t v = acpi.fadt.reset_value;
        (void)gas_access(acpi.fadt.reset_reg, v, true);
        settle(50000);
    }
    log::info("restart: through the keyboard controller");
    keyboard_controller_reset();
    settle(50000);
    log::info("restart: by triple fault");
    triple_fault();
}

void machine_power_off()
{
    asm volatile("cli");
    const Acpi_info& acpi = acpi_info();
    if (acpi.have_fadt && acpi.have_s5 && acpi.fadt.pm1a_cnt.present()) {
        sleep_s5(acpi.fadt, acpi.s5);
        // About two seconds of port-0x80 delays on hardware: long enough
        // for an emulator whose main loop is starved by a busy host to act
        // on the write (100 000 were seen to be too few); only a machine
        // that ignores S5 waits them out.
        settle(2000000);
        log::error("ACPI S5 power-off did not take effect");
    } else {
        log::error("no ACPI power-off method");
    }
    log::error("halting instead of powering off");
    halt_forever();
}

} // namespace arch
