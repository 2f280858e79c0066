#include "arch/x86_32/irq/ioapic.hpp"

#include "arch/x86_32/mm/ioremap.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/lib/spinlock.hpp"

namespace arch::ioapic {
namespace {

// Indirect register access: select at +0x00, data window at +0x10
// (82093AA IO-APIC data sheet §3.1).
constexpr uint32_t reg_id = 0x00;
constexpr uint32_t reg_version = 0x01;
constexpr uint32_t reg_redir = 0x10;   // entry n: low word 0x10+2n, high 0x11+2n

// Redirection entry low-word bits.
constexpr uint32_t redir_active_low = 1u << 13;
constexpr uint32_t redir_level = 1u << 15;
constexpr uint32_t redir_masked = 1u << 16;

struct Unit {
    volatile uint32_t* regs;
    uint32_t gsi_base;
    uint32_t entries;
};

Unit units[acpi::Madt::max_ioapics];
uint32_t entry_counts[acpi::Madt::max_ioapics];
unsigned unit_count;
const acpi::Madt* madt_ref;
// The select/window pair is a two-step protocol: one user at a time.
Spinlock lock;

uint32_t read(const Unit& u, uint32_t reg)
{
    u.regs[0] = reg;
    return u.regs[4];
}

void write(const Unit& u, uint32_t reg, uint32_t v)
{
    u.regs[0] = reg;
    u.regs[4] = v;
}

Unit* unit_for(uint32_t gsi, uint32_t& pin)
{
    int i = madt_ref ? acpi::ioapic_for_gsi(*madt_ref, entry_counts, gsi) : -1;
    if (i < 0 || static_cast<unsigned>(i) >= unit_count || !units[i].regs)
        return nullptr;
    pin = gsi - units[i].gsi_base;
    return &units[i];
}

} // namespace

void init(const acpi::Madt& madt)
{
    madt_ref = &madt;
    unit_count = madt.ioapic_count;
    for (unsigned i = 0; i < unit_count; ++i) {
        const acpi::Madt_ioapic& m = madt.ioapics[i];
        Unit& u = units[i];
        u.regs = static_cast<volatile uint32_t*>(ioremap(m.address, 0x20));
        u.gsi_base = m.gsi_base;
        if (!u.regs) {
            log::error("IO-APIC %u: cannot map %#x", m.id, m.address);
            continue;
        }
        uint32_t ver = read(u, reg_version);
        u.entries = ((ver >> 16) & 0xFF) + 1;
        entry_counts[i] = u.entries;
        for (uint32_t pin = 0; pin < u.entries; ++pin) {
            write(u, reg_redir + 2 * pin, redir_masked);
            write(u, reg_redir + 2 * pin + 1, 0);
        }
        log::info("IO-APIC: id %u (reg %u) at %#x, version %#x, GSI %u-%u, all masked", m.id,
                  (read(u, reg_id) >> 24) & 0xF, m.address, ver & 0xFF, u.gsi_base, u.gsi_base + u.entries - 1);
    }
    if (unit_count == 0)
        log::warn("IO-APIC: none listed in the MADT");
}

unsigned count() { return unit_count; }

uint32_t gsi_limit()
{
    uint32_t limit = 0;
    for (unsigned i = 0; i < unit_count; ++i)
        if (units[i].gsi_base + units[i].entries > limit)
            limit = units[i].gsi_base + units[i].entries;
    return limit;
}

bool route(uint32_t gsi, uint8_t vector, uint32_t dest_apic_id, Trigger trigger, Polarity polarity, bool masked)
{
    uint32_t pin;
    Unit* u = unit_for(gsi, pin);
    if (!u || vector < 0x10 || dest_apic_id > 0xFF)
        return false;
    uint32_t low = vector | (trigger == Trigger::level ? redir_level : 0) |
                   (polarity == Polarity::low ? redir_active_low : 0) | (masked ? redir_masked : 0);
    Lock_guard<Spinlock> g(lock);
    // Mask first so the entry is never live with a half-written pair.
    write(*u, reg_redir + 2 * pin, redir_masked);
    write(*u, reg_redir + 2 * pin + 1, dest_apic_id << 24);
    write(*u, reg_redir + 2 * pin, low);
    return true;
}

bool route_isa(uint8_t irq, uint8_t vector, uint32_t dest_apic_id, bool masked)
{
    if (!madt_ref || irq >= 16)
        return false;
    acpi::Isa_route r = acpi::isa_route(*madt_ref, irq);
    return route(r.gsi, vector, dest_apic_id, r.trigger, r.polarity, masked);
}

bool mask(uint32_t gsi)
{
    uint32_t pin;
    Unit* u = unit_for(gsi, pin);
    if (!u)
        return false;
    Lock_guard<Spinlock> g(lock);
    write(*u, reg_redir + 2 * pin, read(*u, reg_redir + 2 * pin) | redir_masked);
    return true;
}

bool unmask(uint32_t gsi)
{
    uint32_t pin;
    Unit* u = unit_for(gsi, pin);
    if (!u)
        return false;
    Lock_guard<Spinlock> g(lock);
    write(*u, reg_redir + 2 * pin, read(*u, reg_redir + 2 * pin) & ~redir_masked);
    return true;
}

bool read_entry(uint32_t gsi, uint64_t& raw)
{
    uint32_t pin;
    Unit* u = unit_for(gsi, pin);
    if (!u)
        return false;
    Lock_guard<Spinlock> g(lock);
    raw = read(*u, reg_redir + 2 * pin) | static_cast<uint64_t>(read(*u, reg_redir + 2 * pin + 1)) << 32;
    return true;
}

bool self_test(uint32_t dest_apic_id)
{
    constexpr uint8_t irq = 9, test_vector = 0x39;
    if (!madt_ref)
        return false;
    acpi::Isa_route r = acpi::isa_route(*madt_ref, irq);
    uint64_t raw = 0;
    bool ok = route_isa(irq, test_vector, dest_apic_id, true) && read_entry(r.gsi, raw);
    uint64_t want = test_vector | redir_masked | (r.trigger == Trigger::level ? redir_level : 0) |
                    (r.polarity == Polarity::low ? redir_active_low : 0) | static_cast<uint64_t>(dest_apic_id) << 56;
    // Ignore the read-only delivery status (12) and remote IRR (14) bits.
    constexpr uint64_t status_bits = (1u << 12) | (1u << 14);
    ok = ok && (raw & ~status_bits) == want;
    log::debug("IO-APIC: self-test: ISA IRQ %u -> GSI %u %s %s: entry %#llx: %s", irq, r.gsi,
               r.trigger == Trigger::level ? "level" : "edge", r.polarity == Polarity::low ? "low" : "high",
               static_cast<unsigned long long>(raw), ok ? "ok" : "MISMATCH");
    return ok;
}

namespace {

constexpr int einval = -22; // XEN_EINVAL (public/errno.h)

const Unit* unit_at(uint64_t physbase)
{
    for (unsigned i = 0; madt_ref && i < unit_count; ++i)
        if (units[i].regs && madt_ref->ioapics[i].address == physbase)
            return &units[i];
    return nullptr;
}

} // namespace

int guest_read(uint64_t physbase, uint32_t reg, uint32_t& value)
{
    const Unit* u = unit_at(physbase);
    if (!u)
        return einval;
    Lock_guard<Spinlock> g(lock);
    value = read(*u, reg & 0xFF);
    return 0;
}

int guest_write(uint64_t physbase, uint32_t reg, uint32_t value)
{
    if (!unit_at(physbase))
        return einval;
    if (reg < reg_redir || (reg & 1))
        return 0; // the ID register and destinations stay the hypervisor's
    uint32_t delivery = (value >> 8) & 7; // 0 fixed, 1 lowest priority
    return delivery > 1 ? einval : 0;
}

uint32_t frame(unsigned i) { return madt_ref ? madt_ref->ioapics[i].address >> 12 : 0; }

} // namespace arch::ioapic
