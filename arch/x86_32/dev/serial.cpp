#include "arch/x86_32/dev/serial.hpp"

#include "arch/x86_32/cpu/io.hpp"

namespace arch {
namespace {
enum : uint16_t { THR = 0, RBR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };
enum : uint8_t { LSR_DR = 0x01, LSR_THRE = 0x20, LCR_DLAB = 0x80 };

uint8_t line_control(const Uart_config& c)
{
    uint8_t lcr = static_cast<uint8_t>(c.data_bits - 5);
    if (c.stop_bits == 2)
        lcr |= 0x04;
    switch (c.parity) {
    case 'o': lcr |= 0x08; break;
    case 'e': lcr |= 0x18; break;
    case 'm': lcr |= 0x28; break;
    case 's': lcr |= 0x38; break;
    default: break;
    }
    return lcr;
}
} // namespace

bool Uart::init(const Uart_config& c, uint16_t default_base)
{
    uint16_t base = c.io_base ? c.io_base : default_base;
    // Scratch register round trip: a missing UART floats the bus to 0xFF.
    outb(static_cast<uint16_t>(base + SCR), 0x5A);
    if (inb(static_cast<uint16_t>(base + SCR)) != 0x5A)
        return false;
    outb(static_cast<uint16_t>(base + IER), 0);
    if (c.baud) {
        uint32_t divisor = c.clock_hz / (16 * c.baud);
        if (divisor == 0)
            divisor = 1;
        outb(static_cast<uint16_t>(base + LCR), LCR_DLAB);
        outb(static_cast<uint16_t>(base + DLL), static_cast<uint8_t>(divisor));
        outb(static_cast<uint16_t>(base + DLM), static_cast<uint8_t>(divisor >> 8));
    }
    outb(static_cast<uint16_t>(base + LCR), line_control(c));
    outb(static_cast<uint16_t>(base + FCR), 0x07); // enable and clear FIFOs
    outb(static_cast<uint16_t>(base + MCR), 0x03); // DTR, RTS
    base_ = base;
    return true;
}

void Uart::put(char c)
{
    if (!base_)
        return;
    for (unsigned spins = 0; spins < 1000000; ++spins)
        if (inb(static_cast<uint16_t>(base_ + LSR)) & LSR_THRE)
            break;
    outb(static_cast<uint16_t>(base_ + THR), static_cast<uint8_t>(c));
}

void Uart::enable_rx_interrupt()
{
    if (!base_)
        return;
    outb(static_cast<uint16_t>(base_ + MCR), 0x0B); // DTR, RTS, OUT2
    outb(static_cast<uint16_t>(base_ + IER), 0x01); // received data available
}

int Uart::get()
{
    if (!base_ || !(inb(static_cast<uint16_t>(base_ + LSR)) & LSR_DR))
        return -1;
    return inb(static_cast<uint16_t>(base_ + RBR));
}

Uart& com1()
{
    static Uart u;
    return u;
}

Uart& com2()
{
    static Uart u;
    return u;
}

} // namespace arch
