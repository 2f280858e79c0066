#include "hypervisor/boot/elf_error.hpp"

#include "hypervisor/lib/format.hpp"

#include <cstdarg>

bool elf_fail(Elf_error& err, const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    fmt::vsnprint(err.text, Elf_error::len, f, ap);
    va_end(ap);
    return false;
}
