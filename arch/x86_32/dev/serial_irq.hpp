// COM1's receive interrupt: ISA IRQ 4 through the IO-APIC to
// vector::com1 on one CPU; every byte read goes to console_input.
#pragma once
#include <cstdint>

namespace arch {

// Boot CPU, after apic_irq_init() and the IO-APIC set-up; 'dest_apic_id'
// is the CPU that takes the interrupt (dom0's, so a blocked dom0 wakes).
// False (logged) if COM1 is not the console or cannot be routed.
[[nodiscard]] bool serial_irq_init(uint32_t dest_apic_id);

} // namespace arch
