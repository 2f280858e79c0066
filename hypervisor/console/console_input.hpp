// Serial console input (hypervisor/console/serial_input.hpp routes it): bytes for
// dom0 raise VIRQ_CONSOLE; bytes for the debug shell run debug keys; a
// switch prints where input goes now.
#pragma once
#include <cstdint>

namespace console_input {

// From the UART's interrupt handler (interrupts off).
void on_byte(char c);

// console_io CONSOLEIO_read: copies up to 'max' queued bytes (they stay
// queued until consume()); returns how many.
uint32_t peek(char* out, uint32_t max);
void consume(uint32_t n);

bool to_shell();

} // namespace console_input
