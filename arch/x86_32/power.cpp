// Fallback implementations; ACPI-based power-off and reset replace these.
#include "arch/x86_32/power.hpp"

#include "arch/x86_32/io.hpp"

namespace arch {

void machine_halt() { halt_forever(); }

void machine_restart()
{
    // Keyboard controller pulse on the reset line.
    for (int i = 0; i < 100000 && (inb(0x64) & 0x02); ++i)
        io_delay();
    outb(0x64, 0xFE);
    halt_forever();
}

void machine_power_off() { halt_forever(); }

} // namespace arch
