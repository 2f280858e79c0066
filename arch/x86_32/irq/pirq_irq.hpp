// The hardware side of dom0's physical interrupts (hypervisor/event/pirq.hpp):
// GSIs bound to event channels are routed through the IO-APIC to vectors
// of a small pool of their own, whose handler hands the GSI to the pirq
// core and sends the local APIC EOI.
#pragma once
#include <cstdint>

namespace arch {

// Vectors 0x50-0x7F are this pool's (below the legacy system-call vector
// 0x80; irq_vectors.hpp's other device vectors start at 0x30).
constexpr uint8_t pirq_vector_first = 0x50;
constexpr uint8_t pirq_vector_last = 0x7F;

// Registers the vector handlers and the pirq core's hardware hooks. Boot
// CPU, once, after platform_init() (the IO-APICs and the MADT).
void pirq_irq_init();

// GSIs the hypervisor drives itself: the PIT (ISA IRQ 0, wherever the MADT
// puts it), the 8259 cascade (GSI 0 and 2), and the serial lines COM1 and
// COM2 (ISA IRQs 4 and 3).
bool gsi_is_hypervisors(uint32_t gsi);

} // namespace arch
