// Paths and methods of docs/api.md to endpoints, and the token check.
#include "tools/lib/api/api.hpp"
#include "tools/lib/http/response_writer.hpp"
#include "tools/lib/http/syntax.hpp"

namespace api {

namespace {

// %XX-decodes s into buf (cap bytes); false if malformed, too long, or
// it would hold a NUL or '/'.
bool percent_decode(Str s, char* buf, uint32_t cap, Str& out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s.n; ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.n)
                return false;
            int hi = toolstack::hex_value(s[i + 1]), lo = toolstack::hex_value(s[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            c = static_cast<char>(hi * 16 + lo);
            if (c == '\0' || c == '/')
                return false;
            i += 2;
        }
        if (n == cap)
            return false;
        buf[n++] = c;
    }
    out = Str(buf, n);
    return n > 0;
}

// The next '/'-separated segment of path after `at` (which is at a '/').
Str segment(Str path, uint32_t& at)
{
    if (at >= path.n || path[at] != '/')
        return Str();
    uint32_t end = path.find('/', at + 1);
    Str s(path.p + at + 1, end - at - 1);
    at = end;
    return s;
}

void allow(Route& r, Str method, Str allowed, Endpoint ep)
{
    r.ep = ep;
    r.allow = allowed;
    // allowed is a comma-separated list: is method in it?
    Str rest = allowed;
    while (!rest.empty()) {
        uint32_t comma = rest.find(',');
        Str m = rest.prefix(comma);
        while (!m.empty() && m[0] == ' ')
            m = m.sub(1);
        if (m == method) {
            r.status = 0;
            return;
        }
        rest = rest.sub(comma + 1);
    }
    r.status = 405;
}

constexpr const char* actions[] = {"pause",  "unpause",  "destroy", "shutdown",
                                   "reboot", "vcpu-set", "mem-set"};

} // namespace

void Api::resolve(Str method, Str path, Route& r) const
{
    r = Route{};
    for (size_t i = 0; i < cfg_.n_files; ++i)
        if (path == Str(cfg_.files[i].path)) {
            r.file = &cfg_.files[i];
            allow(r, method, "GET, HEAD", Endpoint::static_file);
            return;
        }
    if (path == "/metrics")
        return allow(r, method, "GET, HEAD", Endpoint::metrics);
    if (!path.starts_with("/api/v1/"))
        return;
    uint32_t at = 7;
    Str top = segment(path, at);
    if (top == "host" && at == path.n)
        return allow(r, method, "GET, HEAD", Endpoint::host);
    if (top == "dmesg" && at == path.n)
        return allow(r, method, "GET, HEAD", Endpoint::dmesg);
    if (top == "operations") {
        Str n = segment(path, at);
        if (at == path.n && toolstack::parse_u64(n, ~0ull >> 1, r.number))
            allow(r, method, "GET, HEAD", Endpoint::operation);
        return;
    }
    if (top != "domains")
        return;
    if (at == path.n)
        return allow(r, method, "GET, HEAD, POST",
                     method == "POST" ? Endpoint::create : Endpoint::domains);
    Str dom = segment(path, at);
    if (!percent_decode(dom, r.dom_buf, sizeof r.dom_buf, r.dom))
        return;
    if (at == path.n)
        return allow(r, method, "GET, HEAD, DELETE", Endpoint::domain);
    Str sub = segment(path, at);
    if (at != path.n)
        return;
    if (sub == "vcpus")
        return allow(r, method, "GET, HEAD", Endpoint::vcpus);
    if (sub == "stats")
        return allow(r, method, "GET, HEAD", Endpoint::stats);
    if (sub == "sched-credit")
        return allow(r, method, "GET, HEAD, POST", Endpoint::sched_credit);
    if (sub == "console")
        return allow(r, method, "GET, HEAD, POST", Endpoint::console);
    for (const char* a : actions)
        if (sub == Str(a)) {
            r.verb = Str(a);
            return allow(r, method, "POST", Endpoint::action);
        }
}

bool Api::authorized(const http::Request_parser& p) const
{
    Str v;
    if (cfg_.token.empty() || !p.header("Authorization", v))
        return false;
    if (v.n < 7 || !http::equal_nocase(v.prefix(7), "bearer "))
        return false;
    Str given = v.sub(7);
    while (!given.empty() && (given[given.n - 1] == ' ' || given[given.n - 1] == '\t'))
        given = given.prefix(given.n - 1);
    // Constant time in the token's length: every byte is compared
    // whatever the first difference, and a length difference counts too.
    Str want = cfg_.token;
    uint32_t diff = given.n ^ want.n;
    for (uint32_t i = 0; i < want.n; ++i) {
        char g = i < given.n ? given[i] : '\0';
        diff |= static_cast<uint32_t>(static_cast<unsigned char>(g) ^
                                      static_cast<unsigned char>(want[i]));
    }
    return diff == 0;
}

bool Api::wants_upload(const Route& r, Str content_type)
{
    Str b;
    return r.ep == Endpoint::create && Multipart_reader::boundary_of(content_type, b);
}

void Api::error(Reply& out, unsigned status, Str message) const
{
    out.status = status;
    out.content_type = "application/json";
    out.body.clear();
    Json_writer j(out.body);
    j.begin_object().key("error").string(message).end_object();
}

void Api::handle(Route& r, const Request& q, Reply& out)
{
    if (r.status == 405) {
        error(out, 405, "method not allowed");
        out.allow = r.allow;
        return;
    }
    if (r.status != 0) {
        error(out, r.status == 404 || r.status < 400 ? 404 : r.status,
              r.status == 404 || r.status < 400 ? Str("not found") : http::reason_phrase(r.status));
        return;
    }
    bool get = q.method == "GET";
    switch (r.ep) {
    case Endpoint::static_file:
        out.content_type = r.file->content_type;
        out.body.put(r.file->bytes, static_cast<uint32_t>(r.file->len));
        out.no_cache = true;
        {
            // A weak validator from the bytes (FNV-1a): the page changes
            // only with dom0's image.
            uint32_t h = 2166136261u;
            for (size_t i = 0; i < r.file->len; ++i)
                h = (h ^ r.file->bytes[i]) * 16777619u;
            static const char hex[] = "0123456789abcdef";
            for (int i = 0; i < 8; ++i)
                r.dom_buf[1 + i] = hex[(h >> (28 - 4 * i)) & 15];
            r.dom_buf[0] = r.dom_buf[9] = '"';
            out.etag = Str(r.dom_buf, 10);
        }
        return;
    case Endpoint::host: return get_host(out);
    case Endpoint::domains: return get_domains(out);
    case Endpoint::create: return post_create_json(q, out);
    case Endpoint::domain:
        if (get)
            return get_domain(r.dom, out);
        return post_action(r.dom, "destroy", q, out);
    case Endpoint::vcpus: return get_vcpus(r.dom, out);
    case Endpoint::stats: return get_stats(r.dom, out);
    case Endpoint::sched_credit: return sched_credit(r.dom, q, out);
    case Endpoint::action: return post_action(r.dom, r.verb, q, out);
    case Endpoint::console:
        if (get)
            return get_console(r.dom, q.query, out);
        return post_console(r.dom, q, out);
    case Endpoint::dmesg: return get_dmesg(out);
    case Endpoint::metrics: return get_metrics(out);
    case Endpoint::operation: return get_operation(r.number, out);
    case Endpoint::none: break;
    }
    error(out, 404, "not found");
}

bool Api::find_domain(Str dom, xl::Domain*& d, domid_t& id, Reply& out) const
{
    d = nullptr;
    if (dom == "0" || dom == "Domain-0") {
        id = 0;
        return true;
    }
    d = ts_.find(dom);
    if (!d) {
        Text msg(alloc_);
        msg.put("Invalid domain identifier: ").put(dom);
        error(out, 404, msg.str());
        return false;
    }
    id = d->domid;
    return true;
}

} // namespace api
