// libxlu's grammar (libxlu_cfg_y.y), by recursive descent:
//   file:       { [assignment] (NEWLINE | ';') } [assignment] end
//   assignment: IDENT ('=' | "+=") value
//   value:      STRING | NUMBER | '[' nl* [ value nl* { ',' nl* value nl* } [',' nl*] ] ']'
// and its error messages (xlu__cfg_yyerror: "<source>:<line>: config
// parsing error near `<token>': <what>", bison's "syntax error, unexpected
// X, expecting Y" for what).
#include "tools/lib/config/syntax.hpp"

namespace cfg {

Line& Line::put_char(char c)
{
    if (n_ + 1 < cap_) {
        buf_[n_++] = c;
        buf_[n_] = '\0';
    }
    return *this;
}

Line& Line::put(Str s)
{
    for (uint32_t i = 0; i < s.n; ++i)
        put_char(s[i]);
    return *this;
}

Line& Line::put_u64(uint64_t v)
{
    char digits[20];
    return put(Str(digits, toolstack::format_u64(v, digits)));
}

Line& Line::put_i64(int64_t v)
{
    if (v < 0) {
        put_char('-');
        return put_u64(0 - static_cast<uint64_t>(v));
    }
    return put_u64(static_cast<uint64_t>(v));
}

Line& Line::put_shown(Str s)
{
    constexpr uint32_t shown = 40;
    static const char hex[] = "0123456789abcdef";
    for (uint32_t i = 0; i < s.n && i < shown; ++i) {
        auto b = static_cast<uint8_t>(s[i]);
        if (b >= 0x20 && b < 0x7f) {
            put_char(static_cast<char>(b));
        } else {
            put_char('\\').put_char('x');
            put_char(hex[b >> 4]).put_char(hex[b & 15]);
        }
    }
    if (s.n > shown)
        put("...");
    return *this;
}

namespace {

Line source_line(Line l, Str source, uint32_t line)
{
    l.put(source);
    if (line)
        l.put(":").put_u64(line);
    return l.put(": ");
}

} // namespace

Line error_at(Diagnostics& d, Status s, Str source, uint32_t line)
{
    if (d.failed())
        return Line();
    d.status = s;
    return source_line(Line(d.error, Diagnostics::line_len), source, line);
}

Line warning_at(Diagnostics& d, Str source, uint32_t line)
{
    if (d.n_warnings == Diagnostics::max_warnings) {
        ++d.warnings_dropped;
        return Line();
    }
    Line l(d.warnings[d.n_warnings++], Diagnostics::line_len);
    return source_line(l, source, line).put("warning: ");
}

namespace {

// bison's names for the tokens (%token declarations of libxlu_cfg_y.y).
Str token_name(Tok k)
{
    switch (k) {
    case Tok::end: return "end of file";
    case Tok::ident: return "IDENT";
    case Tok::number: return "NUMBER";
    case Tok::string: return "STRING";
    case Tok::newline: return "NEWLINE";
    case Tok::assign: return "'='";
    case Tok::add: return "\"+=\"";
    case Tok::comma: return "','";
    case Tok::open: return "'['";
    case Tok::close: return "']'";
    case Tok::semi: return "';'";
    case Tok::error: break;
    }
    return "error";
}

class Parser {
public:
    Parser(const Allocator& a, Str source, Str text, uint32_t first_line, const Sink& sink,
           Diagnostics& diag)
        : lex_(text, first_line), source_(source), sink_(sink), diag_(diag), scratch_(a)
    {
    }

    bool file();
    bool likely_python() const { return lex_.likely_python(); }

private:
    Token next();
    Token peek();
    Token skip_newlines();
    bool assignment(const Token& key);
    bool value(Value* out, uint32_t depth);
    bool list(Value* out, uint32_t depth, const Token& open);
    bool string_item(Value* out, const Token& t);
    bool append(Value& dst, const Value& more, const Token& key);

    Line near(Status s, const Token& t);
    bool unexpected(const Token& t, Str expecting);
    bool fail(Status s, const Token& t, Str what);
    bool out_of_memory(const Token& t);

    Lexer lex_;
    Str source_;
    const Sink& sink_;
    Diagnostics& diag_;
    Value scratch_;
    Token ahead_;
    bool have_ahead_ = false;
};

Token Parser::next()
{
    if (have_ahead_) {
        have_ahead_ = false;
        return ahead_;
    }
    return lex_.next();
}

Token Parser::peek()
{
    if (!have_ahead_) {
        ahead_ = lex_.next();
        have_ahead_ = true;
    }
    return ahead_;
}

Token Parser::skip_newlines()
{
    while (peek().kind == Tok::newline)
        next();
    return peek();
}

Line Parser::near(Status s, const Token& t)
{
    Line l = error_at(diag_, s, source_, t.line).put("config parsing error near ");
    if (t.kind == Tok::newline && t.span.empty())
        l.put("<newline>");
    else if (t.kind == Tok::end)
        l.put("<end of file>");
    else
        l.put("`").put_shown(t.span).put("'");
    return l.put(": ");
}

bool Parser::fail(Status s, const Token& t, Str what)
{
    near(s, t).put(what);
    return false;
}

bool Parser::unexpected(const Token& t, Str expecting)
{
    if (t.kind == Tok::error)
        return fail(t.status, t, t.why);
    Line l = near(Status::syntax_error, t).put("syntax error, unexpected ").put(token_name(t.kind));
    if (!expecting.empty())
        l.put(", expecting ").put(expecting);
    return false;
}

bool Parser::out_of_memory(const Token& t)
{
    return fail(Status::out_of_memory, t, "out of memory");
}

bool Parser::file()
{
    for (;;) {
        Token t = next();
        switch (t.kind) {
        case Tok::end: return true;
        case Tok::newline:
        case Tok::semi: continue;
        case Tok::ident:
            if (!assignment(t))
                return false;
            continue;
        default: break;
        }
        return unexpected(t, "");
    }
}

bool Parser::assignment(const Token& key)
{
    Token op = next();
    if (op.kind != Tok::assign && op.kind != Tok::add)
        return unexpected(op, "'=' or \"+=\"");
    Value* dst = sink_.slot(sink_.ctx, key.span, key.line);
    bool adding = op.kind == Tok::add && dst && dst->set;
    Value* into = dst && !adding ? dst : &scratch_;
    into->clear_contents();
    if (!value(into, 0))
        return false;
    if (adding && !append(*dst, scratch_, key))
        return false;
    if (dst) {
        dst->set = true;
        dst->added = op.kind == Tok::add;
        dst->line = key.line;
    }
    Token end = peek();
    if (end.kind != Tok::newline && end.kind != Tok::semi && end.kind != Tok::end)
        return unexpected(end, "NEWLINE or ';'");
    return true;
}

// libxlu's += (xlu__cfg_concat_vals): string onto string, list onto list.
bool Parser::append(Value& dst, const Value& more, const Token& key)
{
    if (dst.is_list != more.is_list)
        return fail(Status::syntax_error, key, "can't add [list] to \"string\" or vice versa");
    uint32_t base = dst.text.size();
    if (!dst.is_list && base + more.text.size() > max_string_bytes)
        return fail(Status::too_large, key, "string longer than 4096 bytes after +=");
    if (dst.is_list && dst.items.size() + more.items.size() > max_list_items)
        return fail(Status::too_large, key, "list of more than 256 items after +=");
    dst.text.put(more.text.str());
    for (uint32_t i = 0; i < more.items.size(); ++i) {
        Value::Item item = more.items[i];
        item.at += base;
        if (!dst.items.push_back(item))
            return out_of_memory(key);
    }
    return dst.text.ok() || out_of_memory(key);
}

bool Parser::string_item(Value* out, const Token& t)
{
    Text* text = out ? &out->text : nullptr;
    const char* why = "";
    bool good = true;
    if (t.kind == Tok::number) {
        if (text)
            text->put(t.span);
    } else {
        good = dequote(t.span, text, why);
    }
    // An allocation that failed before a bad escape is the first error.
    if (text && !text->ok())
        return out_of_memory(t);
    return good || fail(Status::syntax_error, t, why);
}

bool Parser::value(Value* out, uint32_t depth)
{
    Token t = next();
    if (t.kind == Tok::string || t.kind == Tok::number)
        return string_item(out, t);
    if (t.kind == Tok::open)
        return list(out, depth + 1, t);
    return unexpected(t, "STRING or NUMBER or '['");
}

bool Parser::list(Value* out, uint32_t depth, const Token& open)
{
    if (depth > max_list_depth)
        return fail(Status::too_large, open, "lists nested more than 8 deep");
    if (out)
        out->is_list = true;
    uint32_t count = 0;
    Token t = skip_newlines();
    if (t.kind == Tok::close) {
        next();
        return true;
    }
    for (;;) {
        t = next();
        if (++count > max_list_items)
            return fail(Status::too_large, t, "list of more than 256 items");
        Value::Item item;
        if (t.kind == Tok::string || t.kind == Tok::number) {
            item.at = out ? out->text.size() : 0;
            if (!string_item(out, t))
                return false;
            item.len = out ? out->text.size() - item.at : 0;
        } else if (t.kind == Tok::open) {
            item.list = true;
            if (!list(nullptr, depth + 1, t))
                return false;
        } else {
            return unexpected(t, "STRING or NUMBER or '['");
        }
        if (out && !out->items.push_back(item))
            return out_of_memory(t);
        t = skip_newlines();
        next();
        if (t.kind == Tok::close)
            return true;
        if (t.kind != Tok::comma)
            return unexpected(t, "',' or ']'");
        if (skip_newlines().kind == Tok::close) {
            next();
            return true;
        }
    }
}

} // namespace

bool parse_settings(const Allocator& alloc, Str source, Str text, uint32_t first_line,
                    const Sink& sink, Diagnostics& diag)
{
    Parser p(alloc, source, text, first_line, sink, diag);
    if (p.file())
        return true;
    if (p.likely_python())
        warning_at(diag, source, 0)
            .put("Config file looks like it contains Python code. Arbitrary Python is no longer "
                 "supported. See https://wiki.xen.org/wiki/PythonInXlConfig");
    return false;
}

} // namespace cfg
