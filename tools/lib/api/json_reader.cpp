#include "tools/lib/api/json_reader.hpp"

namespace api {

namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// Four hex digits at s[i..i+4).
bool hex4(Str s, uint32_t i, uint32_t& out)
{
    if (i + 4 > s.n)
        return false;
    out = 0;
    for (uint32_t k = 0; k < 4; ++k) {
        int v = toolstack::hex_value(s[i + k]);
        if (v < 0)
            return false;
        out = out << 4 | static_cast<uint32_t>(v);
    }
    return true;
}

void put_utf8(Text& out, uint32_t cp)
{
    if (cp < 0x80) {
        out.put_char(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.put_char(static_cast<char>(0xC0 | cp >> 6))
            .put_char(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.put_char(static_cast<char>(0xE0 | cp >> 12))
            .put_char(static_cast<char>(0x80 | (cp >> 6 & 0x3F)))
            .put_char(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.put_char(static_cast<char>(0xF0 | cp >> 18))
            .put_char(static_cast<char>(0x80 | (cp >> 12 & 0x3F)))
            .put_char(static_cast<char>(0x80 | (cp >> 6 & 0x3F)))
            .put_char(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// The escape at s[i] (after the backslash): its code point and length;
// a surrogate pair counts as one.
bool escape(Str s, uint32_t i, uint32_t& cp, uint32_t& len)
{
    if (i >= s.n)
        return false;
    len = 1;
    switch (s[i]) {
    case '"': cp = '"'; return true;
    case '\\': cp = '\\'; return true;
    case '/': cp = '/'; return true;
    case 'b': cp = '\b'; return true;
    case 'f': cp = '\f'; return true;
    case 'n': cp = '\n'; return true;
    case 'r': cp = '\r'; return true;
    case 't': cp = '\t'; return true;
    case 'u': break;
    default: return false;
    }
    uint32_t hi = 0;
    if (!hex4(s, i + 1, hi))
        return false;
    len = 5;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return false; // a low surrogate first
    if (hi < 0xD800 || hi > 0xDBFF) {
        cp = hi;
        return true;
    }
    uint32_t lo = 0;
    if (i + 7 > s.n || s[i + 5] != '\\' || s[i + 6] != 'u' || !hex4(s, i + 7, lo) || lo < 0xDC00 ||
        lo > 0xDFFF)
        return false;
    cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    len = 11;
    return true;
}

} // namespace

bool Json_doc::fail(const char* why)
{
    error_ = why;
    return false;
}

void Json_doc::skip_space()
{
    while (pos_ < text_.n && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                              text_[pos_] == '\r'))
        ++pos_;
}

bool Json_doc::add(Json_type type, uint32_t at, uint32_t& index)
{
    if (n_ == max_tokens)
        return fail("JSON: too many values");
    index = n_++;
    tokens_[index] = Json_token{type, at, 0, 0, 0};
    return true;
}

bool Json_doc::parse(Str text)
{
    n_ = 0;
    pos_ = 0;
    error_ = "";
    text_ = text;
    if (text.n > max_input)
        return fail("JSON: body too large");
    if (!value(0))
        return false;
    skip_space();
    if (pos_ != text_.n)
        return fail("JSON: bytes after the value");
    return true;
}

bool Json_doc::value(uint32_t depth)
{
    skip_space();
    if (pos_ >= text_.n)
        return fail("JSON: value expected");
    char c = text_[pos_];
    if (c == '"')
        return string_token();
    if (c == '-' || is_digit(c))
        return number_token();
    if (c == 't')
        return literal("true", Json_type::boolean);
    if (c == 'f')
        return literal("false", Json_type::boolean);
    if (c == 'n')
        return literal("null", Json_type::null);
    if (c != '[' && c != '{')
        return fail("JSON: unexpected character");
    if (depth == max_depth)
        return fail("JSON: nested too deeply");
    bool object = c == '{';
    uint32_t me = 0;
    if (!add(object ? Json_type::object : Json_type::array, pos_, me))
        return false;
    ++pos_;
    skip_space();
    char end = object ? '}' : ']';
    if (pos_ < text_.n && text_[pos_] == end) {
        ++pos_;
    } else {
        for (;;) {
            if (object) {
                skip_space();
                if (pos_ >= text_.n || text_[pos_] != '"')
                    return fail("JSON: member name expected");
                if (!string_token())
                    return false;
                skip_space();
                if (pos_ >= text_.n || text_[pos_] != ':')
                    return fail("JSON: ':' expected");
                ++pos_;
            }
            if (!value(depth + 1))
                return false;
            ++tokens_[me].count;
            skip_space();
            if (pos_ < text_.n && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < text_.n && text_[pos_] == end) {
                ++pos_;
                break;
            }
            return fail(object ? "JSON: ',' or '}' expected" : "JSON: ',' or ']' expected");
        }
    }
    tokens_[me].len = pos_ - tokens_[me].at;
    tokens_[me].next = n_;
    return true;
}

bool Json_doc::string_token()
{
    uint32_t me = 0;
    if (!add(Json_type::string, pos_, me))
        return false;
    ++pos_; // the opening quote
    for (;;) {
        if (pos_ >= text_.n)
            return fail("JSON: unterminated string");
        auto c = static_cast<unsigned char>(text_[pos_]);
        if (c == '"')
            break;
        if (c < 0x20)
            return fail("JSON: control character in a string");
        if (c == '\\') {
            uint32_t cp = 0, len = 0;
            if (!escape(text_, pos_ + 1, cp, len))
                return fail("JSON: bad escape in a string");
            pos_ += 1 + len;
            continue;
        }
        ++pos_;
    }
    ++pos_;
    tokens_[me].len = pos_ - tokens_[me].at;
    tokens_[me].next = n_;
    return true;
}

bool Json_doc::number_token()
{
    uint32_t me = 0;
    if (!add(Json_type::number, pos_, me))
        return false;
    uint32_t p = pos_;
    if (p < text_.n && text_[p] == '-')
        ++p;
    if (p >= text_.n || !is_digit(text_[p]))
        return fail("JSON: bad number");
    if (text_[p] == '0' && p + 1 < text_.n && is_digit(text_[p + 1]))
        return fail("JSON: leading zero in a number");
    while (p < text_.n && is_digit(text_[p]))
        ++p;
    if (p < text_.n && text_[p] == '.') {
        ++p;
        if (p >= text_.n || !is_digit(text_[p]))
            return fail("JSON: bad number");
        while (p < text_.n && is_digit(text_[p]))
            ++p;
    }
    if (p < text_.n && (text_[p] == 'e' || text_[p] == 'E')) {
        ++p;
        if (p < text_.n && (text_[p] == '+' || text_[p] == '-'))
            ++p;
        if (p >= text_.n || !is_digit(text_[p]))
            return fail("JSON: bad number");
        while (p < text_.n && is_digit(text_[p]))
            ++p;
    }
    pos_ = p;
    tokens_[me].len = pos_ - tokens_[me].at;
    tokens_[me].next = n_;
    return true;
}

bool Json_doc::literal(Str word, Json_type type)
{
    if (!text_.sub(pos_).starts_with(word))
        return fail("JSON: unexpected word");
    uint32_t me = 0;
    if (!add(type, pos_, me))
        return false;
    pos_ += word.n;
    tokens_[me].len = word.n;
    tokens_[me].next = n_;
    return true;
}

bool Json_doc::member(uint32_t obj, Str key, uint32_t& value) const
{
    if (obj >= n_ || tokens_[obj].type != Json_type::object)
        return false;
    uint32_t k = obj + 1;
    for (uint32_t m = 0; m < tokens_[obj].count; ++m) {
        uint32_t v = k + 1;
        const Json_token& kt = tokens_[k];
        // Keys are compared raw: escaped key spellings are not matched,
        // which only makes such a request refused as missing a key.
        if (Str(text_.p + kt.at + 1, kt.len - 2) == key) {
            value = v;
            return true;
        }
        k = tokens_[v].next;
    }
    return false;
}

bool Json_doc::item(uint32_t arr, uint32_t i, uint32_t& value) const
{
    if (arr >= n_ || tokens_[arr].type != Json_type::array || i >= tokens_[arr].count)
        return false;
    uint32_t at = arr + 1;
    for (uint32_t k = 0; k < i; ++k)
        at = tokens_[at].next;
    value = at;
    return true;
}

bool Json_doc::string(uint32_t i, Text& out) const
{
    if (i >= n_ || tokens_[i].type != Json_type::string)
        return false;
    Str s(text_.p + tokens_[i].at + 1, tokens_[i].len - 2);
    for (uint32_t p = 0; p < s.n;) {
        if (s[p] != '\\') {
            out.put_char(s[p++]);
            continue;
        }
        uint32_t cp = 0, len = 0;
        if (!escape(s, p + 1, cp, len))
            return false; // cannot happen after parse
        put_utf8(out, cp);
        p += 1 + len;
    }
    return out.ok();
}

bool Json_doc::u64(uint32_t i, uint64_t max, uint64_t& out) const
{
    if (i >= n_ || tokens_[i].type != Json_type::number)
        return false;
    return toolstack::parse_u64(Str(text_.p + tokens_[i].at, tokens_[i].len), max, out);
}

bool Json_doc::boolean(uint32_t i, bool& out) const
{
    if (i >= n_ || tokens_[i].type != Json_type::boolean)
        return false;
    out = text_[tokens_[i].at] == 't';
    return true;
}

} // namespace api
