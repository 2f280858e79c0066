// The xl.cfg syntax underneath parse_xl_config (xl_config.hpp has the
// grammar and the bounds): a lexer with libxlu's tokens, a parser that
// hands each setting's value to whoever owns the key, and the one-line
// message writer of Diagnostics. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/vec.hpp"
#include "tools/lib/config/xl_config.hpp"

namespace cfg {

// One line into a fixed buffer, cut at its end, always NUL-terminated.
// A Line with no buffer swallows everything.
class Line {
public:
    Line() = default;
    Line(char* buf, uint32_t cap) : buf_(buf), cap_(cap) { buf_[0] = '\0'; }

    Line& put(Str s);
    Line& put_u64(uint64_t v);
    Line& put_i64(int64_t v);
    // s as quoted input: bytes outside printable ASCII as \xHH, and at most
    // about 40 bytes of it, then "...".
    Line& put_shown(Str s);

private:
    Line& put_char(char c);

    char* buf_ = nullptr;
    uint32_t cap_ = 0;
    uint32_t n_ = 0;
};

// The error line "<source>:<line>: " (line 0: "<source>: ") with status; the
// caller writes the rest. Only the first error is kept: later ones go to a
// Line that swallows them.
Line error_at(Diagnostics& d, Status s, Str source, uint32_t line);
// "<source>:<line>: warning: " in the next free warning line.
Line warning_at(Diagnostics& d, Str source, uint32_t line);

// A setting's value: a string, or a list whose string items lie back to back
// in text. An item that is itself a list is marked, its contents not kept
// (no key Xenith reads takes a list of lists).
struct Value {
    struct Item {
        uint32_t at = 0;
        uint32_t len = 0;
        bool list = false;
    };

    explicit Value(const Allocator& a) : text(a), items(a) {}
    Value(const Value&) = delete;
    Value& operator=(const Value&) = delete;

    bool set = false;   // some setting gave the key a value
    bool added = false; // the last of them was +=
    uint32_t line = 0;  // the last setting's line
    bool is_list = false;
    Text text;
    toolstack::Vec<Item> items;

    Str item(uint32_t i) const { return Str(text.data() + items[i].at, items[i].len); }
    void clear_contents()
    {
        is_list = false;
        text.clear();
        items.clear();
    }
};

enum class Tok : uint8_t {
    end,
    ident,
    number,
    string,  // span is the raw token with its quotes
    newline, // also a comment: span is the comment without its newline
    assign,
    add,
    comma,
    open,
    close,
    semi,
    error, // a lexical error: why says what, span is the text near it
};

struct Token {
    Tok kind = Tok::end;
    uint32_t line = 0;
    Str span;
    const char* why = "";                 // error: what is wrong
    Status status = Status::syntax_error; // error: too_large when a bound was passed
};

class Lexer {
public:
    Lexer(Str input, uint32_t first_line) : in_(input), line_(first_line) {}

    Token next();
    // A character Python uses but xl.cfg does not (+ - . ( ) :) was seen:
    // libxlu then adds that the file looks like Python.
    bool likely_python() const { return likely_python_; }

private:
    Token make(Tok kind, uint32_t start, uint32_t end) const;
    Token lexical_error(uint32_t start, const char* why, Status s = Status::syntax_error);
    Token quoted(uint32_t start);

    Str in_;
    uint32_t pos_ = 0;
    uint32_t line_;
    bool likely_python_ = false;
};

// The bytes a string token (raw, with its quotes, as the lexer found it)
// stands for, appended to out, or only checked when out is nullptr. False
// with why set when an escape is bad.
[[nodiscard]] bool dequote(Str raw, Text* out, const char*& why);

// Who owns the keys: slot() gives the Value a key's settings go to, or
// nullptr to check the value's syntax and drop it (and may warn so).
struct Sink {
    void* ctx = nullptr;
    Value* (*slot)(void* ctx, Str key, uint32_t line) = nullptr;
};

// Parses text (lines numbered from first_line) into sink's values. False
// with diag's error set at the first error.
[[nodiscard]] bool parse_settings(const Allocator& alloc, Str source, Str text, uint32_t first_line,
                                  const Sink& sink, Diagnostics& diag);

} // namespace cfg
