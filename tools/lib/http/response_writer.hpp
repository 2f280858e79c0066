// Writes an HTTP/1.1 response into a Text: the status line, header fields,
// then either a body of a stated Content-Length or chunked framing for a
// body streamed in pieces (RFC 9112 §6, §7.1). Calls out of order, or a
// field that is not a token name with a CR/LF/NUL-free value (response
// splitting), or a Content-Length or Transfer-Encoding given as a field
// instead of through start_body() / start_chunked(), make ok() false; the Text's own allocation
// failures do too. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace http {

using toolstack::Str;

// "OK", "Bad Request", ...; "Unknown" for a code not listed.
Str reason_phrase(unsigned status);

// One chunk of a chunked body (size in hex, CRLF, data, CRLF); an empty
// piece writes nothing (a zero-size chunk would end the body). For
// writers that stream chunks after the head, as the API's follow streams.
void put_chunk(toolstack::Text& out, Str data);

class Response_writer {
public:
    explicit Response_writer(toolstack::Text& out) : out_(out) {}

    // "HTTP/1.1 <status> <reason>" (status in 100..599).
    void status(unsigned code);
    void header(Str name, Str value);
    // Adds "Connection: close" when the connection is not kept.
    void connection(bool keep_alive);
    // Content-Length, the end of the head, then body() for exactly length bytes.
    void start_body(uint64_t length);
    void body(Str data);
    // Transfer-Encoding: chunked and the end of the head; then chunk()s, end_chunks().
    void start_chunked();
    // An empty piece writes nothing (a zero-size chunk would end the body).
    void chunk(Str data);
    void end_chunks();

    // The response is complete and well-formed so far.
    bool done() const { return ok() && phase_ == Phase::done; }
    bool ok() const { return !misused_ && out_.ok(); }

private:
    enum class Phase : uint8_t { start, head, body, chunks, done };
    bool expect(Phase p);

    toolstack::Text& out_;
    Phase phase_ = Phase::start;
    uint64_t remaining_ = 0;
    bool misused_ = false;
};

} // namespace http
