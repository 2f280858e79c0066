// An incremental HTTP/1.1 request parser (RFC 9112) for dom0's management
// API. Bytes arrive in any pieces; feed() consumes what belongs to the
// current request and stops after its last byte, so pipelined requests stay
// with the caller until reset(). The head (request line and header fields)
// is kept in one buffer sized at create() from the limits; the body is not
// kept but handed to a Body_sink as it arrives, unchunked.
//
// Line endings: CRLF, or a bare LF (RFC 9112 §2.2 lets a recipient accept
// it); a CR not followed by LF is refused. Empty lines before the request
// line are skipped (§2.2). Refusals carry the status to answer with:
//   400  syntax, NUL or control bytes, obs-fold, a second or (1.1) missing
//        Host, bad or disagreeing Content-Length, both Content-Length and
//        Transfer-Encoding, Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1),
//        bad chunk framing
//   413  Content-Length or the chunks' total above body_max
//   414  request line above line_max once the target has begun
//   431  header (or trailer) lines above header_bytes, or more than max_fields
//   501  a Transfer-Encoding other than exactly "chunked"
//   505  a well-formed version other than HTTP/1.0 and HTTP/1.1
// A request without Content-Length or Transfer-Encoding has no body (so 411
// is never needed). Portable and freestanding.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/base/text.hpp"

namespace http {

using toolstack::Str;

struct Limits {
    // Bytes of the request line, without its line ending.
    uint32_t line_max = 8 * 1024;
    // Bytes of all header lines together, without line endings; also bounds
    // a chunked body's trailer section.
    uint32_t header_bytes = 16 * 1024;
    // Header fields (at most max_fields_cap).
    uint32_t max_fields = 100;
    // Body bytes after unchunking.
    uint64_t body_max = 1024 * 1024;
    // Bytes of one chunk-size line's extensions.
    uint32_t chunk_ext_max = 1024;
};

struct Body_sink {
    void (*fn)(void* ctx, const char* p, size_t n) = nullptr;
    void* ctx = nullptr;
};

enum class Version : uint8_t { http_1_0, http_1_1 };

class Request_parser {
public:
    static constexpr uint32_t max_fields_cap = 100;

    enum class State : uint8_t {
        head,     // request line or header fields still to come
        body,     // head complete (its accessors are valid), body still to come
        complete, // the whole request is in; reset() before the next
        error,    // refused: status() says how; nothing more is consumed
    };

    struct Feed_result {
        size_t consumed; // bytes of the input taken, never more than given
        State state;
    };

    // nullptr when the allocator fails or the limits are unusable.
    [[nodiscard]] static Request_parser* create(const toolstack::Allocator& a, const Limits& l,
                                                Body_sink sink = {});
    static void destroy(Request_parser* p);

    Request_parser(const Request_parser&) = delete;
    Request_parser& operator=(const Request_parser&) = delete;

    Feed_result feed(const char* p, size_t n);
    // Ready for the next request on the same connection.
    void reset();

    State state() const { return state_; }
    // 0 unless the state is error.
    unsigned status() const { return status_; }
    const Limits& limits() const { return limits_; }

    // Valid from state body on.
    Str method() const { return method_; }
    Str target() const { return target_; }
    Str path() const { return path_; }
    // After '?', without it; empty when there is none.
    Str query() const { return query_; }
    bool has_query() const { return has_query_; }
    Version version() const { return version_; }
    // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with
    // "Connection: keep-alive"; never after an error.
    bool keep_alive() const;
    bool chunked() const { return chunked_; }
    // Content-Length, or 0 for chunked and bodiless requests.
    uint64_t content_length() const { return content_length_; }
    // Body bytes delivered so far.
    uint64_t body_received() const { return body_received_; }

    uint32_t field_count() const { return nfields_; }
    Str field_name(uint32_t i) const;
    Str field_value(uint32_t i) const;
    // The first field called name (case-insensitively): true and its value.
    bool header(Str name, Str& value) const;

private:
    struct Field {
        uint32_t name_at, name_len, value_at, value_len;
    };
    enum class Phase : uint8_t {
        line, // a head line (or trailer line) being gathered
        length_body,
        chunk_size,
        chunk_ext,
        chunk_size_lf,
        chunk_data,
        chunk_data_cr,
        chunk_data_lf,
        trailer,
    };

    Request_parser(char* buf, uint32_t cap, const toolstack::Allocator& a, const Limits& l,
                   Body_sink sink);
    ~Request_parser();

    void fail(unsigned status);
    size_t feed_head(const char* p, size_t n);
    size_t feed_body(const char* p, size_t n);
    void chunk_byte(char c);
    void trailer_byte(char c);
    void head_byte(char c);
    void end_line();
    bool request_line(Str line);
    bool field_line(Str line);
    bool end_head();
    void deliver(const char* p, size_t n);

    toolstack::Allocator alloc_;
    Limits limits_;
    Body_sink sink_;
    char* buf_;
    uint32_t cap_;

    State state_ = State::head;
    Phase phase_ = Phase::line;
    unsigned status_ = 0;
    uint32_t len_ = 0;       // bytes of buf_ in use
    uint32_t line_at_ = 0;   // where the line being gathered starts in buf_
    uint32_t fields_at_ = 0; // where header lines start in buf_
    bool cr_ = false;        // a CR ended the bytes so far; LF must follow
    bool seen_line_ = false; // the request line is in
    bool target_begun_ = false;

    Str method_, target_, path_, query_;
    bool has_query_ = false;
    Version version_ = Version::http_1_1;
    bool close_ = false, keep_alive_token_ = false;
    bool chunked_ = false;
    uint64_t content_length_ = 0;
    uint64_t remaining_ = 0; // of the Content-Length body or the current chunk
    uint64_t body_received_ = 0;
    uint32_t chunk_digits_ = 0, chunk_ext_ = 0;
    bool ext_started_ = false; // the chunk extensions' ';' has been seen
    uint32_t trailer_bytes_ = 0, trailer_line_ = 0;

    Field fields_[max_fields_cap] = {};
    uint32_t nfields_ = 0;
};

} // namespace http
