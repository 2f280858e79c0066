// The HTTP/1.1 request parser and response writer (tools/lib/http) for
// dom0's management API (issue 12).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tools/lib/http/request_parser.hpp"
#include "tools/lib/http/response_writer.hpp"

namespace {

using http::Request_parser;
using State = Request_parser::State;

// malloc with accounting; the allocation numbered fail_at (from 0) fails.
struct Test_allocator {
    long live = 0;
    long allocations = 0;
    long fail_at = -1;
    static void* alloc(void* ctx, size_t n)
    {
        auto* self = static_cast<Test_allocator*>(ctx);
        if (self->allocations++ == self->fail_at)
            return nullptr;
        ++self->live;
        return std::malloc(n ? n : 1);
    }
    static void release(void* ctx, void* p, size_t)
    {
        --static_cast<Test_allocator*>(ctx)->live;
        std::free(p);
    }
    toolstack::Allocator allocator() { return toolstack::Allocator{alloc, release, this}; }
};

void collect(void* ctx, const char* p, size_t n)
{
    static_cast<std::string*>(ctx)->append(p, n);
}

struct Conn {
    Test_allocator mem;
    toolstack::Allocator a = mem.allocator();
    std::string body;
    Request_parser* p;
    explicit Conn(http::Limits l = {})
        : p(Request_parser::create(a, l, http::Body_sink{collect, &body}))
    {
    }
    ~Conn()
    {
        Request_parser::destroy(p);
        EXPECT_EQ(mem.live, 0);
    }
    // Feeds everything (in one piece); returns the bytes consumed.
    size_t feed(const std::string& s) { return p->feed(s.data(), s.size()).consumed; }
    std::string get(const char* name) const
    {
        toolstack::Str v;
        return p->header(name, v) ? std::string(v.p, v.n) : std::string("<none>");
    }
};

std::string str(toolstack::Str s)
{
    return std::string(s.p, s.n);
}

unsigned status_of(const std::string& req, http::Limits l = {})
{
    Conn c(l);
    c.feed(req);
    return c.p->state() == State::error ? c.p->status() : 0;
}

const std::string sample = "POST /api/domains?name=guest&x=1 HTTP/1.1\r\n"
                           "Host: dom0\r\n"
                           "Authorization: Bearer abc\r\n"
                           "Content-Type:application/json \r\n"
                           "Content-Length: 11\r\n"
                           "\r\n"
                           "{\"vcpus\":2}";

TEST(HttpRequest, ParsesRequestLineAndHeaders)
{
    Conn c;
    EXPECT_EQ(c.feed(sample), sample.size());
    ASSERT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(str(c.p->method()), "POST");
    EXPECT_EQ(str(c.p->target()), "/api/domains?name=guest&x=1");
    EXPECT_EQ(str(c.p->path()), "/api/domains");
    EXPECT_EQ(str(c.p->query()), "name=guest&x=1");
    EXPECT_TRUE(c.p->has_query());
    EXPECT_EQ(c.p->version(), http::Version::http_1_1);
    EXPECT_EQ(c.get("authorization"), "Bearer abc");
    EXPECT_EQ(c.get("CONTENT-TYPE"), "application/json");
    EXPECT_EQ(c.get("host"), "dom0");
    EXPECT_EQ(c.get("Accept"), "<none>");
    EXPECT_EQ(c.p->field_count(), 4u);
    EXPECT_EQ(c.p->content_length(), 11u);
    EXPECT_EQ(c.body, "{\"vcpus\":2}");
    EXPECT_TRUE(c.p->keep_alive());
}

TEST(HttpRequest, EveryByteSplitGivesTheSameResult)
{
    for (size_t cut = 0; cut <= sample.size(); ++cut) {
        Conn c;
        auto r1 = c.p->feed(sample.data(), cut);
        auto r2 = c.p->feed(sample.data() + cut, sample.size() - cut);
        EXPECT_EQ(r1.consumed + r2.consumed, sample.size()) << cut;
        ASSERT_EQ(c.p->state(), State::complete) << cut;
        EXPECT_EQ(str(c.p->path()), "/api/domains");
        EXPECT_EQ(c.get("Content-Type"), "application/json");
        EXPECT_EQ(c.body, "{\"vcpus\":2}") << cut;
    }
}

TEST(HttpRequest, ByteAtATimeGivesTheSameResult)
{
    Conn c;
    for (char ch : sample)
        EXPECT_EQ(c.p->feed(&ch, 1).consumed, 1u);
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(c.body, "{\"vcpus\":2}");
}

TEST(HttpRequest, HeadIsAvailableBeforeTheBody)
{
    Conn c;
    auto r = c.p->feed(sample.data(), sample.size() - 11);
    EXPECT_EQ(r.state, State::body);
    EXPECT_EQ(c.get("Authorization"), "Bearer abc");
}

TEST(HttpRequest, NoQueryAndEmptyQuery)
{
    Conn c;
    c.feed("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_FALSE(c.p->has_query());
    Conn d;
    d.feed("GET /x? HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_TRUE(d.p->has_query());
    EXPECT_EQ(str(d.p->query()), "");
}

TEST(HttpRequest, BareLfIsAccepted)
{
    Conn c;
    c.feed("GET / HTTP/1.1\nHost: a\n\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(c.get("Host"), "a");
}

TEST(HttpRequest, LeadingEmptyLinesAreSkipped)
{
    Conn c;
    c.feed("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
}

TEST(HttpRequest, BareCrIsRefused)
{
    EXPECT_EQ(status_of("GET / HTTP/1.1\rHost: a\r\n\r\n"), 400u);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\r\n\r\n"), 400u);
}

TEST(HttpRequest, NulAndControlBytesAreRefused)
{
    EXPECT_EQ(status_of(std::string("GET /\0 HTTP/1.1\r\n\r\n", 20)), 400u);
    EXPECT_EQ(status_of(std::string("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 28)), 400u);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n"), 400u);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n"), 400u);
}

TEST(HttpRequest, MalformedRequestLinesAreRefused)
{
    for (const char* bad :
         {"GET\r\n\r\n", "GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1 \r\n\r\n",
          "G(T / HTTP/1.1\r\n\r\n", "GET http://a/ HTTP/1.1\r\n\r\n", "GET * HTTP/1.1\r\n\r\n",
          "GET / http/1.1\r\n\r\n", "GET / HTTP/1.x\r\n\r\n", " GET / HTTP/1.1\r\n\r\n",
          "GET /\xc3\xa9 HTTP/1.1\r\n\r\n"})
        EXPECT_EQ(status_of(bad), 400u) << bad;
}

TEST(HttpRequest, OtherVersionsGet505)
{
    EXPECT_EQ(status_of("GET / HTTP/2.0\r\n\r\n"), 505u);
    EXPECT_EQ(status_of("GET / HTTP/2\r\n\r\n"), 505u);
    EXPECT_EQ(status_of("GET / HTTP/0.9\r\n\r\n"), 505u);
    EXPECT_EQ(status_of("GET / HTTP/1.2\r\n\r\n"), 505u);
}

TEST(HttpRequest, Http10NeedsNoHost)
{
    Conn c;
    c.feed("GET / HTTP/1.0\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(c.p->version(), http::Version::http_1_0);
}

TEST(HttpRequest, Http11HostMissingOrRepeatedIs400)
{
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400u);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), 400u);
}

TEST(HttpRequest, MalformedFieldLinesAreRefused)
{
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost a\r\n\r\n"), 400u);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400u);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n"), 400u);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"), 400u);
}

TEST(HttpRequest, MissingFinalCrlfStaysIncomplete)
{
    Conn c;
    std::string req = "GET / HTTP/1.1\r\nHost: a\r\n";
    EXPECT_EQ(c.feed(req), req.size());
    EXPECT_EQ(c.p->state(), State::head);
}

TEST(HttpRequest, FieldValueOwsIsTrimmedAndEmptyValueKept)
{
    Conn c;
    c.feed("GET / HTTP/1.1\r\nHost:\t a \t\r\nX-Empty:\r\n\r\n");
    EXPECT_EQ(c.get("host"), "a");
    EXPECT_EQ(c.get("x-empty"), "");
}

TEST(HttpKeepAlive, Http11DefaultsToKeepAlive)
{
    Conn c;
    c.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_TRUE(c.p->keep_alive());
}

TEST(HttpKeepAlive, Http11CloseEndsIt)
{
    Conn c;
    c.feed("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n");
    EXPECT_FALSE(c.p->keep_alive());
}

TEST(HttpKeepAlive, Http10OnlyWithKeepAlive)
{
    Conn c;
    c.feed("GET / HTTP/1.0\r\n\r\n");
    EXPECT_FALSE(c.p->keep_alive());
    Conn d;
    d.feed("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    EXPECT_TRUE(d.p->keep_alive());
}

TEST(HttpKeepAlive, NeverAfterAnError)
{
    Conn c;
    c.feed("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::error);
    EXPECT_FALSE(c.p->keep_alive());
}

TEST(HttpContentLength, DuplicatesMustAgree)
{
    Conn c;
    c.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(c.body, "hi");
    EXPECT_EQ(
        status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"),
        400u);
}

TEST(HttpContentLength, OnlyDigits)
{
    for (const char* v : {"", "-1", "+1", "1 2", "0x10", "2, 2", "1.0"})
        EXPECT_EQ(status_of(std::string("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ") + v +
                            "\r\n\r\n"),
                  400u)
            << v;
}

TEST(HttpContentLength, HugeValueIs413NotOverflow)
{
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: "
                        "99999999999999999999999999999999\r\n\r\n"),
              413u);
    EXPECT_EQ(
        status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551617\r\n\r\n"),
        413u);
}

TEST(HttpContentLength, BodyLimitAtTheBoundAndOnePast)
{
    http::Limits l;
    l.body_max = 10;
    Conn c(l);
    c.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", l), 413u);
}

TEST(HttpContentLength, ZeroLengthCompletesAtTheHead)
{
    Conn c;
    c.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
}

TEST(HttpContentLength, WithTransferEncodingIs400)
{
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n"),
              400u);
}

const std::string chunked_head =
    "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

TEST(HttpChunked, BodyIsUnchunked)
{
    Conn c;
    std::string req =
        chunked_head + "5\r\nhello\r\n1 ; name=v;x\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n";
    EXPECT_EQ(c.feed(req), req.size());
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_TRUE(c.p->chunked());
    EXPECT_EQ(c.body, "hello 0123456789");
}

TEST(HttpChunked, EverySplitGivesTheSameBody)
{
    std::string req = chunked_head + "5\r\nhello\r\nb;e=1\r\n world!!!!!\r\n0\r\nX-T: 1\r\n\r\n";
    for (size_t cut = 0; cut <= req.size(); ++cut) {
        Conn c;
        size_t n = c.p->feed(req.data(), cut).consumed;
        n += c.p->feed(req.data() + cut, req.size() - cut).consumed;
        EXPECT_EQ(n, req.size());
        ASSERT_EQ(c.p->state(), State::complete) << cut;
        EXPECT_EQ(c.body, "hello world!!!!!") << cut;
    }
}

TEST(HttpChunked, TrailersAreSkipped)
{
    Conn c;
    c.feed(chunked_head + "0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(c.get("X-Checksum"), "<none>");
}

TEST(HttpChunked, TransferEncodingIsCaseInsensitive)
{
    Conn c;
    c.feed("POST / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: Chunked\r\n\r\n0\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
}

TEST(HttpChunked, Http10WithTransferEncodingIs400)
{
    EXPECT_EQ(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400u);
}

TEST(HttpChunked, UnknownCodingIs501)
{
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), 501u);
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
              501u);
}

TEST(HttpChunked, BadChunkSizesAre400)
{
    for (const char* bad :
         {"\r\n", "g\r\n", "-1\r\n", "5\rx", "0x5\r\n", "5\r\nhelloX", "5\r\nhello\rX",
          "00000000000000001\r\n", "1 x\r\n", "1 \r\n", "1;a\x01\r\n"})
        EXPECT_EQ(status_of(chunked_head + bad), 400u) << bad;
}

TEST(HttpChunked, HugeChunkSizeIs413)
{
    EXPECT_EQ(status_of(chunked_head + "ffffffffffffffff\r\n"), 413u);
}

TEST(HttpChunked, TotalAtTheBoundAndOnePast)
{
    http::Limits l;
    l.body_max = 8;
    Conn c(l);
    c.feed(chunked_head + "4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(status_of(chunked_head + "4\r\nabcd\r\n5\r\n", l), 413u);
}

TEST(HttpChunked, ExtensionLengthIsBounded)
{
    http::Limits l;
    l.chunk_ext_max = 8;
    Conn c(l);
    c.feed(chunked_head + "1;1234567\r\nx\r\n0\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(status_of(chunked_head + "1;12345678\r\n", l), 400u);
}

TEST(HttpChunked, TrailerSectionIsBounded)
{
    http::Limits l;
    l.header_bytes = 64;
    std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
    EXPECT_EQ(status_of(head + std::string(65, 'x') + "\r\n\r\n", l), 431u);
    Conn c(l);
    c.feed(head + std::string(64, 'x') + "\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
}

TEST(HttpPipelining, LeftoverBytesStayWithTheCaller)
{
    Conn c;
    std::string two = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                      "GET /b?q HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    size_t first = c.feed(two);
    EXPECT_EQ(first, two.find("GET"));
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(str(c.p->path()), "/a");
    EXPECT_EQ(c.body, "abc");
    // A complete parser takes nothing more until reset.
    EXPECT_EQ(c.p->feed(two.data() + first, two.size() - first).consumed, 0u);
    c.p->reset();
    c.body.clear();
    EXPECT_EQ(c.p->feed(two.data() + first, two.size() - first).consumed, two.size() - first);
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(str(c.p->path()), "/b");
    EXPECT_EQ(str(c.p->query()), "q");
    EXPECT_EQ(c.get("Content-Length"), "<none>");
    EXPECT_FALSE(c.p->keep_alive());
    EXPECT_EQ(c.body, "");
}

TEST(HttpPipelining, ChunkedThenNext)
{
    Conn c;
    std::string two = chunked_head + "2\r\nok\r\n0\r\n\r\nGET / HTTP/1.0\r\n\r\n";
    size_t first = c.feed(two);
    EXPECT_EQ(two.substr(first), "GET / HTTP/1.0\r\n\r\n");
    c.p->reset();
    c.feed(two.substr(first));
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(c.p->version(), http::Version::http_1_0);
}

// A connection's loop: feed, reset after each complete request, go on
// with the leftover. Returns "path:body" per request.
std::string serve(Conn& c, const std::string& in, size_t cut)
{
    std::string seen;
    size_t at = 0;
    for (size_t end : {cut, in.size()}) {
        while (at < end && c.p->state() != State::error) {
            at += c.p->feed(in.data() + at, end - at).consumed;
            if (c.p->state() == State::complete) {
                seen += str(c.p->path()) + ":" + c.body + ";";
                c.body.clear();
                c.p->reset();
            }
        }
    }
    return seen;
}

TEST(HttpPipelining, EverySplitOfThreeRequestsGivesTheSameRequests)
{
    std::string in = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" + chunked_head +
                     "2\r\nok\r\n0\r\n\r\nGET /z HTTP/1.0\r\n\r\n";
    for (size_t cut = 0; cut <= in.size(); ++cut) {
        Conn c;
        EXPECT_EQ(serve(c, in, cut), "/a:abc;/c:ok;/z:;") << cut;
        EXPECT_EQ(c.p->state(), State::head);
    }
}

TEST(HttpPipelining, ErrorStopsConsuming)
{
    Conn c;
    std::string bad = "GET / HTTP/1.1\r\nHost: a\r\x01 more bytes";
    size_t n = c.feed(bad);
    EXPECT_EQ(c.p->state(), State::error);
    EXPECT_LT(n, bad.size());
    EXPECT_EQ(c.p->feed("x", 1).consumed, 0u);
}

std::string line_of(size_t n) // "GET /aaa HTTP/1.1" of exactly n bytes
{
    return "GET /" + std::string(n - 14, 'a') + " HTTP/1.1";
}

TEST(HttpLimits, RequestLineAtTheBoundAndOnePast)
{
    Conn c;
    c.feed(line_of(8192) + "\r\nHost: a\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(c.p->target().n, 8192u - 14u + 1u);
    EXPECT_EQ(status_of(line_of(8193) + "\r\nHost: a\r\n\r\n"), 414u);
}

TEST(HttpLimits, LongMethodIs400)
{
    EXPECT_EQ(status_of(std::string(9000, 'G')), 400u);
}

// Header lines of exactly total bytes (without line endings), plus Host.
std::string headers_of(size_t total)
{
    std::string h = "Host: a\r\n";
    size_t left = total - 7;
    while (left > 0) {
        size_t n = left > 1000 ? 1000 : left;
        if (left - n != 0 && left - n < 4)
            n -= 4;
        h += "X:" + std::string(n - 2, 'v') + "\r\n";
        left -= n;
    }
    return h;
}

TEST(HttpLimits, HeaderBytesAtTheBoundAndOnePast)
{
    Conn c;
    c.feed("GET / HTTP/1.1\r\n" + headers_of(16384) + "\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\n" + headers_of(16385) + "\r\n"), 431u);
}

TEST(HttpLimits, FieldCountAtTheBoundAndOnePast)
{
    std::string h = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 1; i < 100; ++i)
        h += "X-" + std::to_string(i) + ": v\r\n";
    Conn c;
    c.feed(h + "\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
    EXPECT_EQ(c.p->field_count(), 100u);
    EXPECT_EQ(status_of(h + "X-100: v\r\n\r\n"), 431u);
}

TEST(HttpLimits, ConfigurableSmallLimits)
{
    http::Limits l;
    l.line_max = 20;
    l.header_bytes = 10;
    l.max_fields = 1;
    EXPECT_EQ(status_of("GET /0123456789abc HTTP/1.1\r\n", l), 414u);
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n\r\n", l), 431u);
    Conn c(l);
    c.feed("GET / HTTP/1.1\r\nHost: abc\r\n\r\n");
    EXPECT_EQ(c.p->state(), State::complete);
}

TEST(HttpMemory, CreateFailsCleanlyAtEachAllocation)
{
    for (long fail = 0; fail < 2; ++fail) {
        Test_allocator mem;
        mem.fail_at = fail;
        toolstack::Allocator a = mem.allocator();
        EXPECT_EQ(Request_parser::create(a, http::Limits{}), nullptr);
        EXPECT_EQ(mem.live, 0);
    }
}

TEST(HttpMemory, FeedingNeverAllocates)
{
    Conn c;
    long before = c.mem.allocations;
    c.feed(sample);
    c.p->reset();
    c.feed(chunked_head + "1\r\nx\r\n0\r\n\r\n");
    EXPECT_EQ(c.mem.allocations, before);
}

TEST(HttpMemory, UnusableLimitsAreRefused)
{
    Test_allocator mem;
    toolstack::Allocator a = mem.allocator();
    http::Limits l;
    l.max_fields = 101;
    EXPECT_EQ(Request_parser::create(a, l), nullptr);
    l = {};
    l.line_max = 0;
    EXPECT_EQ(Request_parser::create(a, l), nullptr);
}

struct HttpWriter : ::testing::Test {
    Test_allocator mem;
    toolstack::Allocator a = mem.allocator();
    toolstack::Text out{a};
    http::Response_writer w{out};
    std::string text() const { return str(out.str()); }
};

TEST_F(HttpWriter, WithContentLength)
{
    w.status(200);
    w.header("Content-Type", "application/json");
    w.start_body(2);
    w.body("{}");
    EXPECT_TRUE(w.done());
    EXPECT_EQ(text(), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      "Content-Length: 2\r\n\r\n{}");
}

TEST_F(HttpWriter, Chunked)
{
    w.status(200);
    w.start_chunked();
    w.chunk("hello");
    w.chunk("");
    w.chunk(std::string(26, 'z').c_str());
    w.end_chunks();
    EXPECT_TRUE(w.done());
    EXPECT_EQ(text(), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1a\r\n" +
                          std::string(26, 'z') + "\r\n0\r\n\r\n");
}

TEST_F(HttpWriter, ErrorWithClose)
{
    w.status(431);
    w.connection(false);
    w.start_body(0);
    EXPECT_TRUE(w.done());
    EXPECT_EQ(text(), "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n"
                      "Content-Length: 0\r\n\r\n");
}

TEST_F(HttpWriter, RefusesHeaderInjection)
{
    w.status(200);
    w.header("X", "a\r\nSet-Cookie: b");
    EXPECT_FALSE(w.ok());
}

TEST_F(HttpWriter, RefusesFramingFieldsGivenAsHeaders)
{
    w.status(200);
    w.header("content-length", "5");
    EXPECT_FALSE(w.ok());
}

TEST_F(HttpWriter, RefusesMisuse)
{
    w.header("X", "a"); // before the status line
    EXPECT_FALSE(w.ok());
}

TEST_F(HttpWriter, RefusesBodyLongerThanStated)
{
    w.status(200);
    w.start_body(1);
    w.body("ab");
    EXPECT_FALSE(w.ok());
}

TEST_F(HttpWriter, ReportsOutOfMemory)
{
    mem.fail_at = mem.allocations;
    w.status(500);
    EXPECT_FALSE(w.ok());
}

TEST_F(HttpWriter, ChunkSizeIsHex)
{
    std::string big(4096, 'b');
    w.status(200);
    w.start_chunked();
    w.chunk(toolstack::Str(big.data(), 4096));
    w.end_chunks();
    EXPECT_TRUE(w.done());
    EXPECT_EQ(text().find("\r\n\r\n1000\r\nbbbb"), text().find("\r\n\r\n"));
}

TEST_F(HttpWriter, RefusesChunksWithoutChunkedHead)
{
    w.status(200);
    w.start_body(1);
    w.chunk("x");
    EXPECT_FALSE(w.ok());
}

TEST_F(HttpWriter, IsNotDoneWhileBodyIsShort)
{
    w.status(200);
    w.start_body(3);
    w.body("ab");
    EXPECT_TRUE(w.ok());
    EXPECT_FALSE(w.done());
}

TEST_F(HttpWriter, RefusesBadStatusAndHeaderName)
{
    w.status(1000);
    EXPECT_FALSE(w.ok());
    Test_allocator m2;
    toolstack::Allocator a2 = m2.allocator();
    toolstack::Text t2(a2);
    http::Response_writer w2(t2);
    w2.status(200);
    w2.header("Bad Name", "v");
    EXPECT_FALSE(w2.ok());
}

TEST(HttpRequest, HeaderLookupFindsTheFirstOfRepeatedFields)
{
    Conn c;
    c.feed("GET / HTTP/1.1\r\nHost: a\r\nAccept: x\r\nACCEPT: y\r\n\r\n");
    EXPECT_EQ(c.get("accept"), "x");
    EXPECT_EQ(str(c.p->field_name(2)), "ACCEPT");
    EXPECT_EQ(str(c.p->field_value(2)), "y");
}

TEST(HttpReason, PhrasesForTheCodesUsed)
{
    for (unsigned code : {200u, 400u, 411u, 413u, 414u, 431u, 501u, 505u})
        EXPECT_NE(str(http::reason_phrase(code)), "Unknown") << code;
    EXPECT_EQ(str(http::reason_phrase(299)), "Unknown");
}

} // namespace
