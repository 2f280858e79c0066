#include "console.hpp"

#include "hypercall.hpp"

void console_write(const char* s, size_t len)
{
    // CONSOLEIO_write writes the whole buffer and returns 0, not a count
    // (Xen's do_console_io); there is nothing to retry, and nowhere to
    // report a failure but the console itself.
    (void)hc::console_io(CONSOLEIO_write, static_cast<uint32_t>(len), s);
}

size_t format(char* buf, size_t size, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t len = vformat(buf, size, fmt, ap);
    va_end(ap);
    return len;
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
