// JSON text (RFC 8259) written into a Text: objects, arrays, strings and
// numbers, commas placed by the writer. Strings are bytes from guests and
// configs, so every one is escaped: '"', '\\', control characters (and
// DEL) as \u00XX or their short forms; valid UTF-8 passes through; a byte
// that is not part of a valid UTF-8 sequence is written as \u00XX (its
// Latin-1 reading), so the output is always valid JSON. Numbers are
// integers or fixed-point decimals (no floating point in dom0).
// Nesting beyond max_depth, or a value where a key is due, makes ok()
// false. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace api {

using toolstack::Str;
using toolstack::Text;

class Json_writer {
public:
    static constexpr uint32_t max_depth = 32;

    explicit Json_writer(Text& out) : out_(out) {}

    Json_writer& begin_object();
    Json_writer& end_object();
    Json_writer& begin_array();
    Json_writer& end_array();
    Json_writer& key(Str k);
    Json_writer& string(Str s);
    Json_writer& u64(uint64_t v);
    Json_writer& i64(int64_t v);
    Json_writer& boolean(bool b);
    Json_writer& null();
    // value / scale with `decimals` digits after the point, rounded half
    // up: fixed(1234, 1000, 3) is 1.234, fixed(5, 10, 1) is 0.5.
    Json_writer& fixed(uint64_t value, uint64_t scale, uint32_t decimals);

    bool ok() const { return ok_ && depth_ == 0 && out_.ok(); }

private:
    void before_value();
    Json_writer& open(char c, bool object);
    Json_writer& close(char c, bool object);

    Text& out_;
    uint32_t depth_ = 0;
    uint32_t object_bits_ = 0;   // bit d: level d is an object
    uint32_t nonempty_bits_ = 0; // bit d: level d has a member already
    bool want_value_ = false;    // a key was written
    bool ok_ = true;
};

// s as a JSON string's contents (without the quotes), escaped as above.
void put_json_escaped(Text& out, Str s);
// value / scale with decimals digits (at most 9), as Json_writer::fixed.
void put_fixed(Text& out, uint64_t value, uint64_t scale, uint32_t decimals);

} // namespace api
