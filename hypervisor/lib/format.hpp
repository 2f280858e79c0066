// printf-style formatting into a byte sink; portable (host-tested).
// Supports %d %i %u %x %X %o %c %s %p %%, the 'l', 'll', 'z' and 'h' length
// modifiers, '-', '0', '+', ' ' flags, field width and precision (also '*').
#pragma once
#include <cstdarg>
#include <cstddef>

namespace fmt {

class Sink {
public:
    virtual void put(char c) = 0;

protected:
    ~Sink() = default;
};

void vformat(Sink& out, const char* f, va_list ap);
[[gnu::format(printf, 2, 3)]] void format(Sink& out, const char* f, ...);

// Always NUL-terminates (when size > 0); returns the length that the full
// output would have had, like snprintf.
size_t vsnprint(char* buf, size_t size, const char* f, va_list ap);
[[gnu::format(printf, 3, 4)]] size_t snprint(char* buf, size_t size, const char* f, ...);

} // namespace fmt
