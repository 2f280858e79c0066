// Feeds the input to the HTTP request parser (tools/lib/http) in pieces
// whose sizes come from the input's first bytes, resetting after each
// complete request as a keep-alive connection would. Small limits make the
// bounds reachable. What must hold for any input:
//   - feed() never consumes more than it was given, and consumes everything
//     while the state is head or body;
//   - the state only goes head -> body -> complete, or to error with a
//     status among 400, 413, 414, 431, 501, 505, and nothing is consumed after;
//   - the head's parts lie within the limits (line, header bytes, fields) and
//     the body delivered never exceeds body_max, nor Content-Length;
//   - the body pieces handed to the sink lie within the bytes fed;
//   - at the end of the input the state is head, body, complete or error,
//     and all memory comes back;
//   - fed whole instead, the input gives the same requests (state, status,
//     body bytes, fields, path, keep-alive) and the same final state.
// ASan and UBSan catch reads past the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "tools/lib/http/request_parser.hpp"

namespace {

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

struct Mem {
    long live = 0;
    static void* alloc(void* ctx, size_t n)
    {
        ++static_cast<Mem*>(ctx)->live;
        return std::malloc(n ? n : 1);
    }
    static void release(void* ctx, void* p, size_t)
    {
        --static_cast<Mem*>(ctx)->live;
        std::free(p);
    }
};

struct Sink {
    const char* lo = nullptr;
    const char* hi = nullptr;
    uint64_t bytes = 0;
    uint64_t hash = 0;
    static void take(void* ctx, const char* p, size_t n)
    {
        auto* s = static_cast<Sink*>(ctx);
        check(n > 0 && p >= s->lo && p + n <= s->hi);
        s->bytes += n;
        for (size_t i = 0; i < n; ++i)
            s->hash = (s->hash ^ static_cast<unsigned char>(p[i])) * 1099511628211u;
    }
};

bool known_status(unsigned s)
{
    return s == 400 || s == 413 || s == 414 || s == 431 || s == 501 || s == 505;
}

void check_head(const http::Request_parser& p, const http::Limits& l)
{
    check(p.method().n + p.target().n + 2 <= l.line_max);
    check(p.path().n + (p.has_query() ? p.query().n + 1 : 0) == p.target().n);
    check(p.field_count() <= l.max_fields);
    uint64_t total = 0;
    for (uint32_t i = 0; i < p.field_count(); ++i)
        total += p.field_name(i).n + 1 + p.field_value(i).n;
    check(total <= l.header_bytes);
}

// What one connection saw: each request's end (complete or error) and the
// state left when the input ran out. The same for any split of the input.
struct Outcome {
    uint8_t state;
    unsigned status;
    uint64_t body, body_hash;
    uint32_t fields, path_hash;
    bool keep_alive;
    bool operator==(const Outcome& o) const
    {
        return state == o.state && status == o.status && body == o.body &&
               body_hash == o.body_hash && fields == o.fields && path_hash == o.path_hash &&
               keep_alive == o.keep_alive;
    }
};

struct Outcomes {
    static constexpr unsigned max = 64;
    Outcome seen[max];
    unsigned n = 0;
    uint8_t end = 0;
};

uint32_t hash(http::Str s)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < s.n; ++i)
        h = (h ^ static_cast<unsigned char>(s[i])) * 16777619u;
    return h;
}

// Feeds data in pieces from split_seed (or whole when split_seed < 0),
// checking the invariants after every feed.
void run(const http::Limits& l, const uint8_t* data, size_t size, int split_seed, Outcomes& out)
{
    Mem mem;
    Sink sink;
    sink.lo = reinterpret_cast<const char*>(data);
    sink.hi = sink.lo + size;
    toolstack::Allocator a{Mem::alloc, Mem::release, &mem};
    auto* p = http::Request_parser::create(a, l, http::Body_sink{Sink::take, &sink});
    check(p != nullptr);

    using State = http::Request_parser::State;
    size_t at = 0;
    unsigned step = static_cast<unsigned>(split_seed);
    while (at < size) {
        step = step * 1103515245u + 12345u;
        size_t piece = split_seed < 0 ? size - at : 1 + (step >> 16) % 97;
        if (piece > size - at)
            piece = size - at;
        State before = p->state();
        auto r = p->feed(reinterpret_cast<const char*>(data) + at, piece);
        check(r.consumed <= piece);
        check(r.state == p->state());
        if (r.state == State::head || r.state == State::body)
            check(r.consumed == piece);
        if (before == State::body)
            check(r.state != State::head);
        if (r.state == State::error) {
            check(known_status(p->status()) && !p->keep_alive());
            check(p->feed("x", 1).consumed == 0);
        } else {
            check(p->status() == 0);
        }
        if (r.state == State::body || r.state == State::complete) {
            check_head(*p, l);
            check(p->body_received() <= l.body_max);
            check(p->body_received() == sink.bytes);
            if (!p->chunked())
                check(p->body_received() <= p->content_length());
            if (r.state == State::complete && !p->chunked())
                check(p->body_received() == p->content_length());
        }
        at += r.consumed;
        if ((r.state == State::error || r.state == State::complete) && out.n < Outcomes::max)
            out.seen[out.n++] = Outcome{static_cast<uint8_t>(r.state),
                                        p->status(),
                                        sink.bytes,
                                        sink.hash,
                                        p->field_count(),
                                        hash(p->path()),
                                        p->keep_alive()};
        if (r.state == State::error)
            break;
        if (r.state == State::complete) {
            p->reset();
            sink.bytes = 0;
            sink.hash = 0;
        }
    }
    State end = p->state();
    check(end == State::head || end == State::body || end == State::complete ||
          end == State::error);
    out.end = static_cast<uint8_t>(end);
    http::Request_parser::destroy(p);
    check(mem.live == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    http::Limits l;
    l.line_max = 64 + data[0] % 64;
    l.header_bytes = 128 + data[1];
    l.max_fields = 1 + data[0] % 16;
    l.body_max = 256;
    l.chunk_ext_max = 16;
    int split_seed = data[1];
    Outcomes split, whole;
    run(l, data + 2, size - 2, split_seed, split);
    run(l, data + 2, size - 2, -1, whole);
    check(split.n == whole.n && split.end == whole.end);
    for (unsigned i = 0; i < split.n; ++i)
        check(split.seen[i] == whole.seen[i]);
    return 0;
}
