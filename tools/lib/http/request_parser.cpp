#include "tools/lib/http/request_parser.hpp"

#include "tools/lib/http/syntax.hpp"

namespace http {

namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

Str trim_ows(Str s)
{
    uint32_t b = 0, e = s.n;
    while (b < e && is_ows(s[b]))
        ++b;
    while (e > b && is_ows(s[e - 1]))
        --e;
    return Str(s.p + b, e - b);
}

// "HTTP/" DIGIT+ ["." DIGIT+]: a version we can name even if we refuse it.
bool looks_like_version(Str v)
{
    if (!v.starts_with("HTTP/"))
        return false;
    Str rest = v.sub(5);
    uint32_t dot = rest.find('.');
    Str major = rest.prefix(dot), minor = rest.sub(dot + 1);
    if (major.empty() || (dot != rest.n && minor.empty()))
        return false;
    for (uint32_t i = 0; i < major.n; ++i)
        if (!is_digit(major[i]))
            return false;
    for (uint32_t i = 0; dot != rest.n && i < minor.n; ++i)
        if (!is_digit(minor[i]))
            return false;
    return true;
}

} // namespace

Request_parser* Request_parser::create(const toolstack::Allocator& a, const Limits& l,
                                       Body_sink sink)
{
    if (l.line_max == 0 || l.header_bytes == 0 || l.max_fields > max_fields_cap ||
        l.line_max > 0x40000000u || l.header_bytes > 0x40000000u || l.body_max > (1ull << 62))
        return nullptr;
    uint32_t cap = l.line_max + l.header_bytes;
    auto* buf = static_cast<char*>(a.allocate(cap));
    if (!buf)
        return nullptr;
    void* mem = a.allocate(sizeof(Request_parser));
    if (!mem) {
        a.free(buf, cap);
        return nullptr;
    }
    return new (mem) Request_parser(buf, cap, a, l, sink);
}

void Request_parser::destroy(Request_parser* p)
{
    if (!p)
        return;
    toolstack::Allocator a = p->alloc_;
    p->~Request_parser();
    a.free(p, sizeof(Request_parser));
}

Request_parser::Request_parser(char* buf, uint32_t cap, const toolstack::Allocator& a,
                               const Limits& l, Body_sink sink)
    : alloc_(a), limits_(l), sink_(sink), buf_(buf), cap_(cap)
{
}

Request_parser::~Request_parser()
{
    alloc_.free(buf_, cap_);
}

void Request_parser::reset()
{
    state_ = State::head;
    phase_ = Phase::line;
    status_ = 0;
    len_ = line_at_ = fields_at_ = 0;
    cr_ = seen_line_ = target_begun_ = false;
    method_ = target_ = path_ = query_ = Str();
    has_query_ = false;
    version_ = Version::http_1_1;
    close_ = keep_alive_token_ = chunked_ = false;
    content_length_ = remaining_ = body_received_ = 0;
    chunk_digits_ = chunk_ext_ = trailer_bytes_ = trailer_line_ = 0;
    ext_started_ = false;
    nfields_ = 0;
}

void Request_parser::fail(unsigned status)
{
    state_ = State::error;
    status_ = status;
}

bool Request_parser::keep_alive() const
{
    if (state_ == State::error || close_)
        return false;
    return version_ == Version::http_1_1 || keep_alive_token_;
}

Str Request_parser::field_name(uint32_t i) const
{
    return Str(buf_ + fields_[i].name_at, fields_[i].name_len);
}

Str Request_parser::field_value(uint32_t i) const
{
    return Str(buf_ + fields_[i].value_at, fields_[i].value_len);
}

bool Request_parser::header(Str name, Str& value) const
{
    for (uint32_t i = 0; i < nfields_; ++i)
        if (equal_nocase(field_name(i), name)) {
            value = field_value(i);
            return true;
        }
    return false;
}

Request_parser::Feed_result Request_parser::feed(const char* p, size_t n)
{
    size_t used = 0;
    while (used < n && (state_ == State::head || state_ == State::body))
        used +=
            state_ == State::head ? feed_head(p + used, n - used) : feed_body(p + used, n - used);
    return Feed_result{used, state_};
}

size_t Request_parser::feed_head(const char* p, size_t n)
{
    size_t i = 0;
    while (i < n && state_ == State::head)
        head_byte(p[i++]);
    return i;
}

void Request_parser::head_byte(char c)
{
    if (c == '\n') {
        cr_ = false;
        end_line();
        return;
    }
    if (c == '\r' && !cr_) {
        cr_ = true;
        return;
    }
    if (cr_ || !is_field_char(c)) // a bare CR, NUL or another control byte
        return fail(400);
    if (!seen_line_) {
        if (len_ - line_at_ >= limits_.line_max)
            return fail(target_begun_ ? 414 : 400);
        if (c == ' ')
            target_begun_ = true;
    } else if (len_ - fields_at_ >= limits_.header_bytes) {
        return fail(431);
    }
    buf_[len_++] = c; // len_ <= line_max + header_bytes == cap_ by the checks above
}

void Request_parser::end_line()
{
    Str line(buf_ + line_at_, len_ - line_at_);
    if (!seen_line_) {
        if (line.empty())
            return; // RFC 9112 §2.2: empty lines before the request line
        if (!request_line(line))
            return;
        seen_line_ = true;
        fields_at_ = line_at_ = len_;
        return;
    }
    if (line.empty()) {
        end_head();
        return;
    }
    if (field_line(line))
        line_at_ = len_;
}

bool Request_parser::request_line(Str line)
{
    uint32_t sp1 = line.find(' ');
    Str rest = line.sub(sp1 + 1);
    uint32_t sp2 = rest.find(' ');
    Str version = rest.sub(sp2 + 1);
    if (sp1 == line.n || sp2 == rest.n || version.find(' ') != version.n) {
        fail(400);
        return false;
    }
    method_ = line.prefix(sp1);
    target_ = rest.prefix(sp2);
    bool target_ok = !target_.empty() && target_[0] == '/';
    for (uint32_t i = 0; i < target_.n; ++i)
        target_ok = target_ok && target_[i] > ' ' && target_[i] < 0x7F;
    if (!is_token(method_) || !target_ok) {
        fail(400);
        return false;
    }
    uint32_t q = target_.find('?');
    path_ = target_.prefix(q);
    has_query_ = q != target_.n;
    query_ = target_.sub(q + 1);
    if (version == Str("HTTP/1.1")) {
        version_ = Version::http_1_1;
    } else if (version == Str("HTTP/1.0")) {
        version_ = Version::http_1_0;
    } else {
        fail(looks_like_version(version) ? 505 : 400);
        return false;
    }
    return true;
}

bool Request_parser::field_line(Str line)
{
    if (nfields_ >= limits_.max_fields) {
        fail(431);
        return false;
    }
    uint32_t colon = line.find(':');
    // A leading SP or HTAB is obs-fold (RFC 9112 §5.2), and fails the token.
    if (colon == line.n || !is_token(line.prefix(colon))) {
        fail(400);
        return false;
    }
    Str value = trim_ows(line.sub(colon + 1));
    fields_[nfields_++] = Field{line_at_, colon, static_cast<uint32_t>(value.p - buf_), value.n};
    return true;
}

bool Request_parser::end_head()
{
    uint32_t hosts = 0, te_fields = 0;
    bool have_length = false, bad_length = false;
    uint64_t length = 0;
    Str te;
    for (uint32_t i = 0; i < nfields_; ++i) {
        Str name = field_name(i), value = field_value(i);
        if (equal_nocase(name, "host")) {
            ++hosts;
        } else if (equal_nocase(name, "transfer-encoding")) {
            ++te_fields;
            te = value;
        } else if (equal_nocase(name, "content-length")) {
            // Digits only; values past body_max are clamped to body_max + 1,
            // which is refused below (so no overflow).
            uint64_t v = 0;
            bad_length = bad_length || value.empty();
            for (uint32_t k = 0; k < value.n; ++k) {
                bad_length = bad_length || !is_digit(value[k]);
                uint64_t d = static_cast<uint64_t>(value[k] - '0');
                if (v > limits_.body_max)
                    continue;
                bool over = v > limits_.body_max / 10 || d > limits_.body_max - v * 10;
                v = over ? limits_.body_max + 1 : v * 10 + d;
            }
            bad_length = bad_length || (have_length && v != length);
            have_length = true;
            length = v;
        } else if (equal_nocase(name, "connection")) {
            for (uint32_t at = 0; at <= value.n;) {
                uint32_t comma = value.find(',', at);
                Str option = trim_ows(Str(value.p + at, comma - at));
                close_ = close_ || equal_nocase(option, "close");
                keep_alive_token_ = keep_alive_token_ || equal_nocase(option, "keep-alive");
                at = comma + 1;
            }
        }
    }
    if (hosts > 1 || (version_ == Version::http_1_1 && hosts == 0) || bad_length ||
        (te_fields && (have_length || version_ == Version::http_1_0))) {
        fail(400);
        return false;
    }
    if (te_fields) {
        if (te_fields != 1 || !equal_nocase(te, "chunked")) {
            fail(501);
            return false;
        }
        chunked_ = true;
        phase_ = Phase::chunk_size;
        state_ = State::body;
        return true;
    }
    if (length > limits_.body_max) {
        fail(413);
        return false;
    }
    content_length_ = remaining_ = length;
    phase_ = Phase::length_body;
    state_ = length ? State::body : State::complete;
    return true;
}

void Request_parser::deliver(const char* p, size_t n)
{
    if (n && sink_.fn)
        sink_.fn(sink_.ctx, p, n);
    body_received_ += n;
}

size_t Request_parser::feed_body(const char* p, size_t n)
{
    size_t i = 0;
    while (i < n && state_ == State::body) {
        if (phase_ == Phase::length_body || phase_ == Phase::chunk_data) {
            size_t take = remaining_ < n - i ? static_cast<size_t>(remaining_) : n - i;
            deliver(p + i, take);
            i += take;
            remaining_ -= take;
            if (remaining_ == 0 && phase_ == Phase::length_body)
                state_ = State::complete;
            else if (remaining_ == 0)
                phase_ = Phase::chunk_data_cr;
            continue;
        }
        char c = p[i++];
        if (phase_ == Phase::trailer)
            trailer_byte(c);
        else
            chunk_byte(c);
    }
    return i;
}

// chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1);
// the extensions are skipped up to chunk_ext_max bytes.
void Request_parser::chunk_byte(char c)
{
    switch (phase_) {
    case Phase::chunk_size: {
        int d = toolstack::hex_value(c);
        if (d >= 0) {
            if (++chunk_digits_ > 16)
                return fail(400);
            uint64_t room = limits_.body_max - body_received_;
            if (remaining_ > room / 16 || static_cast<uint64_t>(d) > room - remaining_ * 16)
                return fail(413);
            remaining_ = remaining_ * 16 + static_cast<uint64_t>(d);
            return;
        }
        if (chunk_digits_ == 0)
            return fail(400);
        if (c == ';' || is_ows(c)) {
            phase_ = Phase::chunk_ext;
            ext_started_ = c == ';';
            chunk_ext_ = 1; // the extensions' bytes count from here
            return;
        }
        if (c == '\r') {
            phase_ = Phase::chunk_size_lf;
            return;
        }
        break;
    }
    case Phase::chunk_ext:
        // BWS ";" first: "1 x" and "1 " are refused, not read as size 1.
        if (!ext_started_) {
            if (c == ';')
                ext_started_ = true;
            else if (!is_ows(c))
                return fail(400);
            if (++chunk_ext_ > limits_.chunk_ext_max)
                return fail(400);
            return;
        }
        if (c == '\r') {
            phase_ = Phase::chunk_size_lf;
            return;
        }
        if (c != '\n') {
            if (!is_field_char(c) || ++chunk_ext_ > limits_.chunk_ext_max)
                return fail(400);
            return;
        }
        break;
    case Phase::chunk_size_lf:
        if (c != '\n')
            return fail(400);
        break;
    case Phase::chunk_data_cr:
        if (c == '\r')
            phase_ = Phase::chunk_data_lf;
        else if (c == '\n')
            phase_ = Phase::chunk_size;
        else
            fail(400);
        return;
    case Phase::chunk_data_lf:
        if (c == '\n')
            phase_ = Phase::chunk_size;
        else
            fail(400);
        return;
    default: return fail(400);
    }
    if (c != '\n')
        return fail(400);
    // The chunk-size line is complete: data, or the trailer after size 0.
    chunk_digits_ = chunk_ext_ = 0;
    ext_started_ = false;
    phase_ = remaining_ ? Phase::chunk_data : Phase::trailer;
}

// Trailer fields are skipped, bounded by header_bytes, up to the empty line.
void Request_parser::trailer_byte(char c)
{
    if (c == '\n') {
        cr_ = false;
        if (trailer_line_ == 0)
            state_ = State::complete;
        trailer_line_ = 0;
        return;
    }
    if (c == '\r' && !cr_) {
        cr_ = true;
        return;
    }
    if (cr_ || !is_field_char(c))
        return fail(400);
    if (trailer_bytes_ >= limits_.header_bytes)
        return fail(431);
    ++trailer_bytes_;
    ++trailer_line_;
}

} // namespace http
