// Dom0's own options: key=value words on its command line (its module's
// string after the kernel's path), read by main (mirror=), the network
// (net=, ip=) and the API (api_token=).
#pragma once
#include "tools/lib/base/text.hpp"

namespace dom0 {

// The next key=value word at or after 'from' (advanced past it): its
// value, up to the next space. False when there is none.
inline bool cmdline_option(toolstack::Str line, toolstack::Str key, toolstack::Str& value,
                           uint32_t& from)
{
    for (uint32_t i = from; i + key.n < line.n; ++i) {
        if ((i != 0 && line[i - 1] != ' ') || !line.sub(i).starts_with(key) || line[i + key.n] != '=')
            continue;
        uint32_t b = i + key.n + 1;
        uint32_t e = line.find(' ', b);
        value = toolstack::Str(line.p + b, e - b);
        from = e;
        return true;
    }
    return false;
}

// The first key=value word's value, or an empty Str.
inline toolstack::Str cmdline_option(toolstack::Str line, toolstack::Str key)
{
    toolstack::Str v;
    uint32_t from = 0;
    return cmdline_option(line, key, v, from) ? v : toolstack::Str();
}

} // namespace dom0
