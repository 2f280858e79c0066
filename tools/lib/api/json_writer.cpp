#include "tools/lib/api/json_writer.hpp"

namespace api {

namespace {

const char hex_digits[] = "0123456789abcdef";

void put_u_escape(Text& out, unsigned char c)
{
    out.put("\\u00").put_char(hex_digits[c >> 4]).put_char(hex_digits[c & 15]);
}

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlongs, no
// surrogates, at most U+10FFFF), or 0.
uint32_t utf8_sequence(Str s, uint32_t i)
{
    auto b = [&](uint32_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    uint32_t n = c >= 0xC2 && c <= 0xDF   ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (n == 0 || i + n > s.n)
        return 0;
    for (uint32_t k = 1; k < n; ++k)
        if ((b(i + k) & 0xC0) != 0x80)
            return 0;
    unsigned char c1 = b(i + 1);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 > 0x8F))
        return 0;
    return n;
}

} // namespace

void put_json_escaped(Text& out, Str s)
{
    for (uint32_t i = 0; i < s.n;) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            uint32_t n = utf8_sequence(s, i);
            if (n) {
                out.put(s.p + i, n);
                i += n;
            } else {
                put_u_escape(out, c);
                ++i;
            }
            continue;
        }
        ++i;
        switch (c) {
        case '"': out.put("\\\""); break;
        case '\\': out.put("\\\\"); break;
        case '\n': out.put("\\n"); break;
        case '\r': out.put("\\r"); break;
        case '\t': out.put("\\t"); break;
        case '\b': out.put("\\b"); break;
        case '\f': out.put("\\f"); break;
        default:
            if (c < 0x20 || c == 0x7F)
                put_u_escape(out, c);
            else
                out.put_char(static_cast<char>(c));
        }
    }
}

void put_fixed(Text& out, uint64_t value, uint64_t scale, uint32_t decimals)
{
    if (decimals > 9)
        decimals = 9;
    uint64_t unit = 1;
    for (uint32_t i = 0; i < decimals; ++i)
        unit *= 10;
    if (scale == 0)
        scale = 1;
    uint64_t whole = value / scale;
    uint64_t rest = value % scale;
    // rest * unit / scale rounded; rest < scale so the product fits as
    // long as scale * 10^9 does (scale is at most ns per second here).
    uint64_t frac = (rest * unit + scale / 2) / scale;
    if (frac >= unit) {
        ++whole;
        frac -= unit;
    }
    out.put_u64(whole);
    if (decimals) {
        out.put_char('.');
        char d[9];
        for (uint32_t i = decimals; i > 0; --i) {
            d[i - 1] = static_cast<char>('0' + frac % 10);
            frac /= 10;
        }
        out.put(d, decimals);
    }
}

void Json_writer::before_value()
{
    if (depth_ == 0) {
        if (!out_.str().empty())
            ok_ = false; // one top-level value
        return;
    }
    bool object = (object_bits_ >> (depth_ - 1)) & 1;
    if (object) {
        if (!want_value_)
            ok_ = false;
        want_value_ = false;
        return;
    }
    if ((nonempty_bits_ >> (depth_ - 1)) & 1)
        out_.put_char(',');
    nonempty_bits_ |= 1u << (depth_ - 1);
}

Json_writer& Json_writer::open(char c, bool object)
{
    before_value();
    if (depth_ == max_depth) {
        ok_ = false;
        return *this;
    }
    out_.put_char(c);
    uint32_t bit = 1u << depth_;
    object_bits_ = object ? object_bits_ | bit : object_bits_ & ~bit;
    nonempty_bits_ &= ~bit;
    ++depth_;
    return *this;
}

Json_writer& Json_writer::close(char c, bool object)
{
    if (depth_ == 0 || ((object_bits_ >> (depth_ - 1)) & 1) != object || want_value_) {
        ok_ = false;
        return *this;
    }
    --depth_;
    out_.put_char(c);
    return *this;
}

Json_writer& Json_writer::begin_object()
{
    return open('{', true);
}
Json_writer& Json_writer::end_object()
{
    return close('}', true);
}
Json_writer& Json_writer::begin_array()
{
    return open('[', false);
}
Json_writer& Json_writer::end_array()
{
    return close(']', false);
}

Json_writer& Json_writer::key(Str k)
{
    if (depth_ == 0 || !((object_bits_ >> (depth_ - 1)) & 1) || want_value_) {
        ok_ = false;
        return *this;
    }
    if ((nonempty_bits_ >> (depth_ - 1)) & 1)
        out_.put_char(',');
    nonempty_bits_ |= 1u << (depth_ - 1);
    out_.put_char('"');
    put_json_escaped(out_, k);
    out_.put("\":");
    want_value_ = true;
    return *this;
}

Json_writer& Json_writer::string(Str s)
{
    before_value();
    out_.put_char('"');
    put_json_escaped(out_, s);
    out_.put_char('"');
    return *this;
}

Json_writer& Json_writer::u64(uint64_t v)
{
    before_value();
    out_.put_u64(v);
    return *this;
}

Json_writer& Json_writer::i64(int64_t v)
{
    before_value();
    if (v < 0)
        out_.put_char('-').put_u64(~static_cast<uint64_t>(v) + 1);
    else
        out_.put_u64(static_cast<uint64_t>(v));
    return *this;
}

Json_writer& Json_writer::boolean(bool b)
{
    before_value();
    out_.put(b ? "true" : "false");
    return *this;
}

Json_writer& Json_writer::null()
{
    before_value();
    out_.put("null");
    return *this;
}

Json_writer& Json_writer::fixed(uint64_t value, uint64_t scale, uint32_t decimals)
{
    before_value();
    put_fixed(out_, value, scale, decimals);
    return *this;
}

} // namespace api
