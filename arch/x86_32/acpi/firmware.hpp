// The machine's ACPI tables as found at boot: RSDP, MADT, FADT and the \_S5
// sleep type. Filled once by acpi_init() on the boot CPU, read-only after.
#pragma once
#include "arch/x86_32/acpi/fadt.hpp"
#include "arch/x86_32/acpi/madt.hpp"

namespace arch {

struct Acpi_info {
    bool have_rsdp = false;
    acpi::Rsdp rsdp;
    bool have_madt = false;
    acpi::Madt madt;
    bool have_fadt = false;
    acpi::Fadt fadt;
    bool have_s5 = false;
    acpi::Sleep_type s5;
};

// Finds and parses the tables, logging what was found. Never fails as a
// whole: missing parts leave their have_ flag clear.
void acpi_init();
const Acpi_info& acpi_info();

} // namespace arch
