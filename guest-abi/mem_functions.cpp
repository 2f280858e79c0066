// The memory functions the compiler, and the toolstack library, may call
// in a guest that links tools/lib (guest-abi itself never needs them):
// the library xenith_guest_mem.
#include <cstddef>
#include <cstdint>

// The loops must stay loops: GCC would otherwise turn them into calls to
// the very functions they define.
#define XENITH_PLAIN_LOOP [[gnu::optimize("no-tree-loop-distribute-patterns")]]

extern "C" {

XENITH_PLAIN_LOOP void* memcpy(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<uint8_t*>(dst);
    const auto* s = static_cast<const uint8_t*>(src);
    for (size_t i = 0; i < n; ++i)
        d[i] = s[i];
    return dst;
}

XENITH_PLAIN_LOOP void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<uint8_t*>(dst);
    const auto* s = static_cast<const uint8_t*>(src);
    if (d < s) {
        for (size_t i = 0; i < n; ++i)
            d[i] = s[i];
    } else {
        for (size_t i = n; i > 0; --i)
            d[i - 1] = s[i - 1];
    }
    return dst;
}

XENITH_PLAIN_LOOP void* memset(void* dst, int c, size_t n)
{
    auto* d = static_cast<uint8_t*>(dst);
    for (size_t i = 0; i < n; ++i)
        d[i] = static_cast<uint8_t>(c);
    return dst;
}

XENITH_PLAIN_LOOP int memcmp(const void* a, const void* b, size_t n)
{
    const auto* x = static_cast<const uint8_t*>(a);
    const auto* y = static_cast<const uint8_t*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

} // extern "C"
