// VGA text-mode console (console=vga): 80x25 at physical 0xB8000, the
// screen of a PC without a serial line.
#pragma once
#include <cstddef>

namespace arch {

void vga_init();
void vga_write(const char* s, size_t n);

} // namespace arch
