// libxlu's tokens (libxlu_cfg_l.l) and its string escapes
// (libxlu_cfg.c xlu__cfgl_dequote), with the differences and bounds
// xl_config.hpp lists.
#include "tools/lib/config/syntax.hpp"

namespace cfg {
namespace {

bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
// libxlu's NUMBER is [0-9][0-9a-fx]*: the key that reads it decides.
bool is_number_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || c == 'x';
}
} // namespace

Token Lexer::make(Tok kind, uint32_t start, uint32_t end) const
{
    Token t;
    t.kind = kind;
    t.line = line_;
    t.span = Str(in_.p + start, end - start);
    return t;
}

// As libxlu's lexerr state, the text shown runs from the offending byte to
// the next blank or newline.
Token Lexer::lexical_error(uint32_t start, const char* why, Status s)
{
    uint32_t end = start + 1;
    while (end < in_.n && in_[end] != ' ' && in_[end] != '\t' && in_[end] != '\n')
        ++end;
    Token t = make(Tok::error, start, end);
    t.why = why;
    t.status = s;
    pos_ = end;
    return t;
}

// A string runs to the same quote; a backslash takes the next byte with it
// whatever it is, except a newline, which no string may hold.
Token Lexer::quoted(uint32_t start)
{
    char q = in_[start];
    uint32_t i = start + 1;
    while (i < in_.n && in_[i] != q && in_[i] != '\n') {
        if (in_[i] == '\0')
            return lexical_error(start, "NUL byte in quoted string");
        if (in_[i] == '\\' && i + 1 < in_.n && in_[i + 1] != '\n')
            ++i;
        ++i;
    }
    if (i >= in_.n || in_[i] != q)
        return lexical_error(start, "lexical error");
    if (i - start - 1 > max_string_bytes)
        return lexical_error(start, "quoted string longer than 4096 bytes", Status::too_large);
    pos_ = i + 1;
    return make(Tok::string, start, pos_);
}

Token Lexer::next()
{
    while (pos_ < in_.n && (in_[pos_] == ' ' || in_[pos_] == '\t' ||
                            (in_[pos_] == '\r' && pos_ + 1 < in_.n && in_[pos_ + 1] == '\n')))
        ++pos_;
    if (pos_ >= in_.n)
        return make(Tok::end, pos_, pos_);
    uint32_t start = pos_;
    char c = in_[pos_];
    if (c == '\n' || c == '#') {
        uint32_t end = in_.find('\n', pos_);
        Token t = make(Tok::newline, start, end);
        if (end > start && in_[end - 1] == '\r')
            t.span.n--;
        pos_ = end < in_.n ? end + 1 : end;
        ++line_;
        return t;
    }
    if (is_alpha(c) || is_digit(c)) {
        bool ident = is_alpha(c);
        uint32_t end = pos_ + 1;
        while (end < in_.n && (ident ? is_alpha(in_[end]) || is_digit(in_[end]) || in_[end] == '.'
                                     : is_number_char(in_[end])))
            ++end;
        if (end - start > max_token_bytes)
            return lexical_error(start, "token longer than 256 bytes", Status::too_large);
        pos_ = end;
        return make(ident ? Tok::ident : Tok::number, start, end);
    }
    if (c == '"' || c == '\'')
        return quoted(start);
    Tok single = Tok::error;
    switch (c) {
    case ',': single = Tok::comma; break;
    case '[': single = Tok::open; break;
    case ']': single = Tok::close; break;
    case '=': single = Tok::assign; break;
    case ';': single = Tok::semi; break;
    case '+':
        if (pos_ + 1 < in_.n && in_[pos_ + 1] == '=') {
            pos_ += 2;
            return make(Tok::add, start, pos_);
        }
        break;
    default: break;
    }
    if (single != Tok::error) {
        ++pos_;
        return make(single, start, pos_);
    }
    if (c == '+' || c == '-' || c == '.' || c == '(' || c == ')' || c == ':')
        likely_python_ = true;
    return lexical_error(start, c == '\0' ? "NUL byte in config file" : "lexical error");
}

bool dequote(Str raw, Text* out, const char*& why)
{
    Str s(raw.p + 1, raw.n - 2);
    for (uint32_t i = 0; i < s.n;) {
        char c = s[i++];
        if (c != '\\') {
            if (out)
                out->put_char(c);
            continue;
        }
        // The lexer never ends a string on a lone backslash.
        char e = s[i++];
        int v = -1;
        switch (e) {
        case '"':
        case '\'':
        case '\\': v = e; break;
        case 'a': v = 7; break;
        case 'b': v = 8; break;
        case 'f': v = 12; break;
        case 'n': v = 10; break;
        case 'r': v = 13; break;
        case 't': v = 9; break;
        case 'v': v = 11; break;
        case 'x': {
            int hi = i < s.n ? toolstack::hex_value(s[i]) : -1;
            int lo = i + 1 < s.n ? toolstack::hex_value(s[i + 1]) : -1;
            if (hi < 0 || lo < 0) {
                why = "invalid digit after backslash hex numerical character escape in quoted "
                      "string";
                return false;
            }
            v = hi * 16 + lo;
            i += 2;
            break;
        }
        default:
            if (e >= '0' && e <= '7') {
                v = e - '0';
                for (int k = 0; k < 2 && i < s.n && s[i] >= '0' && s[i] <= '7'; ++k)
                    v = v * 8 + (s[i++] - '0');
                if (v > 255) {
                    why = "invalid digit after backslash octal numerical character escape in "
                          "quoted string";
                    return false;
                }
                break;
            }
            // libxlu's wording, misspelling and all.
            why = "invalid character after backlash in quoted string";
            return false;
        }
        if (v == 0) {
            why = "escape makes a NUL byte in quoted string";
            return false;
        }
        if (out)
            out->put_char(static_cast<char>(v));
    }
    return true;
}

} // namespace cfg
