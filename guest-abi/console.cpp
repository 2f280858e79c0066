#include "console.hpp"

#include "hypercall.hpp"

void console_write(const char* s, size_t len)
{
    // CONSOLEIO_write may write fewer bytes than asked; loop on the rest.
    while (len > 0) {
        int32_t n = hc::console_io(CONSOLEIO_write, static_cast<uint32_t>(len), s);
        if (n <= 0)
            return;
        s += n;
        len -= static_cast<size_t>(n);
    }
}

void printf(const char* fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    size_t len = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    console_write(buf, len);
}
