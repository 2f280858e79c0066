#include "arch/x86_32/acpi/madt.hpp"

namespace acpi {
namespace {

// Entry types and their minimum lengths, ACPI 6.5 §5.2.12.2 - 5.2.12.13.
enum Entry_type : uint8_t {
    local_apic = 0,
    io_apic = 1,
    source_override = 2,
    nmi_source = 3,
    local_apic_nmi = 4,
    lapic_address_override = 5,
    local_x2apic = 9,
    local_x2apic_nmi = 10,
};

constexpr uint8_t min_len(uint8_t type)
{
    switch (type) {
    case local_apic: return 8;
    case io_apic: return 12;
    case source_override: return 10;
    case nmi_source: return 8;
    case local_apic_nmi: return 6;
    case lapic_address_override: return 12;
    case local_x2apic: return 16;
    case local_x2apic_nmi: return 12;
    default: return 2;
    }
}

// Processor flags: bit 0 Enabled, bit 1 Online Capable.
void add_cpu(Madt& m, uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2)
{
    if (m.cpu_count == Madt::max_cpus) {
        ++m.dropped;
        return;
    }
    m.cpus[m.cpu_count++] = {apic_id, uid, (flags & 1) != 0, (flags & 2) != 0, x2};
}

void add_nmi(Madt& m, const Madt_nmi& n)
{
    if (m.nmi_count == Madt::max_nmis) {
        ++m.dropped;
        return;
    }
    m.nmis[m.nmi_count++] = n;
}

void parse_entry(Madt& m, const uint8_t* e)
{
    switch (e[0]) {
    case local_apic:
        add_cpu(m, e[3], e[2], rd32(e + 4), false);
        break;
    case local_x2apic:
        add_cpu(m, rd32(e + 4), rd32(e + 12), rd32(e + 8), true);
        break;
    case io_apic:
        if (m.ioapic_count == Madt::max_ioapics) {
            ++m.dropped;
            break;
        }
        m.ioapics[m.ioapic_count++] = {e[2], rd32(e + 4), rd32(e + 8)};
        break;
    case source_override:
        if (m.override_count == Madt::max_overrides) {
            ++m.dropped;
            break;
        }
        m.overrides[m.override_count++] = {e[2], e[3], rd32(e + 4), rd16(e + 8)};
        break;
    case nmi_source:
        add_nmi(m, {Madt_nmi::Kind::source, 0, 0, rd32(e + 4), rd16(e + 2)});
        break;
    case local_apic_nmi:
        add_nmi(m, {Madt_nmi::Kind::local, e[2], e[5], 0, rd16(e + 3)});
        break;
    case local_x2apic_nmi:
        add_nmi(m, {Madt_nmi::Kind::local, rd32(e + 4), e[8], 0, rd16(e + 2)});
        break;
    case lapic_address_override:
        m.lapic_address = rd64(e + 4);
        break;
    default:
        break;
    }
}

} // namespace

unsigned Madt::enabled_cpus() const
{
    unsigned n = 0;
    for (unsigned i = 0; i < cpu_count; ++i)
        n += cpus[i].enabled ? 1 : 0;
    return n;
}

bool parse_madt(const Table& t, Madt& out)
{
    // Header, then Local Interrupt Controller Address (u32) and Flags (u32).
    constexpr uint32_t first_entry = header_len + 8;
    if (!t.has_signature("APIC") || t.length < first_entry)
        return false;
    out.lapic_address = rd32(t.data + header_len);
    out.flags = rd32(t.data + header_len + 4);
    out.cpu_count = out.ioapic_count = out.override_count = out.nmi_count = out.dropped = 0;
    uint32_t off = first_entry;
    while (off < t.length) {
        if (t.length - off < 2)
            return false;
        const uint8_t* e = t.data + off;
        // A zero or short length would loop forever or read past the entry.
        if (e[1] < min_len(e[0]) || e[1] > t.length - off)
            return false;
        parse_entry(out, e);
        off += e[1];
    }
    return true;
}

Isa_route isa_route(const Madt& m, uint8_t irq)
{
    Isa_route r{irq, Trigger::edge, Polarity::high};
    for (unsigned i = 0; i < m.override_count; ++i) {
        const Madt_override& o = m.overrides[i];
        if (o.bus != 0 || o.source_irq != irq)
            continue;
        r.gsi = o.gsi;
        // 01 = active high / edge, 11 = active low / level; 00 conforms to
        // the bus (ISA: high, edge); 10 is reserved and treated as 00.
        if ((o.flags & 3) == 3)
            r.polarity = Polarity::low;
        if (((o.flags >> 2) & 3) == 3)
            r.trigger = Trigger::level;
        break;
    }
    return r;
}

int ioapic_for_gsi(const Madt& m, const uint32_t* entries, uint32_t gsi)
{
    for (unsigned i = 0; i < m.ioapic_count; ++i) {
        uint32_t base = m.ioapics[i].gsi_base;
        if (gsi >= base && gsi - base < entries[i])
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace acpi
