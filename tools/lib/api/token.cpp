#include "tools/lib/api/token.hpp"

namespace api {

namespace {

// SplitMix64's finaliser (Steele, Lea, Flood 2014): every input bit
// reaches every output bit.
uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

} // namespace

bool token_from_file(toolstack::Str contents, Token& out)
{
    toolstack::Str line = contents.prefix(contents.find('\n'));
    while (!line.empty() && is_space(line[0]))
        line = line.sub(1);
    while (!line.empty() && is_space(line[line.n - 1]))
        line = line.prefix(line.n - 1);
    if (line.empty() || line.n > Token::max)
        return false;
    for (uint32_t i = 0; i < line.n; ++i)
        if (line[i] <= ' ' || line[i] > '~')
            return false;
    toolstack::mem_copy(out.text, line.p, line.n);
    out.text[line.n] = '\0';
    out.len = line.n;
    return true;
}

Token token_from_entropy(uint64_t a, uint64_t b)
{
    uint64_t v = mix(mix(a) ^ b);
    Token t;
    for (int i = 0; i < 16; ++i)
        t.text[i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    t.text[16] = '\0';
    t.len = 16;
    return t;
}

} // namespace api
