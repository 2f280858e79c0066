#include "tools/lib/api/server.hpp"

#include "tools/lib/api/connection.hpp"
#include "tools/lib/http/response_writer.hpp"
#include "tools/lib/http/syntax.hpp"

namespace api {

namespace {

constexpr char busy_reply[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    "Connection: close\r\nContent-Length: 34\r\n\r\n{\"error\":\"too many connections\"}\r\n";
static_assert(sizeof busy_reply - 1 - 34 ==
                  sizeof("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                         "Connection: close\r\nContent-Length: 34\r\n\r\n") -
                      1,
              "the busy reply's length");

// The parser's limits: the head as http's defaults; bodies up to an
// upload's size (JSON bodies are bounded again by the server).
http::Limits parser_limits()
{
    http::Limits l;
    l.line_max = 8 * 1024;
    l.header_bytes = 8 * 1024;
    l.max_fields = 64;
    l.body_max = Server::upload_max;
    return l;
}

uint32_t pending(const Connection& c)
{
    return c.out.size() - c.out_sent;
}

// The contiguous kept console bytes of log from offset `from` on.
Str console_piece(const xl::Console_log& log, uint64_t from)
{
    Str older, newer;
    log.contents(older, newer);
    uint64_t oldest = log.total() - older.n - newer.n;
    if (from < oldest)
        from = oldest;
    uint64_t at = from - oldest;
    if (at < older.n)
        return older.sub(static_cast<uint32_t>(at));
    at -= older.n;
    return newer.sub(static_cast<uint32_t>(at < newer.n ? at : newer.n));
}

} // namespace

// Keeps a Connection alive while the server works on it: a transport that
// calls closed() from inside write/close/abort only marks it dead, and the
// outermost guard frees it.
struct Conn_guard {
    Connection& c;
    Server& s;
    static uint32_t& depth(Connection& c);
    Conn_guard(Server& srv, Connection& conn);
    ~Conn_guard();
};

Server* Server::create(xl::Toolstack& ts, const toolstack::Allocator& a, const Server_config& cfg)
{
    Server* s = toolstack::create<Server>(a, ts, a, cfg);
    if (!s)
        return nullptr;
    s->api_ = toolstack::create<Api>(a, *s, ts, s->alloc_, s->cfg_);
    if (!s->api_) {
        toolstack::destroy(a, s);
        return nullptr;
    }
    xl::Domain_observer o;
    o.ctx = s;
    o.console_output = console_output;
    o.domain_gone = domain_gone;
    ts.observe(o);
    s->request_wake();
    return s;
}

void Server::destroy(Server* s)
{
    if (s)
        toolstack::destroy(toolstack::Allocator(s->alloc_), s);
}

Server::Server(xl::Toolstack& ts, const toolstack::Allocator& a, const Server_config& cfg)
    : ts_(ts), alloc_(a), cfg_(cfg)
{
}

Server::~Server()
{
    ts_.observe(xl::Domain_observer{});
    while (Connection* c = conns_.first())
        free_connection(c);
    toolstack::destroy(alloc_, api_);
}

void Server::free_connection(Connection* c)
{
    if (c->upload)
        api_->abandon_upload(c->upload);
    http::Request_parser::destroy(c->parser);
    conns_.remove(c);
    --n_conns_;
    toolstack::destroy(alloc_, c);
}

void Server::request_wake()
{
    uint64_t t = next_deadline_ns();
    if (t != ~0ull)
        ts_.host().wake_at(t);
}

void* Server::accepted(Conn& conn)
{
    Connection* c =
        n_conns_ < cfg_.max_connections ? toolstack::create<Connection>(alloc_, alloc_) : nullptr;
    if (!c) {
        size_t n = sizeof busy_reply - 1;
        size_t space = conn.send_space();
        (void)conn.write(reinterpret_cast<const uint8_t*>(busy_reply), n < space ? n : space);
        conn.close();
        return nullptr;
    }
    c->server = this;
    c->conn = &conn;
    c->id = ++next_conn_id_;
    c->last_ns = ts_.host().now_ns();
    conns_.push_back(c);
    ++n_conns_;
    request_wake();
    return c;
}

void Server::received(void* s, const uint8_t* d, size_t n)
{
    auto* c = static_cast<Connection*>(s);
    if (!c || c->closing || c->conn == nullptr)
        return;
    {
        Conn_guard g(*this, *c);
        c->last_ns = ts_.host().now_ns();
        const char* p = reinterpret_cast<const char*>(d);
        if (c->in.size() == 0) {
            process(*c, p, n);
        } else if (c->in.size() + n > input_max) {
            c->closing = true; // pipelining without reading the answers
            c->conn->abort();
        } else {
            c->in.put(p, static_cast<uint32_t>(n));
            resume(*c);
        }
    }
    request_wake();
}

// Parses what the connection may take now; the rest goes to c.in.
void Server::process(Connection& c, const char* p, size_t n)
{
    while (n && process_once(c, p, n)) {
    }
    if (!c.in_request && c.parser) {
        http::Request_parser::destroy(c.parser);
        c.parser = nullptr;
    }
    if (n && !c.closing) {
        if (n > input_max || !c.in.put(p, static_cast<uint32_t>(n)).ok()) {
            c.conn->abort();
            c.closing = true;
        }
    }
}

// One step: false when the connection can take no more now (p, n say what
// is left).
bool Server::process_once(Connection& c, const char*& p, size_t& n)
{
    if (c.closing || c.close_after || c.streaming || pending(c) > output_high)
        return false;
    uint64_t now = ts_.host().now_ns();
    if (!c.parser) {
        c.parser =
            http::Request_parser::create(alloc_, parser_limits(), http::Body_sink{body_bytes, &c});
        if (!c.parser) {
            c.conn->abort();
            c.closing = true;
            return false;
        }
    }
    if (!c.in_request) {
        c.in_request = true;
        c.request_ns = now;
    }
    auto r = c.parser->feed(p, n);
    p += r.consumed;
    n -= r.consumed;
    if (r.state == http::Request_parser::State::error) {
        Reply reply(alloc_);
        api_->error(reply, c.parser->status(), http::reason_phrase(c.parser->status()));
        c.body_refused = true;
        send_reply(c, reply);
        return false;
    }
    if (r.state != http::Request_parser::State::head && !c.routed)
        head_complete(c);
    if (c.body_refused || c.closing)
        return false;
    if (r.state == http::Request_parser::State::complete) {
        request_complete(c);
        return true;
    }
    return false;
}

void Server::body_bytes(void* ctx, const char* p, size_t n)
{
    auto& c = *static_cast<Connection*>(ctx);
    Server& s = *c.server;
    if (!c.routed)
        s.head_complete(c);
    c.request_ns = s.ts_.host().now_ns();
    switch (c.body_mode) {
    case Connection::Body::collect:
        if (c.body.size() + n > json_body_max)
            c.body_mode = Connection::Body::discard, c.route.status = 413;
        else
            c.body.put(p, static_cast<uint32_t>(n));
        break;
    case Connection::Body::upload:
        if (!s.api_->upload_bytes(c.upload, p, n))
            c.body_mode = Connection::Body::discard;
        break;
    case Connection::Body::none:
    case Connection::Body::discard: break;
    }
}

Conn_guard::Conn_guard(Server& srv, Connection& conn) : c(conn), s(srv)
{
    ++c.depth;
}

Conn_guard::~Conn_guard()
{
    if (--c.depth == 0 && c.dead)
        s.free_connection(&c);
}

void Server::head_complete(Connection& c)
{
    c.routed = true;
    http::Request_parser& p = *c.parser;
    c.keep_alive = p.keep_alive();
    Str method = p.method();
    c.head_only = method == "HEAD";
    api_->resolve(c.head_only ? Str("GET") : method, p.path(), c.route);
    bool has_body = p.chunked() || p.content_length() > 0;
    Str ctype;
    (void)p.header("Content-Type", ctype);
    Reply early(alloc_);
    bool refuse = false;
    bool needs_auth = c.route.ep != Endpoint::static_file &&
                      (p.path().starts_with("/api/") || p.path() == "/metrics");
    if (needs_auth && !api_->authorized(p)) {
        api_->error(early, 401, "missing or wrong token (Authorization: Bearer TOKEN)");
        early.www_authenticate = true;
        refuse = true;
    } else if (c.route.status == 0 && Api::wants_upload(c.route, ctype)) {
        c.upload = api_->begin_upload(ctype, early, c.id);
        if (c.upload)
            c.body_mode = Connection::Body::upload;
        else
            refuse = true;
    } else if (c.route.status == 0 && p.content_length() > json_body_max) {
        api_->error(early, 413, "request body too large");
        refuse = true;
    } else {
        c.body_mode = Connection::Body::collect;
    }
    // A refusal with a body still to come is answered now and the
    // connection closed: the body is never read.
    if (refuse && has_body && p.state() != http::Request_parser::State::complete) {
        c.body_refused = true;
        c.body_mode = Connection::Body::discard;
        send_reply(c, early);
        return;
    }
    if (refuse) {
        // Nothing of the request is left to read: answered now, in order,
        // and the connection stays.
        c.answered = true;
        c.body_mode = Connection::Body::discard;
        send_reply(c, early);
    }
}

void Server::request_complete(Connection& c)
{
    Reply reply(alloc_);
    http::Request_parser& p = *c.parser;
    if (c.answered) {
        // head_complete() gave the answer.
    } else if (c.route.status == 413) {
        api_->error(reply, 413, "request body too large");
    } else if (c.upload) {
        Upload* u = c.upload;
        c.upload = nullptr;
        api_->finish_upload(u, reply);
    } else {
        Request q;
        q.method = c.head_only ? Str("GET") : p.method();
        q.query = p.query();
        (void)p.header("Content-Type", q.content_type);
        q.body = c.body.str();
        api_->handle(c.route, q, reply);
    }
    if (!c.answered)
        send_reply(c, reply);
    c.answered = false;
    p.reset();
    c.in_request = false;
    c.routed = false;
    c.body.clear();
    c.body_mode = Connection::Body::none;
    c.route = Route{};
}

void Server::send_reply(Connection& c, Reply& r)
{
    bool keep = c.keep_alive && !c.body_refused;
    if (c.parser && c.parser->state() == http::Request_parser::State::error)
        keep = false;
    Text head_copy(alloc_);
    Text& t = c.head_only ? head_copy : c.out;
    http::Response_writer w(t);
    w.status(r.status);
    w.header("Content-Type", r.content_type);
    if (r.www_authenticate)
        w.header("WWW-Authenticate", "Bearer realm=\"xenith\"");
    if (!r.allow.empty())
        w.header("Allow", r.allow);
    if (!r.etag.empty())
        w.header("ETag", r.etag);
    if (r.no_cache)
        w.header("Cache-Control", "no-cache");
    if (r.has_console_offset) {
        char digits[24];
        uint32_t n = toolstack::format_u64(r.console_offset, digits);
        w.header("X-Console-Offset", Str(digits, n));
    }
    w.connection(keep);
    if (r.stream) {
        w.start_chunked();
        w.chunk(r.body.str());
        c.streaming = true;
        c.follow_dom = r.stream_dom;
        c.follow_at = r.stream_at;
    } else {
        w.start_body(r.body.size());
        w.body(r.body.str());
    }
    if (c.head_only) {
        // HEAD: the same head, no body (RFC 9110 §9.3.2).
        Str all = head_copy.str();
        uint32_t end = 0;
        while (end + 4 <= all.n && !(all.sub(end).starts_with("\r\n\r\n")))
            ++end;
        c.out.put(all.prefix(end + 4));
        if (c.streaming) {
            c.streaming = false;
            keep = false;
        }
    }
    if (!c.out.ok()) {
        c.conn->abort();
        c.closing = true;
        return;
    }
    if (!keep)
        c.close_after = true;
    flush(c);
}

void Server::flush(Connection& c)
{
    if (c.closing)
        return;
    while (c.out_sent < c.out.size()) {
        size_t space = c.conn->send_space();
        if (space == 0)
            break;
        size_t left = pending(c);
        size_t w = c.conn->write(reinterpret_cast<const uint8_t*>(c.out.data()) + c.out_sent,
                                 left < space ? left : space);
        if (w == 0 || c.dead)
            break;
        c.out_sent += static_cast<uint32_t>(w > left ? left : w);
        c.last_ns = ts_.host().now_ns();
    }
    if (c.out_sent == c.out.size()) {
        c.out.clear();
        c.out_sent = 0;
    } else if (c.out_sent >= 16 * 1024) {
        c.out.drop_front(c.out_sent);
        c.out_sent = 0;
    }
    if (c.close_after && c.out.size() == 0 && !c.streaming && !c.closing && !c.dead) {
        c.closing = true;
        c.conn->close();
    }
}

void Server::resume(Connection& c)
{
    if (c.closing || c.dead || c.streaming || pending(c) > output_high || c.in.size() == 0)
        return;
    // process() appends what it cannot take to c.in: work on a copy of
    // the bytes' place by moving them out first.
    Text held(alloc_);
    held.put(c.in.str());
    c.in.clear();
    if (!held.ok()) {
        c.conn->abort();
        c.closing = true;
        return;
    }
    process(c, held.data(), held.size());
}

void Server::writable(void* s)
{
    auto* c = static_cast<Connection*>(s);
    if (!c || c->dead)
        return;
    {
        Conn_guard g(*this, *c);
        flush(*c);
        if (c->streaming)
            pump_stream(*c);
        resume(*c);
    }
    request_wake();
}

void Server::closed(void* s)
{
    auto* c = static_cast<Connection*>(s);
    if (!c)
        return;
    c->conn = nullptr;
    c->closing = true;
    if (c->depth) {
        c->dead = true;
        return;
    }
    free_connection(c);
}

void Server::pump_stream(Connection& c)
{
    xl::Domain* d = ts_.find(c.follow_dom);
    if (!d) {
        end_stream(c);
        return;
    }
    while (c.follow_at < d->log.total() && pending(c) <= output_high) {
        Str piece = console_piece(d->log, c.follow_at);
        if (piece.empty())
            break;
        uint64_t oldest = d->log.total() > xl::Console_log::capacity
                              ? d->log.total() - xl::Console_log::capacity
                              : 0;
        if (c.follow_at < oldest)
            c.follow_at = oldest; // the client fell more than the log behind
        http::put_chunk(c.out, piece);
        c.follow_at += piece.n;
    }
    flush(c);
}

void Server::end_stream(Connection& c)
{
    if (!c.streaming)
        return;
    c.streaming = false;
    c.out.put("0\r\n\r\n");
    flush(c);
}

void Server::console_output(void* ctx, xl::Domain& d)
{
    auto* s = static_cast<Server*>(ctx);
    for (Connection* c = s->conns_.first(); c;) {
        Connection* next = s->conns_.next(c);
        if (c->streaming && c->follow_dom == d.domid && !c->dead) {
            Conn_guard g(*s, *c);
            s->pump_stream(*c);
        }
        c = next;
    }
}

// The domain's record is still valid: its last output goes out, then
// the stream ends. Pipelined requests behind it wait for the next tick
// (the toolstack is in the middle of forgetting a domain).
void Server::domain_gone(void* ctx, xl::Domain& d)
{
    auto* s = static_cast<Server*>(ctx);
    for (Connection* c = s->conns_.first(); c;) {
        Connection* next = s->conns_.next(c);
        if (c->streaming && c->follow_dom == d.domid && !c->dead && !c->closing) {
            Conn_guard g(*s, *c);
            while (c->follow_at < d.log.total()) {
                Str piece = console_piece(d.log, c->follow_at);
                if (piece.empty())
                    break;
                http::put_chunk(c->out, piece);
                c->follow_at += piece.n;
            }
            s->end_stream(*c);
        }
        c = next;
    }
    s->api_->domain_gone(d.domid);
    s->ts_.host().wake_at(s->ts_.host().now_ns());
}

uint64_t Server::deadline_of(const Connection& c) const
{
    if (c.closing || c.dead)
        return ~0ull;
    if (c.in_request)
        return c.request_ns + cfg_.request_timeout_ns;
    if (c.streaming)
        return pending(c) ? c.last_ns + cfg_.idle_timeout_ns : ~0ull;
    if (c.in.size() && pending(c) <= output_high)
        return 0; // buffered requests to handle
    return c.last_ns + cfg_.idle_timeout_ns;
}

void Server::check_timeouts(Connection& c, uint64_t now)
{
    uint64_t due = deadline_of(c);
    if (due > now)
        return;
    if (c.in.size() && !c.in_request && !c.streaming && pending(c) <= output_high) {
        resume(c);
        return;
    }
    if (c.in_request && c.parser && c.parser->state() == http::Request_parser::State::head &&
        pending(c) == 0) {
        // Half a request and silence: 408, then the connection goes.
        Reply r(alloc_);
        api_->error(r, 408, "request timeout");
        c.body_refused = true;
        c.in_request = false;
        send_reply(c, r);
        return;
    }
    // Silent mid-body (an upload stopped), or not reading its answers, or
    // idle after 408's close: reset it; closed() frees the rest.
    if (!c.in_request && pending(c) == 0 && !c.streaming) {
        c.closing = true;
        c.conn->close();
        return;
    }
    c.closing = true;
    c.conn->abort();
}

void Server::tick()
{
    uint64_t now = ts_.host().now_ns();
    for (Connection* c = conns_.first(); c;) {
        Connection* next = conns_.next(c);
        {
            Conn_guard g(*this, *c);
            check_timeouts(*c, now);
        }
        c = next;
    }
    api_->tick();
    request_wake();
}

uint64_t Server::next_deadline_ns() const
{
    uint64_t t = api_ ? api_->next_deadline_ns() : ~0ull;
    for (Connection* c = conns_.first(); c; c = conns_.next(c)) {
        uint64_t d = deadline_of(*c);
        if (d < t)
            t = d;
    }
    return t;
}

} // namespace api
