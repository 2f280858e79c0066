// Byte strings without the C++ runtime: Str, a view of bytes that are not
// owned; Text, a growing buffer made through an Allocator whose failures are
// sticky (check ok() once at the end instead of after every append); and
// strict decimal conversions. Portable and freestanding: the mem* calls
// compile to the four functions every freestanding C++ target provides.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/base/allocator.hpp"

namespace toolstack {

inline void mem_copy(void* d, const void* s, size_t n)
{
    if (n)
        __builtin_memcpy(d, s, n);
}
inline void mem_move(void* d, const void* s, size_t n)
{
    if (n)
        __builtin_memmove(d, s, n);
}
inline void mem_set(void* d, int c, size_t n)
{
    if (n)
        __builtin_memset(d, c, n);
}
inline bool mem_eq(const void* a, const void* b, size_t n)
{
    return n == 0 || __builtin_memcmp(a, b, n) == 0;
}

inline uint32_t str_len(const char* s)
{
    uint32_t n = 0;
    while (s[n])
        ++n;
    return n;
}

// A view of n bytes at p (not NUL-terminated unless said so).
struct Str {
    const char* p = "";
    uint32_t n = 0;

    constexpr Str() = default;
    constexpr Str(const char* s, uint32_t len) : p(s), n(len) {}
    // A C string (without its NUL).
    Str(const char* s) : p(s), n(str_len(s)) {} // NOLINT: implicit on purpose

    bool empty() const { return n == 0; }
    char operator[](uint32_t i) const { return p[i]; }
    bool operator==(Str o) const { return n == o.n && mem_eq(p, o.p, n); }
    bool operator!=(Str o) const { return !(*this == o); }
    bool starts_with(Str o) const { return n >= o.n && mem_eq(p, o.p, o.n); }
    Str sub(uint32_t from) const { return from >= n ? Str(p + n, 0) : Str(p + from, n - from); }
    Str prefix(uint32_t len) const { return Str(p, len < n ? len : n); }
    // Index of the first c at or after from, or n.
    uint32_t find(char c, uint32_t from = 0) const
    {
        for (uint32_t i = from; i < n; ++i)
            if (p[i] == c)
                return i;
        return n;
    }
    // Index of the last c, or n.
    uint32_t rfind(char c) const
    {
        for (uint32_t i = n; i > 0; --i)
            if (p[i - 1] == c)
                return i - 1;
        return n;
    }
};

// A buffer that grows through an Allocator. After a failed allocation
// every further append is ignored and ok() is false.
class Text {
public:
    explicit Text(const Allocator& a) : alloc_(&a) {}
    ~Text() { alloc_->free(buf_, cap_); }
    Text(const Text&) = delete;
    Text& operator=(const Text&) = delete;

    bool ok() const { return ok_; }
    uint32_t size() const { return len_; }
    const char* data() const { return buf_ ? buf_ : ""; }
    Str str() const { return Str(data(), len_); }

    Text& put(const void* p, uint32_t n);
    Text& put(Str s) { return put(s.p, s.n); }
    Text& put_char(char c) { return put(&c, 1); }
    // A string and its NUL, as the wire protocol lists strings.
    Text& put_z(Str s) { return put(s).put_char('\0'); }
    Text& put_u64(uint64_t v);
    // v right-aligned in width columns.
    Text& put_u64_padded(uint64_t v, uint32_t width);
    // s left-aligned in width columns.
    Text& put_padded(Str s, uint32_t width);
    // Room for at least n more bytes.
    bool reserve(uint32_t n);
    void clear() { len_ = 0; }
    // Forgets the first n bytes (all of them if n >= size()).
    void drop_front(uint32_t n)
    {
        if (n >= len_) {
            len_ = 0;
            return;
        }
        mem_move(buf_, buf_ + n, len_ - n);
        len_ -= n;
    }

private:
    const Allocator* alloc_;
    char* buf_ = nullptr;
    uint32_t len_ = 0;
    uint32_t cap_ = 0;
    bool ok_ = true;
};

// Decimal digits of v into out (at least 20 bytes), no NUL; returns the count.
uint32_t format_u64(uint64_t v, char* out);

// s is all decimal digits (no sign, no spaces, at least one) and at most max.
[[nodiscard]] bool parse_u64(Str s, uint64_t max, uint64_t& out);
// As parse_u64 with an optional leading '-'.
[[nodiscard]] bool parse_i64(Str s, int64_t& out);

// The value of one hex digit (either case), or -1.
inline int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace toolstack
