// The management API server's HTTP side: keep-alive, pipelining,
// backpressure, limits, timeouts, many connections, clients that go away,
// follow streams, create operations and uploads.
#include "tests/unit/api_fixture.hpp"

namespace {

using apitest::Api_world;
using apitest::Client;
using apitest::Response;
using toolstack::Str;

class ApiServer : public testing::Test, protected Api_world {
protected:
    std::string multipart(const std::string& config, const std::string& kernel, bool close = true)
    {
        std::string b = "--BOUND\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n" +
                        config +
                        "\r\n--BOUND\r\nContent-Disposition: form-data; name=\"kernel\"; "
                        "filename=\"k\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
                        kernel + "\r\n";
        return close ? b + "--BOUND--\r\n" : b;
    }
    std::string upload_head(size_t length)
    {
        return "POST /api/v1/domains HTTP/1.1\r\nHost: d\r\nAuthorization: Bearer " +
               apitest::token +
               "\r\nContent-Type: multipart/form-data; boundary=BOUND\r\nContent-Length: " +
               std::to_string(length) + "\r\n\r\n";
    }
    std::string kernel_bytes()
    {
        auto& k = host.files[xltest::kernel_path];
        return std::string(k.begin(), k.end());
    }
};

TEST_F(ApiServer, KeepAliveServesRequestsOneAfterAnother)
{
    Client& c = connect();
    send(c, req("GET", "/api/v1/host"));
    EXPECT_EQ(next(c).status, 200);
    send(c, req("GET", "/api/v1/domains"));
    EXPECT_EQ(next(c).status, 200);
    EXPECT_FALSE(c.conn.closed);
    send(c, req("GET", "/api/v1/host", "", "Connection: close\r\n"));
    Response r = next(c);
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_TRUE(c.conn.closed);
}

TEST_F(ApiServer, PipelinedRequestsAreAnsweredInOrder)
{
    create("echo");
    Client& c = connect();
    send(c, req("GET", "/api/v1/domains/echo") + req("GET", "/api/v1/nosuch") +
                req("POST", "/api/v1/domains/echo/pause") + req("GET", "/api/v1/domains/echo"));
    Response a = next(c), b = next(c), p = next(c), d = next(c);
    EXPECT_EQ(a.status, 200);
    EXPECT_NE(a.body.find("\"state\":\"-b----\""), std::string::npos);
    EXPECT_EQ(b.status, 404);
    EXPECT_EQ(p.status, 200);
    EXPECT_NE(d.body.find("\"state\":\"--p---\""), std::string::npos);
    EXPECT_EQ(c.read_at, c.conn.sent.size());
}

TEST_F(ApiServer, ARefusedBodilessRequestKeepsTheConnection)
{
    Client& c = connect();
    send(c, req("GET", "/api/v1/host", "", "", false) + req("GET", "/api/v1/host"));
    Response r = next(c);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.body, "{\"error\":\"missing or wrong token (Authorization: Bearer TOKEN)\"}");
    EXPECT_EQ(next(c).status, 200);
    EXPECT_FALSE(c.conn.closed);
}

TEST_F(ApiServer, BytesSplitAnywhereGiveTheSameAnswers)
{
    std::string two =
        req("GET", "/api/v1/host") + req("POST", "/api/v1/domains/0/sched-credit", "{\"cap\":5}",
                                         "Content-Type: application/json\r\n");
    for (size_t split = 1; split < two.size(); split += 7) {
        Client& c = connect();
        send(c, two.substr(0, split));
        send(c, two.substr(split));
        EXPECT_EQ(next(c).status, 200) << split;
        EXPECT_EQ(next(c).status, 200) << split;
        hang_up(c);
    }
}

TEST_F(ApiServer, BackpressureWritesOnlyWhatSendSpaceAllows)
{
    xl::Domain* d = create("echo");
    for (int i = 0; i < 5; ++i)
        guest_print(*d, std::string(1000, 'z')); // the ring holds 2048
    Client& c = connect();
    c.conn.space = 1;
    send(c, req("GET", "/api/v1/domains/echo/console") + req("GET", "/api/v1/host"));
    EXPECT_EQ(c.conn.sent.size(), 1u);
    // The peer takes one byte at a time.
    for (int i = 0; i < 20000 && c.conn.sent.find("\"scheduler\"") == std::string::npos; ++i) {
        c.conn.space = 1;
        server->writable(c.state);
    }
    Response r = next(c);
    EXPECT_EQ(r.body, std::string(5000, 'z'));
    for (int i = 0; i < 20000 && c.conn.sent.back() != '}'; ++i) {
        c.conn.space = 1;
        server->writable(c.state);
    }
    EXPECT_EQ(next(c).status, 200);
    EXPECT_EQ(c.read_at, c.conn.sent.size());
}

TEST_F(ApiServer, AClientThatNeverReadsIsCutOffNotBuffered)
{
    Client& c = connect();
    c.conn.space = 0;
    std::string r = req("GET", "/api/v1/dmesg");
    for (int i = 0; i < 5000 && !c.conn.aborted; ++i)
        send(c, r);
    EXPECT_TRUE(c.conn.aborted);
    EXPECT_LT(mem.live, 4u << 20);
}

TEST_F(ApiServer, ABrokenRequestGets400AndTheConnectionCloses)
{
    Client& c = connect();
    send(c, "GET /api/v1/host HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n");
    Response r = next(c);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_TRUE(c.conn.closed);
    Client& v = connect();
    send(v, "GET /api/v1/host HTTP/2.0\r\nHost: a\r\n\r\n");
    EXPECT_EQ(next(v).status, 505);
}

TEST_F(ApiServer, OversizedHeadsAndBodiesAreRefused)
{
    Client& a = connect();
    send(a, "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n");
    EXPECT_EQ(next(a).status, 414);
    Client& b = connect();
    send(b, "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(9000, 'a') + "\r\n\r\n");
    EXPECT_EQ(next(b).status, 431);
    create("echo");
    Client& c = connect();
    send(c, "POST /api/v1/domains/echo/console HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " +
                apitest::token + "\r\nContent-Length: 70000\r\n\r\n");
    Response r = next(c);
    EXPECT_EQ(r.status, 413);
    EXPECT_TRUE(c.conn.closed); // the body is never read
    Client& d = connect();      // the same, chunked: counted as it comes
    send(d, "POST /api/v1/domains/echo/console HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " +
                apitest::token + "\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 70; ++i)
        send(d, "400\r\n" + std::string(1024, 'q') + "\r\n");
    send(d, "0\r\n\r\n");
    EXPECT_EQ(next(d).status, 413);
    Client& e = connect();
    send(e, "POST /api/v1/domains HTTP/1.1\r\nHost: a\r\nContent-Length: 67108865\r\n"
            "Authorization: Bearer " +
                apitest::token + "\r\nContent-Type: multipart/form-data; boundary=x\r\n\r\n");
    EXPECT_EQ(next(e).status, 413);
}

TEST_F(ApiServer, ASlowClientIsDroppedWhileAnotherIsServed)
{
    Client& slow = connect();
    send(slow, "GET /api/v1/host HTTP/1.1\r\nHost:");
    advance(5'000'000'000);
    Client& fast = connect();
    send(fast, req("GET", "/api/v1/host"));
    EXPECT_EQ(next(fast).status, 200);
    EXPECT_FALSE(slow.conn.closed || slow.conn.aborted);
    advance(5'000'000'001);
    EXPECT_EQ(next(slow).status, 408);
    EXPECT_TRUE(slow.conn.closed);
    EXPECT_FALSE(fast.conn.closed || fast.conn.aborted);
    send(fast, req("GET", "/api/v1/host"));
    EXPECT_EQ(next(fast).status, 200);
}

TEST_F(ApiServer, IdleKeepAliveConnectionsCloseAfterThirtySeconds)
{
    Client& c = connect();
    send(c, req("GET", "/api/v1/host"));
    EXPECT_EQ(next(c).status, 200);
    advance(29'000'000'000);
    EXPECT_FALSE(c.conn.closed);
    advance(1'000'000'001);
    EXPECT_TRUE(c.conn.closed);
    EXPECT_LE(server->next_deadline_ns(), host.now + 1'000'000'000);
}

TEST_F(ApiServer, TwoHundredFiftyConnectionsAtOnceThenBusy)
{
    std::vector<Client*> all;
    for (int i = 0; i < 250; ++i) {
        all.push_back(&connect());
        send(*all.back(), "GET /api/v1/host HTTP/1.1\r\nHost: a\r\n");
    }
    for (Client* c : all)
        send(*c, "Authorization: Bearer " + apitest::token + "\r\n\r\n");
    for (Client* c : all)
        EXPECT_EQ(next(*c).status, 200);
    EXPECT_EQ(server->connections(), 250u);
    for (int i = 250; i < 256; ++i)
        EXPECT_NE(connect().state, nullptr);
    Client& over = connect();
    EXPECT_EQ(over.state, nullptr);
    EXPECT_TRUE(over.conn.closed);
    EXPECT_EQ(next(over).status, 503);
    // Idle connections hold no parser: a few hundred bytes each.
    EXPECT_LT(mem.live, 1500u * 1024);
}

TEST_F(ApiServer, ClientsThatGoAwayFreeEverything)
{
    size_t before = mem.live;
    Client& a = connect();
    send(a, "GET /api/v1/host HTTP/1.1\r\nHo");
    hang_up(a);
    Client& b = connect();
    b.conn.space = 10;
    send(b, req("GET", "/api/v1/domains"));
    hang_up(b);
    Client& c = connect();
    send(c, "POST /api/v1/domains/0/sched-credit HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n"
            "Authorization: Bearer " +
                apitest::token + "\r\n\r\n{\"cap\"");
    hang_up(c);
    EXPECT_EQ(mem.live, before);
    EXPECT_EQ(server->connections(), 0u);
}

TEST_F(ApiServer, AFollowStreamSeesNewOutputAndEndsWithTheDomain)
{
    xl::Domain* d = create("echo");
    guest_print(*d, "boot\n");
    Client& c = connect();
    send(c, req("GET", "/api/v1/domains/echo/console?follow=1"));
    Response r = next(c);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.chunked);
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.body, "boot\n");
    guest_print(*d, "login: ");
    r = next(c);
    EXPECT_EQ(r.body, "boot\nlogin: ");
    EXPECT_FALSE(r.complete);
    // Requests behind the stream wait for it.
    send(c, req("GET", "/api/v1/host"));
    EXPECT_EQ(c.conn.sent.find("\"hostname\""), std::string::npos);
    guest_print(*d, "bye\n");
    Client& other = connect();
    send(other, req("POST", "/api/v1/domains/echo/destroy"));
    EXPECT_EQ(next(other).status, 200);
    r = next(c);
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.body, "boot\nlogin: bye\n");
    server->tick();
    EXPECT_EQ(next(c).status, 200); // the pipelined request, after the stream
}

TEST_F(ApiServer, AFollowStreamWaitsForAClientThatReadsSlowly)
{
    xl::Domain* d = create("echo");
    Client& c = connect();
    send(c, req("GET", "/api/v1/domains/echo/console?follow=1"));
    c.conn.space = 0;
    for (int i = 0; i < 10; ++i)
        guest_print(*d, std::string(1000, static_cast<char>('a' + i)));
    c.conn.space = 1u << 20;
    server->writable(c.state);
    ASSERT_GT(c.conn.sent.size(), 0u);
    Response r = next(c);
    EXPECT_EQ(r.body.size(), 10000u);
    EXPECT_EQ(r.body.substr(9000), std::string(1000, 'j'));
}

TEST_F(ApiServer, CreateFromJsonRunsAsAnOperation)
{
    Response r =
        post("/api/v1/domains",
             "{\"config\":\"name = \\\"web\\\"\\nkernel = \\\"/boot/k\\\"\\nmemory = 4\\n\","
             "\"extra\":[\"vcpus=1\"]}");
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(r.body, "{\"operation\":\"/api/v1/operations/1\",\"id\":1}");
    EXPECT_EQ(ts.find(Str("web")), nullptr);
    Response op = get("/api/v1/operations/1");
    EXPECT_NE(op.body.find("\"state\":\"running\""), std::string::npos) << op.body;
    EXPECT_EQ(post("/api/v1/domains",
                   "{\"config\":\"name = \\\"web\\\"\\nkernel = \\\"/boot/k\\\"\\nmemory = 4\\n\"}")
                  .status,
              409); // queued already
    finish_operations();
    xl::Domain* d = ts.find(Str("web"));
    ASSERT_NE(d, nullptr);
    op = get("/api/v1/operations/1");
    EXPECT_EQ(
        op.body,
        "{\"id\":1,\"kind\":\"create\",\"target\":\"web\",\"state\":\"done\",\"progress\":1.000,"
        "\"message\":\"running\",\"domain\":{\"id\":" +
            std::to_string(d->domid) + ",\"name\":\"web\"}}");
    r = post("/api/v1/domains",
             "{\"config\":\"name = \\\"web\\\"\\nkernel = \\\"/boot/k\\\"\\nmemory = 4\\n\"}");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.body, "{\"error\":\"domain name 'web' is already in use or invalid\"}");
}

TEST_F(ApiServer, ALargeBuildRunsInStepsWithProgressWhileOthersAreServed)
{
    Response r =
        post("/api/v1/domains", "{\"config\":\"name='big'\\nkernel='/boot/k'\\nmemory=32\"}");
    ASSERT_EQ(r.status, 202) << r.body;
    server->tick(); // checks the kernel
    server->tick(); // creates the domain
    server->tick(); // the first 16 MiB
    Response op = get("/api/v1/operations/1");
    EXPECT_NE(
        op.body.find("\"state\":\"running\",\"progress\":0.465,\"message\":\"populating memory\""),
        std::string::npos)
        << op.body;
    EXPECT_EQ(ts.find(Str("big")), nullptr); // not a domain of the toolstack's yet
    EXPECT_EQ(get("/api/v1/host").status, 200);
    EXPECT_EQ(
        post("/api/v1/domains", "{\"config\":\"name='big'\\nkernel='/boot/k'\\nmemory=4\"}").status,
        409);
    finish_operations();
    op = get("/api/v1/operations/1");
    EXPECT_NE(op.body.find("\"state\":\"done\",\"progress\":1.000"), std::string::npos) << op.body;
    ASSERT_NE(ts.find(Str("big")), nullptr);
    EXPECT_EQ(hv.inner.domains.at(ts.find(Str("big"))->domid).tot_pages, 8192u);
}

TEST_F(ApiServer, AServerGoingAwayMidBuildLeavesNoHalfBuiltDomain)
{
    ASSERT_EQ(post("/api/v1/domains", "{\"config\":\"name='big'\\nkernel='/boot/k'\\nmemory=32\"}")
                  .status,
              202);
    for (int i = 0; i < 3; ++i)
        server->tick();
    EXPECT_EQ(hv.inner.domains.size(), 1u);
    for (auto& c : clients)
        if (!c->gone)
            hang_up(*c);
    api::Server::destroy(server);
    server = api::Server::create(ts, mem.a, cfg);
    EXPECT_TRUE(hv.inner.domains.empty());
    EXPECT_EQ(ts.domains().size(), 0u);
}

TEST_F(ApiServer, CreateRefusesBadBodiesAndConfigs)
{
    Response r = post(
        "/api/v1/domains",
        "{\"config\":\"name = \\\"x\\\"\\nkernel = \\\"/boot/k\\\"\\nmemory = \\\"lots\\\"\\n\"}");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("config:3"), std::string::npos) << r.body;
    EXPECT_EQ(post("/api/v1/domains", "{\"config\":").status, 400);
    EXPECT_EQ(post("/api/v1/domains", "{\"conf\":\"\"}").status, 400);
    EXPECT_EQ(post("/api/v1/domains", "{\"config\":\"name='x'\\nkernel='/boot/k'\",\"extra\":[1]}")
                  .status,
              400);
    r = post("/api/v1/domains", "{\"config\":\"name='x'\\nkernel='/nosuch'\\nmemory=4\"}");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "{\"error\":\"failed to read kernel '/nosuch': no such file\"}");
    EXPECT_EQ(call("POST", "/api/v1/domains", "name='x'", "Content-Type: text/plain\r\n").status,
              415);
    server->tick();
    EXPECT_EQ(ts.domains().size(), 0u);
}

TEST_F(ApiServer, AFailedBuildIsAFailedOperation)
{
    hv.inner.fail("domctl:createdomain", 1, XEN_ENOMEM);
    Response r = post("/api/v1/domains", "{\"config\":\"name='x'\\nkernel='/boot/k'\\nmemory=4\"}");
    ASSERT_EQ(r.status, 202);
    finish_operations();
    Response op = get("/api/v1/operations/1");
    EXPECT_NE(op.body.find("\"state\":\"failed\""), std::string::npos) << op.body;
    EXPECT_NE(op.body.find("libxl: error: XEN_DOMCTL_createdomain failed"), std::string::npos)
        << op.body;
    EXPECT_EQ(op.body.find("\"domain\""), std::string::npos);
    EXPECT_EQ(ts.domains().size(), 0u);
}

TEST_F(ApiServer, AnUploadedKernelIsStoredAndBuilt)
{
    std::string body =
        multipart("name = \"up\"\nkernel = \"/unused\"\nmemory = 4\n", kernel_bytes());
    Client& c = connect();
    std::string all = upload_head(body.size()) + body;
    for (size_t at = 0; at < all.size(); at += 1000)
        send(c, all.substr(at, 1000));
    Response r = next(c);
    ASSERT_EQ(r.status, 202) << r.body;
    finish_operations();
    xl::Domain* d = ts.find(Str("up"));
    ASSERT_NE(d, nullptr);
    EXPECT_STREQ(d->spec.kernel, "/var/lib/xenith/upload/up/kernel");
    EXPECT_NE(
        get("/api/v1/domains/up").body.find("\"config\":\"/var/lib/xenith/upload/up/config\""),
        std::string::npos);
    Str cfg_text;
    ASSERT_EQ(files.read("/var/lib/xenith/upload/up/config", cfg_text), fs::Err::none);
    EXPECT_EQ(std::string(cfg_text.p, cfg_text.n),
              "name = \"up\"\nkernel = \"/unused\"\nmemory = 4\n");
    Str stored;
    ASSERT_EQ(files.read("/var/lib/xenith/upload/up/kernel", stored), fs::Err::none);
    EXPECT_EQ(std::string(stored.p, stored.n), kernel_bytes());
    fs::Stat st;
    EXPECT_NE(files.stat("/var/lib/xenith/upload/.partial-1", st), fs::Err::none);
}

TEST_F(ApiServer, ADisconnectMidUploadFreesThePartialFile)
{
    size_t before = mem.live;
    uint64_t used = files.used();
    std::string body = multipart("name = \"up\"\nkernel = \"/x\"\n", kernel_bytes());
    Client& c = connect();
    send(c, upload_head(body.size()) + body.substr(0, body.size() / 2));
    fs::Stat st;
    EXPECT_EQ(files.stat("/var/lib/xenith/upload/.partial-1/kernel", st), fs::Err::none);
    EXPECT_GT(st.size, 0u);
    hang_up(c);
    EXPECT_NE(files.stat("/var/lib/xenith/upload/.partial-1", st), fs::Err::none);
    EXPECT_EQ(files.used(), used);
    // The upload directories made on the way stay; nothing else does.
    EXPECT_LE(mem.live, before + 1024);
}

TEST_F(ApiServer, AStalledUploadIsResetAndFreed)
{
    std::string body = multipart("name = \"up\"\nkernel = \"/x\"\n", kernel_bytes());
    Client& c = connect();
    send(c, upload_head(body.size()) + body.substr(0, 100));
    advance(11'000'000'000);
    EXPECT_TRUE(c.conn.aborted);
    hang_up(c);
    fs::Stat st;
    EXPECT_NE(files.stat("/var/lib/xenith/upload/.partial-1", st), fs::Err::none);
}

TEST_F(ApiServer, BrokenUploadsAreRefusedAndLeaveNoFiles)
{
    struct Case {
        std::string body;
        int status;
    } cases[] = {
        {multipart("name = \"up\"\nkernel = \"/x\"\n", "abc", false), 400}, // no close delimiter
        {"--BOUND\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--BOUND--\r\n",
         400},
        {"--BOUND\r\nContent-Disposition: form-data; name=\"kernel\"\r\n\r\nx\r\n--BOUND--\r\n",
         400}, // no config
        {multipart("name = \"../../etc\"\nkernel = \"/x\"\n", "abc"), 400},
        {multipart("name = \"up\"\nkernel = \"/x\"\nmemory = \"a\"\n", "abc"), 400},
    };
    for (const Case& k : cases) {
        Client& c = connect();
        send(c, upload_head(k.body.size()) + k.body);
        Response r = next(c);
        EXPECT_EQ(r.status, k.status) << k.body << r.body;
        hang_up(c);
    }
    fs::Stat st;
    bool any = false;
    EXPECT_EQ(files.list("/var/lib/xenith/upload", [&](Str, fs::Type) { any = true; }),
              fs::Err::none);
    EXPECT_FALSE(any);
    server->tick();
    EXPECT_EQ(ts.domains().size(), 0u);
    (void)st;
}

TEST_F(ApiServer, HeadGivesTheHeadWithoutTheBody)
{
    Client& c = connect();
    send(c, req("HEAD", "/api/v1/host") + req("GET", "/api/v1/host"));
    std::string s = c.conn.sent;
    size_t first_end = s.find("\r\n\r\n");
    ASSERT_NE(first_end, std::string::npos);
    EXPECT_EQ(s.compare(first_end + 4, 12, "HTTP/1.1 200"), 0) << s;
}

TEST_F(ApiServer, DestroyingTheServerGivesBackItsMemory)
{
    size_t before = mem.live;
    api::Server* s2 = api::Server::create(ts, mem.a, cfg);
    ASSERT_NE(s2, nullptr);
    apitest::Fake_conn conn;
    void* st = s2->accepted(conn);
    std::string r = req("GET", "/api/v1/host");
    s2->received(st, reinterpret_cast<const uint8_t*>(r.data()), 20);
    s2->tick();
    s2->closed(st);
    api::Server::destroy(s2);
    ts.observe(xl::Domain_observer{}); // s2 replaced the fixture's server as observer
    EXPECT_EQ(mem.live, before);
}

} // namespace
