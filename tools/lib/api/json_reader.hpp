// A bounded JSON reader (RFC 8259) for request bodies: the whole text is
// checked and split into at most max_tokens values, nested at most
// max_depth deep, from at most max_input bytes; anything else (trailing
// bytes, bad escapes, lone surrogates, control characters in strings,
// numbers with leading zeros) is refused with a message. Nothing is
// allocated: the tokens live in the Json_doc. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace api {

using toolstack::Str;
using toolstack::Text;

enum class Json_type : uint8_t { null, boolean, number, string, array, object };

struct Json_token {
    Json_type type;
    uint32_t at;    // first byte (a string's opening quote)
    uint32_t len;   // bytes of the whole value
    uint32_t count; // an array's items, an object's members
    uint32_t next;  // the token after this value and everything inside it
};

class Json_doc {
public:
    static constexpr uint32_t max_tokens = 512;
    static constexpr uint32_t max_depth = 16;
    static constexpr uint32_t max_input = 64 * 1024;

    // False with error() saying why (and where).
    [[nodiscard]] bool parse(Str text);
    const char* error() const { return error_; }

    // Token 0 is the top-level value once parsed.
    const Json_token& token(uint32_t i) const { return tokens_[i]; }
    uint32_t size() const { return n_; }
    Str text() const { return text_; }

    // The member called key of the object at obj: its value's token, or
    // false (also when obj is not an object).
    [[nodiscard]] bool member(uint32_t obj, Str key, uint32_t& value) const;
    // The i-th item of the array at arr.
    [[nodiscard]] bool item(uint32_t arr, uint32_t i, uint32_t& value) const;
    // A string's decoded bytes (UTF-8), appended to out.
    [[nodiscard]] bool string(uint32_t i, Text& out) const;
    // A number that is a non-negative integer no greater than max.
    [[nodiscard]] bool u64(uint32_t i, uint64_t max, uint64_t& out) const;
    [[nodiscard]] bool boolean(uint32_t i, bool& out) const;

private:
    bool fail(const char* why);
    bool value(uint32_t depth);
    bool string_token();
    bool number_token();
    bool literal(Str word, Json_type type);
    void skip_space();
    bool add(Json_type type, uint32_t at, uint32_t& index);

    Str text_;
    uint32_t pos_ = 0;
    const char* error_ = "";
    Json_token tokens_[max_tokens] = {};
    uint32_t n_ = 0;
};

} // namespace api
