// Guest output: dom0 writes to the hypervisor console (CONSOLEIO_write); a
// domU to the console ring its builder gave it (start_info.console.domU),
// which a backend in dom0 drains.
#pragma once
#include <cstdarg>
#include <cstddef>

#include "public/io/console.h"

void console_write(const char* s, size_t len);

// Backend side, for a test dom0 relaying a domU's output: moves what the
// domU produced (at most 'size' bytes) into buf; returns how many.
size_t console_relay(xencons_interface_t& r, char* buf, size_t size);

// printf subset: %d %i %u %x %X %p %s %c %%, flags '-' '0' '#', a width,
// and the length modifiers l and ll. Output longer than 255 bytes per call
// is truncated.
[[gnu::format(printf, 1, 2)]] void printf(const char* fmt, ...);

// Formats into buf like printf (always NUL-terminated when size > 0);
// returns the length written, not counting the NUL.
[[gnu::format(printf, 3, 4)]] size_t format(char* buf, size_t size, const char* fmt, ...);
// Formats into buf (always NUL-terminated when size > 0); returns the length
// written, not counting the NUL.
size_t vformat(char* buf, size_t size, const char* fmt, va_list ap);
