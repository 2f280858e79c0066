#include "tools/lib/api/multipart.hpp"

#include "tools/lib/http/syntax.hpp"

namespace api {

namespace {

// bchars of RFC 2046 §5.1.1 (a space may not end it).
bool is_bchar(char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    for (const char* t = "'()+_,-./:=? "; *t; ++t)
        if (c == *t)
            return true;
    return false;
}

Str trim(Str s)
{
    while (!s.empty() && (s[0] == ' ' || s[0] == '\t'))
        s = s.sub(1);
    while (!s.empty() && (s[s.n - 1] == ' ' || s[s.n - 1] == '\t'))
        s = s.prefix(s.n - 1);
    return s;
}

// The parameter called key in "type; a=b; c="d"" (after the first ';').
bool parameter(Str value, Str key, Str& out)
{
    uint32_t at = value.find(';');
    while (at < value.n) {
        Str rest = value.sub(at + 1);
        uint32_t eq = rest.find('=');
        Str name = trim(rest.prefix(eq));
        Str v = rest.sub(eq + 1);
        uint32_t end = 0;
        if (eq < rest.n && !v.empty() && v[0] == '"') {
            end = 1;
            while (end < v.n && v[end] != '"')
                ++end;
            if (end == v.n)
                return false; // unterminated quote
            Str q = v.sub(1).prefix(end - 1);
            if (eq < rest.n && http::equal_nocase(name, key)) {
                out = q;
                return true;
            }
            at = at + 1 + eq + 1 + end + 1;
            at += Str(value.p + at, value.n - at).find(';');
            continue;
        }
        end = v.find(';');
        if (eq < rest.n && http::equal_nocase(name, key)) {
            out = trim(v.prefix(end));
            return true;
        }
        uint32_t next = rest.find(';');
        at = next < rest.n ? at + 1 + next : value.n;
    }
    return false;
}

} // namespace

bool Multipart_reader::boundary_of(Str content_type, Str& boundary)
{
    Str type = trim(content_type.prefix(content_type.find(';')));
    if (!http::equal_nocase(type, "multipart/form-data"))
        return false;
    Str b;
    if (!parameter(content_type, "boundary", b) || b.empty() || b.n > boundary_max ||
        b[b.n - 1] == ' ')
        return false;
    for (uint32_t i = 0; i < b.n; ++i)
        if (!is_bchar(b[i]))
            return false;
    boundary = b;
    return true;
}

Multipart_reader::Multipart_reader(Str boundary, const Multipart_sink& sink) : sink_(sink)
{
    delim_[0] = '\r';
    delim_[1] = '\n';
    delim_[2] = '-';
    delim_[3] = '-';
    uint32_t n = boundary.n < boundary_max ? boundary.n : boundary_max;
    toolstack::mem_copy(delim_ + 4, boundary.p, n);
    delim_len_ = 4 + n;
    matched_ = 2; // the body may begin with the first delimiter, without CRLF
}

void Multipart_reader::fail(const char* why)
{
    if (state_ != State::error)
        error_ = why;
    state_ = State::error;
}

void Multipart_reader::feed(const char* p, uint32_t n)
{
    for (uint32_t i = 0; i < n && state_ != State::error && state_ != State::done; ++i)
        byte(p[i]);
    if (state_ == State::body)
        flush_data();
}

void Multipart_reader::emit(char c)
{
    if (out_len_ == sizeof out_)
        flush_data();
    out_[out_len_++] = c;
}

void Multipart_reader::flush_data()
{
    if (out_len_ && sink_.part_data && !sink_.part_data(sink_.ctx, Str(out_, out_len_)))
        fail("upload refused");
    out_len_ = 0;
}

void Multipart_reader::byte(char c)
{
    if (after_ != After::none) {
        switch (after_) {
        case After::first:
            if (c == '-')
                after_ = After::dash;
            else if (c == '\n')
                break;
            else if (c == ' ' || c == '\t' || c == '\r')
                after_ = After::line;
            else
                fail("multipart: bad delimiter line");
            if (c != '\n')
                return;
            break;
        case After::line:
            if (c == ' ' || c == '\t' || c == '\r')
                return;
            if (c != '\n')
                fail("multipart: bad delimiter line");
            break;
        case After::dash:
            if (c != '-') {
                fail("multipart: bad close delimiter");
                return;
            }
            after_ = After::none;
            state_ = State::done;
            return;
        case After::none: break;
        }
        if (state_ == State::error)
            return;
        // The LF ending the delimiter line: a part's head begins.
        after_ = After::none;
        state_ = State::head;
        head_len_ = line_at_ = 0;
        return;
    }
    if (state_ == State::head) {
        head_byte(c);
        return;
    }
    // preamble or body: match the delimiter.
    if (c == delim_[matched_]) {
        if (++matched_ == delim_len_) {
            matched_ = 0;
            delimiter_matched();
        }
        return;
    }
    if (state_ == State::body)
        for (uint32_t i = 0; i < matched_; ++i)
            emit(delim_[i]);
    // A delimiter's only CR is its first byte, so a new match can only
    // begin at this byte.
    if (c == delim_[0]) {
        matched_ = 1;
        return;
    }
    matched_ = 0;
    if (state_ == State::body)
        emit(c);
}

void Multipart_reader::delimiter_matched()
{
    if (state_ == State::body) {
        flush_data();
        if (state_ == State::error)
            return;
        in_part_ = false;
        if (sink_.part_end && !sink_.part_end(sink_.ctx)) {
            fail("upload refused");
            return;
        }
    }
    after_ = After::first;
}

void Multipart_reader::head_byte(char c)
{
    if (c == '\n') {
        end_head_line();
        return;
    }
    if (head_len_ == header_max) {
        fail("multipart: part header too large");
        return;
    }
    head_[head_len_++] = c;
}

void Multipart_reader::end_head_line()
{
    Str line(head_ + line_at_, head_len_ - line_at_);
    if (!line.empty() && line[line.n - 1] == '\r')
        line = line.prefix(line.n - 1);
    if (!line.empty()) {
        line_at_ = head_len_;
        return;
    }
    // The empty line: the part's header is complete. Find its name.
    name_len_ = filename_len_ = 0;
    bool named = false;
    Str all(head_, line_at_);
    while (!all.empty()) {
        uint32_t end = all.find('\n');
        Str l = all.prefix(end);
        all = all.sub(end + 1);
        if (!l.empty() && l[l.n - 1] == '\r')
            l = l.prefix(l.n - 1);
        uint32_t colon = l.find(':');
        if (colon == l.n || !http::equal_nocase(l.prefix(colon), "content-disposition"))
            continue;
        Str v = trim(l.sub(colon + 1));
        Str name, filename;
        if (!http::equal_nocase(trim(v.prefix(v.find(';'))), "form-data") ||
            !parameter(v, "name", name) || name.empty() || name.n >= name_max) {
            fail("multipart: a part without a form-data name");
            return;
        }
        toolstack::mem_copy(name_, name.p, name.n);
        name_len_ = name.n;
        if (parameter(v, "filename", filename)) {
            if (filename.n >= name_max) {
                fail("multipart: file name too long");
                return;
            }
            toolstack::mem_copy(filename_, filename.p, filename.n);
            filename_len_ = filename.n;
        }
        named = true;
    }
    if (!named) {
        fail("multipart: a part without a form-data name");
        return;
    }
    state_ = State::body;
    in_part_ = true;
    matched_ = 0;
    if (sink_.part_begin &&
        !sink_.part_begin(sink_.ctx, Str(name_, name_len_), Str(filename_, filename_len_)))
        fail("upload refused");
}

} // namespace api
