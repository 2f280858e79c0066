// The MADT ("APIC" table, ACPI 6.5 §5.2.12): local APICs, IO-APICs, ISA
// interrupt source overrides and NMI wiring. Portable and host-tested.
#pragma once
#include <cstdint>

#include "arch/x86_32/acpi/tables.hpp"

namespace acpi {

enum class Polarity : uint8_t { high, low };
enum class Trigger : uint8_t { edge, level };

struct Madt_cpu {
    uint32_t apic_id;
    uint32_t uid;          // ACPI processor UID
    bool enabled;
    bool online_capable;   // disabled now, may be hot-added (ACPI 6.3+)
    bool x2apic;           // came from a Processor Local x2APIC entry
};

struct Madt_ioapic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};

struct Madt_override {
    uint8_t bus;           // 0: ISA
    uint8_t source_irq;
    uint32_t gsi;
    uint16_t flags;        // MPS INTI flags: polarity bits 0-1, trigger 2-3
};

struct Madt_nmi {
    enum class Kind : uint8_t { local, source } kind;
    uint32_t uid;          // local: processor UID, 0xFF / 0xFFFFFFFF = all
    uint8_t lint;          // local: LINT0 or LINT1
    uint32_t gsi;          // source: the GSI wired to NMI
    uint16_t flags;
};

struct Madt {
    static constexpr unsigned max_cpus = 256;
    static constexpr unsigned max_ioapics = 16;
    static constexpr unsigned max_overrides = 32;
    static constexpr unsigned max_nmis = 16;

    uint64_t lapic_address = 0;    // after any Local APIC Address Override
    uint32_t flags = 0;            // bit 0 PCAT_COMPAT: dual 8259s present
    Madt_cpu cpus[max_cpus];
    unsigned cpu_count = 0;
    Madt_ioapic ioapics[max_ioapics];
    unsigned ioapic_count = 0;
    Madt_override overrides[max_overrides];
    unsigned override_count = 0;
    Madt_nmi nmis[max_nmis];
    unsigned nmi_count = 0;
    unsigned dropped = 0;          // entries beyond the arrays above

    unsigned enabled_cpus() const;
};

// Fails (leaving 'out' unspecified) if the table is not an MADT or any
// entry is shorter than its type requires or runs past the table's end.
[[nodiscard]] bool parse_madt(const Table& t, Madt& out);

// Where an ISA IRQ lands: identity-mapped, edge, active high unless an
// interrupt source override for bus 0 says otherwise.
struct Isa_route {
    uint32_t gsi;
    Trigger trigger;
    Polarity polarity;
};
Isa_route isa_route(const Madt& m, uint8_t irq);

// The IO-APIC serving 'gsi' (given each one's redirection entry count), or
// -1. 'entries[i]' belongs to 'm.ioapics[i]'.
int ioapic_for_gsi(const Madt& m, const uint32_t* entries, uint32_t gsi);

} // namespace acpi
