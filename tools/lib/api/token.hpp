// The API's bearer token (docs/api.md): the first line of
// /etc/xenith/api-token with surrounding whitespace trimmed, or else 16
// lowercase hex digits made at boot from whatever varies (the TSC, the
// wall clock), mixed so that close inputs give unrelated tokens.
// Not a cryptographic generator: the token keeps casual callers out of a
// management network, no more. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace api {

struct Token {
    static constexpr uint32_t max = 64;
    char text[max + 1] = {};
    uint32_t len = 0;
    toolstack::Str str() const { return toolstack::Str(text, len); }
};

// The file's first line, trimmed: false if it is empty, longer than
// Token::max, or holds bytes other than visible ASCII.
[[nodiscard]] bool token_from_file(toolstack::Str contents, Token& out);

// 16 hex digits from two varying values.
Token token_from_entropy(uint64_t a, uint64_t b);

} // namespace api
