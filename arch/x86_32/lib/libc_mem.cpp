// The four memory functions GCC may call on its own, even in freestanding
// code (-ffreestanding still assumes memcpy/memmove/memset/memcmp exist).
#include <cstddef>
#include <cstdint>

extern "C" {

// Four bytes a step, then the tail a byte at a time: on the P6 and its
// successors without ERMSB, rep movsb moves one byte per iteration, four
// times the iterations of rep movsl (a 4 KiB grant copy spent two thirds
// of its instructions in it). Forward element order, as memmove relies on.
void* memcpy(void* dst, const void* src, size_t n)
{
    void* ret = dst;
    size_t words = n / 4;
    size_t tail = n % 4;
    asm volatile("rep movsl\n\t"
                 "movl %[tail], %%ecx\n\t"
                 "rep movsb"
                 : "+D"(dst), "+S"(src), "+c"(words)
                 : [tail] "r"(tail)
                 : "memory");
    return ret;
}

void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<uint8_t*>(dst);
    const auto* s = static_cast<const uint8_t*>(src);
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

// Four bytes a step too, for the reason memcpy gives: clearing a domain's
// frames with rep stosb took four times the iterations (GCC's own
// expansion used rep stosl, until link-time optimisation inlined this one
// instead).
void* memset(void* dst, int c, size_t n)
{
    void* ret = dst;
    uint32_t byte = static_cast<uint8_t>(c);
    uint32_t word = byte * 0x01010101u;
    size_t words = n / 4;
    size_t tail = n % 4;
    asm volatile("rep stosl\n\t"
                 "movl %[tail], %%ecx\n\t"
                 "rep stosb"
                 : "+D"(dst), "+c"(words)
                 : "a"(word), [tail] "r"(tail)
                 : "memory");
    return ret;
}

int memcmp(const void* a, const void* b, size_t n)
{
    const auto* x = static_cast<const uint8_t*>(a);
    const auto* y = static_cast<const uint8_t*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

} // extern "C"
