// The IO-APICs listed in the MADT: every redirection entry starts masked;
// routing a GSI (or an ISA IRQ, through the MADT's source overrides) to a
// vector on one CPU unmasks it.
#pragma once
#include <cstdint>

#include "arch/x86_32/acpi/madt.hpp"

namespace arch::ioapic {

using acpi::Polarity;
using acpi::Trigger;

// Maps each IO-APIC, reads its version and entry count, masks every entry.
void init(const acpi::Madt& madt);
unsigned count();
// One past the highest GSI any IO-APIC serves.
uint32_t gsi_limit();

// Fixed delivery, physical destination. False if no IO-APIC serves 'gsi'.
[[nodiscard]] bool route(uint32_t gsi, uint8_t vector, uint32_t dest_apic_id, Trigger trigger,
                         Polarity polarity);
// Routes an ISA IRQ to wherever the MADT says it is wired (GSI, trigger,
// polarity), identity-mapped, edge and active high by default.
[[nodiscard]] bool route_isa(uint8_t irq, uint8_t vector, uint32_t dest_apic_id);
[[nodiscard]] bool mask(uint32_t gsi);

} // namespace arch::ioapic
