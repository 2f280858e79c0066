// Character classes of RFC 9110 §5.6 shared by the parser and the writer.
#pragma once
#include "tools/lib/base/text.hpp"

namespace http {

// tchar: "!#$%&'*+-.^_`|~", DIGIT, ALPHA.
inline bool is_tchar(char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    for (const char* t = "!#$%&'*+-.^_`|~"; *t; ++t)
        if (c == *t)
            return true;
    return false;
}

inline bool is_token(toolstack::Str s)
{
    if (s.empty())
        return false;
    for (uint32_t i = 0; i < s.n; ++i)
        if (!is_tchar(s[i]))
            return false;
    return true;
}

// field-vchar / SP / HTAB: VCHAR, obs-text (0x80-0xFF), SP, HTAB.
inline bool is_field_char(char c)
{
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7F);
}

inline char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool equal_nocase(toolstack::Str a, toolstack::Str b)
{
    if (a.n != b.n)
        return false;
    for (uint32_t i = 0; i < a.n; ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

} // namespace http
