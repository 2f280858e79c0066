#include "tools/lib/http/response_writer.hpp"

#include "tools/lib/http/syntax.hpp"

namespace http {

Str reason_phrase(unsigned status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

bool Response_writer::expect(Phase p)
{
    if (phase_ != p)
        misused_ = true;
    return !misused_;
}

void Response_writer::status(unsigned code)
{
    if (code < 100 || code > 599)
        misused_ = true;
    if (!expect(Phase::start))
        return;
    out_.put("HTTP/1.1 ").put_u64(code).put_char(' ').put(reason_phrase(code)).put("\r\n");
    phase_ = Phase::head;
}

void Response_writer::header(Str name, Str value)
{
    for (uint32_t i = 0; i < value.n; ++i)
        if (value[i] != '\t' && !is_field_char(value[i]))
            misused_ = true;
    // The framing fields come from start_body() and start_chunked() only.
    if (equal_nocase(name, "content-length") || equal_nocase(name, "transfer-encoding"))
        misused_ = true;
    if (!is_token(name) || !expect(Phase::head))
        misused_ = true;
    if (misused_)
        return;
    out_.put(name).put(": ").put(value).put("\r\n");
}

void Response_writer::connection(bool keep_alive)
{
    if (!keep_alive)
        header("Connection", "close");
}

void Response_writer::start_body(uint64_t length)
{
    if (!expect(Phase::head))
        return;
    out_.put("Content-Length: ").put_u64(length).put("\r\n\r\n");
    remaining_ = length;
    phase_ = length ? Phase::body : Phase::done;
}

void Response_writer::body(Str data)
{
    if (!expect(Phase::body))
        return;
    if (data.n > remaining_) {
        misused_ = true;
        return;
    }
    out_.put(data);
    remaining_ -= data.n;
    if (remaining_ == 0)
        phase_ = Phase::done;
}

void Response_writer::start_chunked()
{
    if (!expect(Phase::head))
        return;
    out_.put("Transfer-Encoding: chunked\r\n\r\n");
    phase_ = Phase::chunks;
}

void Response_writer::chunk(Str data)
{
    if (!expect(Phase::chunks))
        return;
    put_chunk(out_, data);
}

void put_chunk(toolstack::Text& out, Str data)
{
    if (data.empty())
        return;
    char hex[8];
    uint32_t n = 0;
    for (int shift = 28; shift >= 0; shift -= 4) {
        unsigned d = (data.n >> shift) & 0xF;
        if (d || n || shift == 0)
            hex[n++] = "0123456789abcdef"[d];
    }
    out.put(hex, n).put("\r\n").put(data).put("\r\n");
}

void Response_writer::end_chunks()
{
    if (!expect(Phase::chunks))
        return;
    out_.put("0\r\n\r\n");
    phase_ = Phase::done;
}

} // namespace http
