// "key=value" words of a guest command line (start_info.cmd_line), the
// way test dom0s pass each domU its role, peer and ports.
#pragma once
#include <cstdint>

// The value of 'key' as a number (decimal), or 'fallback' when absent.
inline uint32_t cmdline_number(const char* cmdline, const char* key, uint32_t fallback)
{
    for (const char* w = cmdline; *w;) {
        const char* k = key;
        const char* p = w;
        while (*k && *p == *k) {
            ++p;
            ++k;
        }
        if (!*k && *p == '=') {
            uint32_t v = 0;
            for (++p; *p >= '0' && *p <= '9'; ++p)
                v = v * 10 + static_cast<uint32_t>(*p - '0');
            return v;
        }
        while (*w && *w != ' ')
            ++w;
        while (*w == ' ')
            ++w;
    }
    return fallback;
}

// True when 'word' is one of the command line's words, or the value of one ("role=word").
inline bool cmdline_has(const char* cmdline, const char* word)
{
    for (const char* w = cmdline; *w;) {
        const char* p = w;
        const char* q = word;
        while (*q && *p == *q) {
            ++p;
            ++q;
        }
        if (!*q && (*p == ' ' || *p == 0))
            return true;
        while (*w && *w != ' ' && *w != '=')
            ++w;
        while (*w == ' ' || *w == '=')
            ++w;
    }
    return false;
}
