#include "arch/x86_32/dev/serial_irq.hpp"

#include "arch/x86_32/cpu/idt.hpp"
#include "arch/x86_32/irq/ioapic.hpp"
#include "arch/x86_32/irq/irq_vectors.hpp"
#include "arch/x86_32/irq/lapic.hpp"
#include "arch/x86_32/dev/serial.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/console/console_input.hpp"

namespace arch {
namespace {

constexpr uint8_t com1_irq = 4;

// Edge-triggered: reading every waiting byte lowers the UART's line, and a
// byte arriving after the last read raises a new edge that is latched in
// the IRR while this one is in service.
void on_com1(Exception_frame&)
{
    for (unsigned n = 0; n < 64; ++n) {
        int c = com1().get();
        if (c < 0)
            break;
        console_input::on_byte(static_cast<char>(c));
    }
    lapic::eoi();
}

} // namespace

bool serial_irq_init(uint32_t dest_apic_id)
{
    if (!com1().present())
        return false;
    if (!set_interrupt_handler(vector::com1, on_com1)) {
        log::warn("serial: cannot register the COM1 interrupt handler");
        return false;
    }
    if (!ioapic::route_isa(com1_irq, vector::com1, dest_apic_id)) {
        log::warn("serial: no IO-APIC serves ISA IRQ %u: no serial input", com1_irq);
        return false;
    }
    // Bytes typed before now would raise no edge: take them here.
    for (int c; (c = com1().get()) >= 0;)
        console_input::on_byte(static_cast<char>(c));
    com1().enable_rx_interrupt();
    log::info("serial: COM1 input on IRQ %u, vector %#x, APIC %u", com1_irq, vector::com1, dest_apic_id);
    return true;
}

} // namespace arch
