// The FADT ("FACP", ACPI 6.5 §5.2.9) fields power control needs, and the
// \_S5 sleep type from the DSDT's AML. Portable and host-tested.
#pragma once
#include <cstdint>

#include "arch/x86_32/acpi/tables.hpp"

namespace acpi {

// Generic Address Structure, ACPI 6.5 §5.2.3.2.
struct Gas {
    enum Space : uint8_t { memory = 0, io = 1, pci_config = 2 };
    uint8_t space = 0;
    uint8_t bit_width = 0;
    uint8_t bit_offset = 0;
    uint8_t access_size = 0;   // 0 undefined, 1 byte, 2 word, 3 dword, 4 qword
    uint64_t address = 0;
    bool present() const { return address != 0; }
};

struct Fadt {
    // FADT Flags bits (ACPI 6.5 Table 5.10).
    static constexpr uint32_t reset_reg_sup = 1u << 10;
    static constexpr uint32_t hw_reduced_acpi = 1u << 20;
    // IAPC_BOOT_ARCH bit 1: an 8042 keyboard controller is present.
    static constexpr uint16_t boot_arch_8042 = 1u << 1;
    // IAPC_BOOT_ARCH bit 5: there is no CMOS real-time clock.
    static constexpr uint16_t boot_arch_no_cmos_rtc = 1u << 5;

    uint8_t revision = 0;
    uint32_t flags = 0;
    uint64_t dsdt = 0;         // X_DSDT when present, else DSDT
    uint32_t smi_cmd = 0;      // 0: ACPI is always enabled (no SMI handshake)
    uint8_t acpi_enable = 0;
    Gas pm1a_cnt;              // X_PM1a_CNT_BLK when present, else PM1a_CNT_BLK
    Gas pm1b_cnt;
    Gas pm_tmr;                // X_PM_TMR_BLK when present, else PM_TMR_BLK
    Gas reset_reg;
    uint8_t reset_value = 0;
    uint16_t iapc_boot_arch = 0;

    bool reset_supported() const { return (flags & reset_reg_sup) && reset_reg.present(); }
};

// Reads only the fields 'Length' covers (a revision 1 FADT is 116 bytes,
// with no reset register and no 64-bit addresses). Fails on a wrong
// signature or a table too short for the ACPI 1.0 fields.
[[nodiscard]] bool parse_fadt(const Table& t, Fadt& out);

struct Sleep_type {
    uint8_t a = 0;             // SLP_TYPa, for PM1a_CNT bits 10-12
    uint8_t b = 0;             // SLP_TYPb, for PM1b_CNT
};

// Finds the \_S5 object in AML ('aml' = 'len' bytes of DefinitionBlock
// after the header): NameOp "_S5_" PackageOp PkgLength NumElements then
// integer elements. Every read is bounds-checked; a malformed package is
// skipped and the scan goes on.
[[nodiscard]] bool find_s5(const uint8_t* aml, uint32_t len, Sleep_type& out);

} // namespace acpi
