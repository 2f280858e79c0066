// Guest output on the hypervisor console (dom0: CONSOLEIO_write).
#pragma once
#include <cstdarg>
#include <cstddef>

void console_write(const char* s, size_t len);

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
