// Platform bring-up on the boot CPU: ACPI tables, legacy PIC off, local
// APIC on, TSC and APIC timer calibrated, IO-APICs masked.
#pragma once

namespace arch {

// Call once, after the console and before interrupts are enabled.
void platform_init();

} // namespace arch
