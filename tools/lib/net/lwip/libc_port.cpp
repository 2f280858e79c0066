// The few C library functions lwIP's core calls in dom0, which has no libc
// (guest-abi/mem_functions.cpp gives only mem*): strlen and strncmp
// (lwip_strnstr, pbuf_strstr), atoi and strtol (netif_find; glibc's header
// inlines atoi as strtol). Only the freestanding library has them, weak, so
// a kernel that brings its own definitions keeps those.
#include <cstddef>

#define XENITH_LIBC [[gnu::weak, gnu::optimize("no-tree-loop-distribute-patterns")]]

extern "C" {

XENITH_LIBC size_t strlen(const char* s)
{
    size_t n = 0;
    while (s[n])
        ++n;
    return n;
}

XENITH_LIBC int strncmp(const char* a, const char* b, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(a[i]);
        const auto y = static_cast<unsigned char>(b[i]);
        if (x != y)
            return x < y ? -1 : 1;
        if (x == 0)
            break;
    }
    return 0;
}

// Decimal and hex (base 10, 16, or 0 for a 0x prefix), enough for lwIP's
// interface names; saturates instead of setting errno.
XENITH_LIBC long strtol(const char* s, char** end, int base)
{
    const char* p = s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        ++p;
    const bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        ++p;
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = 10;
    }
    constexpr unsigned long limit = ~0ul >> 1;
    unsigned long v = 0;
    const char* digits = p;
    for (;; ++p) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'z')
            d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'Z')
            d = *p - 'A' + 10;
        else
            break;
        if (d >= base)
            break;
        const auto ub = static_cast<unsigned long>(base);
        v = v > (limit - static_cast<unsigned long>(d)) / ub
                ? limit + 1
                : v * ub + static_cast<unsigned long>(d);
    }
    if (end)
        *end = const_cast<char*>(p == digits ? s : p);
    if (v > limit)
        return neg ? -static_cast<long>(limit) - 1 : static_cast<long>(limit);
    return neg ? -static_cast<long>(v) : static_cast<long>(v);
}

XENITH_LIBC int atoi(const char* s)
{
    return static_cast<int>(strtol(s, nullptr, 10));
}

} // extern "C"
