#include "console.hpp"

#include <cstdint>

namespace {

struct Out {
    char* buf;
    size_t size;
    size_t len = 0;

    void put(char c)
    {
        if (len + 1 < size)
            buf[len] = c;
        ++len;
    }
};

struct Spec {
    bool left = false;
    bool zero = false;
    bool alt = false;
    unsigned width = 0;
    int precision = -1; // strings only: at most this many bytes
};

void pad(Out& out, unsigned n, char c)
{
    for (; n > 0; --n)
        out.put(c);
}

void put_text(Out& out, const Spec& spec, const char* s, size_t len)
{
    unsigned fill = spec.width > len ? static_cast<unsigned>(spec.width - len) : 0;
    if (!spec.left)
        pad(out, fill, ' ');
    for (size_t i = 0; i < len; ++i)
        out.put(s[i]);
    if (spec.left)
        pad(out, fill, ' ');
}

void put_number(Out& out, const Spec& spec, uint64_t v, unsigned base, bool negative, bool upper)
{
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    char prefix[2];
    size_t plen = 0;
    if (negative)
        prefix[plen++] = '-';
    else if (spec.alt && base == 16) {
        prefix[0] = '0';
        prefix[1] = upper ? 'X' : 'x';
        plen = 2;
    }
    size_t total = n + plen;
    unsigned fill = spec.width > total ? static_cast<unsigned>(spec.width - total) : 0;
    if (!spec.left && !spec.zero)
        pad(out, fill, ' ');
    for (size_t i = 0; i < plen; ++i)
        out.put(prefix[i]);
    if (!spec.left && spec.zero)
        pad(out, fill, '0');
    while (n > 0)
        out.put(tmp[--n]);
    if (spec.left)
        pad(out, fill, ' ');
}

size_t cstr_len(const char* s, int max)
{
    size_t n = 0;
    while ((max < 0 || n < static_cast<size_t>(max)) && s[n] != '\0')
        ++n;
    return n;
}

} // namespace

size_t vformat(char* buf, size_t size, const char* fmt, va_list ap)
{
    Out out{buf, size};
    for (const char* p = fmt; *p != '\0'; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        Spec spec;
        for (++p;; ++p) {
            if (*p == '-')
                spec.left = true;
            else if (*p == '0')
                spec.zero = true;
            else if (*p == '#')
                spec.alt = true;
            else
                break;
        }
        for (; *p >= '0' && *p <= '9'; ++p)
            spec.width = spec.width * 10 + static_cast<unsigned>(*p - '0');
        if (*p == '.') {
            spec.precision = 0;
            for (++p; *p >= '0' && *p <= '9'; ++p)
                spec.precision = spec.precision * 10 + (*p - '0');
        }
        unsigned longs = 0;
        for (; *p == 'l'; ++p)
            ++longs;
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = longs >= 2 ? va_arg(ap, long long) : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
            uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
            put_number(out, spec, mag, 10, v < 0, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longs >= 2   ? va_arg(ap, unsigned long long)
                         : longs == 1 ? va_arg(ap, unsigned long)
                                      : va_arg(ap, unsigned);
            put_number(out, spec, v, *p == 'u' ? 10 : 16, false, *p == 'X');
            break;
        }
        case 'p':
            spec.alt = true;
            put_number(out, spec, reinterpret_cast<uintptr_t>(va_arg(ap, void*)), 16, false, false);
            break;
        case 's': {
            const char* s = va_arg(ap, const char*);
            if (s == nullptr)
                s = "(null)";
            put_text(out, spec, s, cstr_len(s, spec.precision));
            break;
        }
        case 'c': {
            char c = static_cast<char>(va_arg(ap, int));
            put_text(out, spec, &c, 1);
            break;
        }
        case '%':
            out.put('%');
            break;
        case '\0':
            --p; // a lone '%' at the end
            break;
        default:
            out.put('%');
            out.put(*p);
            break;
        }
    }
    if (size > 0)
        buf[out.len < size ? out.len : size - 1] = '\0';
    return out.len < size ? out.len : (size > 0 ? size - 1 : 0);
}
