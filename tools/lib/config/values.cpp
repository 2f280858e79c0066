#include "tools/lib/config/values.hpp"

#include "tools/lib/config/xl_config.hpp"

namespace cfg {
namespace {

// C's isspace in the "C" locale.
bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int digit_value(char c, uint32_t base)
{
    int v = -1;
    if (c >= '0' && c <= '9')
        v = c - '0';
    else if (c >= 'a' && c <= 'f')
        v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        v = c - 'A' + 10;
    return v >= 0 && static_cast<uint32_t>(v) < base ? v : -1;
}

// strtoul(s + i, &end, 10) on a CPU number: blanks, an optional '+',
// decimal digits (at least one); i moves past them. Saturates far above
// any CPU number.
bool cpu_number(Str s, uint32_t& i, uint64_t& out)
{
    while (i < s.n && is_space(s[i]))
        ++i;
    if (i < s.n && s[i] == '+')
        ++i;
    uint32_t first = i;
    uint64_t v = 0;
    for (; i < s.n && s[i] >= '0' && s[i] <= '9'; ++i)
        v = v > 0xFFFFFFFFu ? v : v * 10 + static_cast<uint64_t>(s[i] - '0');
    out = v;
    return i > first;
}

// xl_parse.c update_cpumap_range on one element.
Cpu_list_result cpu_element(Str tok, uint64_t& mask)
{
    Cpu_list_result r;
    r.token = tok;
    Str s = tok;
    bool take_away = s.starts_with("^");
    if (take_away)
        s = s.sub(1);
    if (s.starts_with("node:") || s.starts_with("nodes:")) {
        r.error = Cpu_error::nodes;
        return r;
    }
    if (s == Str("all")) {
        if (take_away)
            r.error = Cpu_error::not_all;
        else
            mask = ~uint64_t{0};
        return r;
    }
    uint32_t i = 0;
    uint64_t a, b;
    if (!cpu_number(s, i, a)) {
        r.error = Cpu_error::bad_range;
        return r;
    }
    b = a;
    if (i < s.n && s[i] == '-') {
        ++i;
        if (!cpu_number(s, i, b) || b < a) {
            r.error = Cpu_error::bad_range;
            return r;
        }
    }
    if (i != s.n) {
        r.error = Cpu_error::bad_range;
        return r;
    }
    if (b >= max_cpus) {
        r.error = Cpu_error::too_big;
        r.cpu = b;
        return r;
    }
    for (uint64_t c = a; c <= b; ++c) {
        uint64_t bit = uint64_t{1} << c;
        mask = take_away ? mask & ~bit : mask | bit;
    }
    return r;
}

} // namespace

Number_error parse_number(Str s, int64_t& out)
{
    uint32_t i = 0;
    while (i < s.n && is_space(s[i]))
        ++i;
    bool neg = i < s.n && s[i] == '-';
    if (i < s.n && (s[i] == '-' || s[i] == '+'))
        ++i;
    uint32_t base = 10;
    if (i + 2 < s.n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
        digit_value(s[i + 2], 16) >= 0) {
        base = 16;
        i += 2;
    } else if (i < s.n && s[i] == '0') {
        base = 8;
    }
    uint32_t first = i;
    uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    uint64_t v = 0;
    bool over = false;
    for (int d; i < s.n && (d = digit_value(s[i], base)) >= 0; ++i) {
        auto ud = static_cast<uint64_t>(d);
        if (v > (limit - ud) / base)
            over = true;
        else
            v = v * base + ud;
    }
    if (i == first || i != s.n)
        return Number_error::invalid;
    if (over)
        return Number_error::range;
    out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    return Number_error::none;
}

bool parse_uuid(Str s, uint8_t out[16])
{
    if (s.n != 36)
        return false;
    uint32_t byte = 0;
    for (uint32_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i++] != '-')
                return false;
            continue;
        }
        int hi = digit_value(s[i], 16);
        int lo = digit_value(s[i + 1], 16);
        if (hi < 0 || lo < 0)
            return false;
        out[byte++] = static_cast<uint8_t>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

Cpu_list_result parse_cpu_list(Str s, uint64_t& mask)
{
    mask = 0;
    uint32_t at = 0;
    while (at < s.n) {
        uint32_t comma = s.find(',', at);
        if (comma > at) {
            Cpu_list_result r = cpu_element(Str(s.p + at, comma - at), mask);
            if (r.error != Cpu_error::none)
                return r;
        }
        at = comma + 1;
    }
    return Cpu_list_result{};
}

} // namespace cfg
