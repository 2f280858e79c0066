// "key=value" words of a guest command line (start_info.cmd_line), the
// way test dom0s pass each domU its role, peer and ports.
#pragma once
#include <cstdint>

namespace cmdline_detail {

// Where 'prefix' ends in 's' when s begins with it, else nullptr.
inline const char* after(const char* s, const char* prefix)
{
    for (; *prefix; ++s, ++prefix)
        if (*s != *prefix)
            return nullptr;
    return s;
}

// The start of the next word (words are separated by spaces; with
// 'at_equals', the value after '=' counts as a word of its own).
inline const char* next_word(const char* w, bool at_equals)
{
    while (*w && *w != ' ' && !(at_equals && *w == '='))
        ++w;
    while (*w == ' ' || (at_equals && *w == '='))
        ++w;
    return w;
}

} // namespace cmdline_detail

// The value of 'key' as a number (decimal), or 'fallback' when absent.
inline uint32_t cmdline_number(const char* cmdline, const char* key, uint32_t fallback)
{
    for (const char* w = cmdline; *w; w = cmdline_detail::next_word(w, false)) {
        const char* p = cmdline_detail::after(w, key);
        if (p && *p == '=') {
            uint32_t v = 0;
            for (++p; *p >= '0' && *p <= '9'; ++p)
                v = v * 10 + static_cast<uint32_t>(*p - '0');
            return v;
        }
    }
    return fallback;
}

// True when 'word' is one of the command line's words, or the value of one ("role=word").
inline bool cmdline_has(const char* cmdline, const char* word)
{
    for (const char* w = cmdline; *w; w = cmdline_detail::next_word(w, true)) {
        const char* p = cmdline_detail::after(w, word);
        if (p && (*p == ' ' || *p == 0))
            return true;
    }
    return false;
}
