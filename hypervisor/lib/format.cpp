#include "hypervisor/lib/format.hpp"

#include <cstdint>

namespace fmt {
namespace {

struct Spec {
    bool left = false, zero = false, plus = false, space = false, alt = false;
    int width = 0;
    int precision = -1;
};

void pad(Sink& out, int n, char c)
{
    for (; n > 0; --n)
        out.put(c);
}

void emit_string(Sink& out, const Spec& s, const char* str)
{
    if (!str)
        str = "(null)";
    int len = 0;
    while (str[len] && (s.precision < 0 || len < s.precision))
        ++len;
    if (!s.left)
        pad(out, s.width - len, ' ');
    for (int i = 0; i < len; ++i)
        out.put(str[i]);
    if (s.left)
        pad(out, s.width - len, ' ');
}

void emit_number(Sink& out, const Spec& s, uint64_t v, bool negative, unsigned base, bool upper,
                 const char* prefix)
{
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;
    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    int prec_zeros = s.precision > n ? s.precision - n : 0;
    char sign = negative ? '-' : s.plus ? '+' : s.space ? ' ' : '\0';
    int plen = 0;
    while (prefix && prefix[plen])
        ++plen;
    int total = n + prec_zeros + (sign ? 1 : 0) + plen;
    bool zero_pad = s.zero && !s.left && s.precision < 0;
    if (!s.left && !zero_pad)
        pad(out, s.width - total, ' ');
    if (sign)
        out.put(sign);
    for (int i = 0; i < plen; ++i)
        out.put(prefix[i]);
    if (zero_pad)
        pad(out, s.width - total, '0');
    pad(out, prec_zeros, '0');
    while (n)
        out.put(buf[--n]);
    if (s.left)
        pad(out, s.width - total, ' ');
}

int parse_int(const char*& f, va_list& ap)
{
    if (*f == '*') {
        ++f;
        return va_arg(ap, int);
    }
    int v = 0;
    while (*f >= '0' && *f <= '9')
        v = v * 10 + (*f++ - '0');
    return v;
}

} // namespace

void vformat(Sink& out, const char* f, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);
    while (*f) {
        if (*f != '%') {
            out.put(*f++);
            continue;
        }
        ++f;
        Spec s;
        for (;; ++f) {
            if (*f == '-') s.left = true;
            else if (*f == '0') s.zero = true;
            else if (*f == '+') s.plus = true;
            else if (*f == ' ') s.space = true;
            else if (*f == '#') s.alt = true;
            else break;
        }
        s.width = parse_int(f, ap);
        if (s.width < 0) {
            s.left = true;
            s.width = -s.width;
        }
        if (*f == '.') {
            ++f;
            s.precision = parse_int(f, ap);
        }
        int longs = 0;
        bool size_t_arg = false;
        while (*f == 'l' || *f == 'h' || *f == 'z') {
            if (*f == 'l') ++longs;
            if (*f == 'z') size_t_arg = true;
            ++f;
        }
        auto unsigned_arg = [&]() -> uint64_t {
            if (longs >= 2) return va_arg(ap, unsigned long long);
            if (longs == 1) return va_arg(ap, unsigned long);
            if (size_t_arg) return va_arg(ap, size_t);
            return va_arg(ap, unsigned int);
        };
        char c = *f ? *f++ : '\0';
        switch (c) {
        case 'd':
        case 'i': {
            int64_t v = longs >= 2 ? va_arg(ap, long long)
                        : longs == 1 ? va_arg(ap, long)
                        : size_t_arg ? static_cast<int64_t>(va_arg(ap, size_t))
                                     : va_arg(ap, int);
            uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
            emit_number(out, s, mag, v < 0, 10, false, nullptr);
            break;
        }
        case 'u': emit_number(out, s, unsigned_arg(), false, 10, false, nullptr); break;
        case 'o': emit_number(out, s, unsigned_arg(), false, 8, false, s.alt ? "0" : nullptr); break;
        case 'x': emit_number(out, s, unsigned_arg(), false, 16, false, s.alt ? "0x" : nullptr); break;
        case 'X': emit_number(out, s, unsigned_arg(), false, 16, true, s.alt ? "0X" : nullptr); break;
        case 'p': {
            Spec p = s;
            p.zero = true;
            p.width = 2 * static_cast<int>(sizeof(void*));
            out.put('0');
            out.put('x');
            emit_number(out, p, reinterpret_cast<uintptr_t>(va_arg(ap, void*)), false, 16, false,
                        nullptr);
            break;
        }
        case 'c': {
            char ch[2] = {static_cast<char>(va_arg(ap, int)), '\0'};
            emit_string(out, s, ch);
            break;
        }
        case 's': emit_string(out, s, va_arg(ap, const char*)); break;
        case '%': out.put('%'); break;
        case '\0': return;
        default:
            out.put('%');
            out.put(c);
            break;
        }
    }
    va_end(ap);
}

void format(Sink& out, const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    vformat(out, f, ap);
    va_end(ap);
}

namespace {
class Buffer_sink final : public Sink {
public:
    Buffer_sink(char* buf, size_t size) : buf_(buf), size_(size) {}
    void put(char c) override
    {
        if (size_ && len_ + 1 < size_)
            buf_[len_] = c;
        ++len_;
    }
    size_t finish()
    {
        if (size_)
            buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
        return len_;
    }

private:
    char* buf_;
    size_t size_;
    size_t len_ = 0;
};
} // namespace

size_t vsnprint(char* buf, size_t size, const char* f, va_list ap)
{
    Buffer_sink s(buf, size);
    vformat(s, f, ap);
    return s.finish();
}

size_t snprint(char* buf, size_t size, const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    size_t n = vsnprint(buf, size, f, ap);
    va_end(ap);
    return n;
}

} // namespace fmt
