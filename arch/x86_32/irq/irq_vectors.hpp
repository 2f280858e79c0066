// Interrupt vectors the platform code programs. The legacy PICs are moved
// to 0x20-0x2F (and masked) so that a stray 8259 interrupt can never look
// like an exception; the local APIC's own vectors sit at the top.
#pragma once
#include <cstdint>

namespace arch::vector {

constexpr uint8_t pic_master_base = 0x20;
constexpr uint8_t pic_slave_base = 0x28;
constexpr uint8_t first_device = 0x30;   // IO-APIC routed GSIs from here
// COM1's receive interrupt (ISA IRQ 4): first_device + its ISA IRQ number.
constexpr uint8_t com1 = first_device + 4;
constexpr uint8_t lapic_timer = 0xF0;
// Inter-processor TLB flush request (arch/x86_32/mm/tlb_clock.hpp).
constexpr uint8_t invalidate_tlb = 0xFA;
// Inter-processor "look at your softirqs" (arch/x86_32/cpu/softirq.hpp).
constexpr uint8_t event_check = 0xFB;
// Inter-processor "call function" request (arch/x86_32/cpu/ipi.hpp).
constexpr uint8_t call_function = 0xFC;
constexpr uint8_t lapic_error = 0xFE;
// Spurious vector: its low 4 bits must be ones on P6-era APICs (Intel SDM
// vol. 3A §11.9).
constexpr uint8_t lapic_spurious = 0xFF;

} // namespace arch::vector
