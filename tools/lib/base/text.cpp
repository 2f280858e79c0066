#include "tools/lib/base/text.hpp"

namespace toolstack {

bool Text::reserve(uint32_t n)
{
    if (!ok_)
        return false;
    if (n <= cap_ - len_)
        return true;
    uint64_t want = static_cast<uint64_t>(len_) + n;
    uint64_t cap = cap_ ? cap_ : 32;
    while (cap < want)
        cap *= 2;
    if (cap > 0xFFFFFFFFu) {
        ok_ = false;
        return false;
    }
    auto* nb = static_cast<char*>(alloc_->allocate(static_cast<size_t>(cap)));
    if (!nb) {
        ok_ = false;
        return false;
    }
    mem_copy(nb, buf_, len_);
    alloc_->free(buf_, cap_);
    buf_ = nb;
    cap_ = static_cast<uint32_t>(cap);
    return true;
}

Text& Text::put(const void* p, uint32_t n)
{
    // p may point into this buffer, which reserve() may move.
    auto* src = static_cast<const char*>(p);
    bool inside = buf_ && src >= buf_ && src < buf_ + cap_;
    uint32_t at = inside ? static_cast<uint32_t>(src - buf_) : 0;
    if (n == 0 || !reserve(n))
        return *this;
    if (inside)
        src = buf_ + at;
    mem_move(buf_ + len_, src, n);
    len_ += n;
    return *this;
}

Text& Text::put_u64(uint64_t v)
{
    char digits[20];
    return put(digits, format_u64(v, digits));
}

Text& Text::put_u64_padded(uint64_t v, uint32_t width)
{
    char digits[20];
    uint32_t n = format_u64(v, digits);
    for (uint32_t i = n; i < width; ++i)
        put_char(' ');
    return put(digits, n);
}

Text& Text::put_padded(Str s, uint32_t width)
{
    put(s);
    for (uint32_t i = s.n; i < width; ++i)
        put_char(' ');
    return *this;
}

uint32_t format_u64(uint64_t v, char* out)
{
    char rev[20];
    uint32_t n = 0;
    do {
        rev[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    for (uint32_t i = 0; i < n; ++i)
        out[i] = rev[n - 1 - i];
    return n;
}

bool parse_u64(Str s, uint64_t max, uint64_t& out)
{
    if (s.empty() || s.n > 20)
        return false;
    uint64_t v = 0;
    for (uint32_t i = 0; i < s.n; ++i) {
        char c = s[i];
        if (c < '0' || c > '9')
            return false;
        auto d = static_cast<uint64_t>(c - '0');
        if (v > max / 10)
            return false;
        v *= 10;
        if (d > max - v)
            return false;
        v += d;
    }
    out = v;
    return true;
}

bool parse_i64(Str s, int64_t& out)
{
    bool neg = !s.empty() && s[0] == '-';
    uint64_t mag;
    if (!parse_u64(neg ? s.sub(1) : s, neg ? 0x8000000000000000ull : 0x7FFFFFFFFFFFFFFFull, mag))
        return false;
    out = neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
    return true;
}

} // namespace toolstack
