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

// Fixed delivery, physical destination; 'masked' programs the entry but
// leaves it off. False if no IO-APIC serves 'gsi'.
[[nodiscard]] bool route(uint32_t gsi, uint8_t vector, uint32_t dest_apic_id, Trigger trigger,
                         Polarity polarity, bool masked = false);
// Routes an ISA IRQ to wherever the MADT says it is wired (GSI, trigger,
// polarity), identity-mapped, edge and active high by default.
[[nodiscard]] bool route_isa(uint8_t irq, uint8_t vector, uint32_t dest_apic_id, bool masked = false);
[[nodiscard]] bool mask(uint32_t gsi);
// Clears the mask bit of an entry programmed before, leaving the rest.
[[nodiscard]] bool unmask(uint32_t gsi);
// The hardware domain's view (PHYSDEVOP_apic_read/write, Xen's
// ioapic_guest_read/write). -EINVAL when no IO-APIC sits at 'physbase'.
// Reads return the register. Writes change nothing the hypervisor owns:
// the ID register and the high (destination) halves are ignored; a
// redirection entry's low half is checked (delivery modes other than fixed
// or lowest priority -EINVAL, as Xen) and otherwise ignored, because GSIs
// are routed through PHYSDEVOP_setup_gsi and map_pirq.
[[nodiscard]] int guest_read(uint64_t physbase, uint32_t reg, uint32_t& value);
[[nodiscard]] int guest_write(uint64_t physbase, uint32_t reg, uint32_t value);
// The IO-APICs' register frames: never mappable by a guest.
uint32_t frame(unsigned i); // i < count()

// The raw 64-bit redirection entry for 'gsi' (diagnostics).
[[nodiscard]] bool read_entry(uint32_t gsi, uint64_t& raw);
// Programs the ISA SCI line (IRQ 9) masked and reads the entry back:
// checks that overrides and register writes land without letting an
// interrupt through. Boot CPU only.
[[nodiscard]] bool self_test(uint32_t dest_apic_id);

} // namespace arch::ioapic
