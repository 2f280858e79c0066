// A streaming multipart/form-data reader (RFC 7578 over RFC 2046 §5.1):
// bytes arrive in any pieces and each part's body goes to the sink as it
// comes, never gathered. Each part's header lines (at most header_max
// bytes together) give its name and filename (Content-Disposition:
// form-data; name="..."; filename="..."). The body of a part ends at
// CRLF "--" boundary; the reader holds back only the bytes that may be the
// start of that delimiter. Refusals: a boundary that RFC 2046 does not
// allow, a missing first delimiter, an overlong or malformed part head, a
// part without a name, bytes after the close delimiter are ignored (the
// epilogue). Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace api {

using toolstack::Str;

struct Multipart_sink {
    void* ctx = nullptr;
    // A part begins (name and filename stay valid until part_end).
    // Returning false refuses the request.
    bool (*part_begin)(void* ctx, Str name, Str filename) = nullptr;
    bool (*part_data)(void* ctx, Str bytes) = nullptr;
    bool (*part_end)(void* ctx) = nullptr;
};

class Multipart_reader {
public:
    static constexpr uint32_t boundary_max = 70;
    static constexpr uint32_t header_max = 1024;
    static constexpr uint32_t name_max = 128;

    enum class State : uint8_t { preamble, head, body, done, error };

    // The boundary parameter of a Content-Type value
    // ("multipart/form-data; boundary=xyz", quoted or not): false if the
    // type is another or the boundary is missing or not allowed.
    [[nodiscard]] static bool boundary_of(Str content_type, Str& boundary);

    // boundary must pass boundary_of (copied).
    Multipart_reader(Str boundary, const Multipart_sink& sink);

    // The sink's ctx, for an owner made after the reader.
    void set_context(void* ctx) { sink_.ctx = ctx; }

    // Takes all of the bytes (the state says what became of them).
    void feed(const char* p, uint32_t n);
    State state() const { return state_; }
    bool done() const { return state_ == State::done; }
    const char* error() const { return error_; }

private:
    void fail(const char* why);
    void byte(char c);
    void head_byte(char c);
    void end_head_line();
    void delimiter_matched();
    void flush_data();
    void emit(char c);

    Multipart_sink sink_;
    char delim_[4 + boundary_max] = {}; // CR LF "--" boundary
    uint32_t delim_len_ = 0;
    uint32_t matched_ = 0; // bytes of delim_ matched so far
    // After a delimiter: "--" ends it all, else optional spaces then CRLF.
    enum class After : uint8_t { none, first, dash, line } after_ = After::none;
    State state_ = State::preamble;
    const char* error_ = "";
    char head_[header_max] = {};
    uint32_t head_len_ = 0, line_at_ = 0;
    char name_[name_max] = {}, filename_[name_max] = {};
    uint32_t name_len_ = 0, filename_len_ = 0;
    bool in_part_ = false;
    char out_[512] = {};
    uint32_t out_len_ = 0;
};

} // namespace api
