// The local APIC in xAPIC mode, reached by MMIO through ioremap(). Every
// CPU's APIC sits at the same physical address, so one mapping serves all.
#pragma once
#include <cstdint>

namespace arch::lapic {

// Register offsets, Intel SDM vol. 3A Table 11-1.
enum Reg : uint32_t {
    id = 0x20,
    version = 0x30,
    tpr = 0x80,
    eoi_reg = 0xB0,
    svr = 0xF0,
    isr = 0x100,
    irr = 0x200,
    esr = 0x280,
    icr_low = 0x300,
    icr_high = 0x310,
    lvt_timer = 0x320,
    lvt_thermal = 0x330,
    lvt_perf = 0x340,
    lvt_lint0 = 0x350,
    lvt_lint1 = 0x360,
    lvt_error = 0x370,
    timer_initial = 0x380,
    timer_current = 0x390,
    timer_divide = 0x3E0,
};

constexpr uint32_t lvt_masked = 1u << 16;
// LVT timer mode, bits 17-18.
constexpr uint32_t timer_oneshot = 0u << 17;
constexpr uint32_t timer_periodic = 1u << 17;
constexpr uint32_t timer_tsc_deadline = 2u << 17;
// Divide configuration value for divide-by-16 (bits 0,1,3 = 0b011).
constexpr uint32_t divide_by_16 = 0x3;
constexpr uint32_t divisor = 16;

// Maps the APIC at 'phys' (first call only) and enables the calling CPU's
// APIC: globally through IA32_APIC_BASE, then by software through the SVR,
// with every LVT entry masked. False if the CPU has no usable APIC.
[[nodiscard]] bool init(uint64_t phys);
bool present();

uint32_t read(Reg r);
void write(Reg r, uint32_t v);

uint32_t this_id();
void eoi();
bool irr_pending(uint8_t vector);
// Some interrupt waits in this CPU's IRR (false without an APIC).
bool any_irr();

// Fixed interrupt to one CPU by APIC id (physical destination).
void send_ipi(uint32_t apic_id, uint8_t vector);
// INIT (assert) IPI, the start of the INIT-SIPI-SIPI sequence.
void send_init(uint32_t apic_id);
// STARTUP IPI: the target starts in real mode at 'page' << 12.
void send_startup(uint32_t apic_id, uint8_t page);
// NMI to every CPU but the caller (destination shorthand), for stopping
// the machine after a fatal error.
void send_nmi_all_but_self();
// Waits for the previous IPI to leave (ICR delivery status clear); false
// on timeout.
[[nodiscard]] bool wait_icr_idle();

} // namespace arch::lapic
