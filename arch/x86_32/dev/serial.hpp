// 16550 UART: the hypervisor's console line (COM1 by default).
#pragma once
#include "hypervisor/boot/cmdline.hpp"

namespace arch {

class Uart {
public:
    // Programs the line; returns false if no UART answers at the port.
    bool init(const Uart_config& c, uint16_t default_base);
    void put(char c);
    // Non-blocking; returns -1 when nothing is waiting.
    int get();
    bool present() const { return base_ != 0; }
    uint16_t base() const { return base_; }
    // Raises the UART's interrupt line when a byte has arrived (IER bit 0)
    // and sets OUT2, which gates that line to the interrupt controller on
    // PC boards.
    void enable_rx_interrupt();

private:
    uint16_t base_ = 0;
};

Uart& com1();
Uart& com2();

} // namespace arch
