// The management API's endpoints (docs/api.md) over the fake host and
// hypervisor: each one's answer and its refusals.
#include "tests/unit/api_fixture.hpp"
#include "tools/lib/xl/shell.hpp"

namespace {

using apitest::Api_world;
using apitest::Response;
using toolstack::Str;

class ApiEndpoints : public testing::Test, protected Api_world {};

TEST_F(ApiEndpoints, EveryApiPathWantsTheToken)
{
    for (const char* path :
         {"/api/v1/host", "/api/v1/domains", "/metrics", "/api/v1/dmesg", "/api/v1/nosuch"}) {
        Response r = call("GET", path, "", "", false);
        EXPECT_EQ(r.status, 401) << path;
        EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"xenith\"");
        EXPECT_EQ(r.header("content-type"), "application/json");
        EXPECT_NE(r.body.find("\"error\":"), std::string::npos);
    }
    EXPECT_EQ(
        call("GET", "/api/v1/host", "", "Authorization: Bearer 0123456789abcdee\r\n", false).status,
        401);
    EXPECT_EQ(call("GET", "/api/v1/host", "", "Authorization: Bearer 0123456789abcdef0\r\n", false)
                  .status,
              401);
    EXPECT_EQ(call("GET", "/api/v1/host", "", "Authorization: Bearer \r\n", false).status, 401);
    EXPECT_EQ(
        call("GET", "/api/v1/host", "", "Authorization: Basic 0123456789abcdef\r\n", false).status,
        401);
    EXPECT_EQ(
        call("GET", "/api/v1/host", "", "Authorization: bearer 0123456789abcdef\r\n", false).status,
        200);
}

TEST_F(ApiEndpoints, RefusedRequestsChangeNothing)
{
    xl::Domain* d = create("victim");
    domid_t id = d->domid;
    Response r = call("POST", "/api/v1/domains/victim/destroy", "", "", false);
    EXPECT_EQ(r.status, 401);
    r = call("DELETE", "/api/v1/domains/victim", "", "", false);
    EXPECT_EQ(r.status, 401);
    r = call("POST", "/api/v1/domains/victim/pause", "", "", false);
    EXPECT_EQ(r.status, 401);
    r = call("POST", "/api/v1/domains", "{\"config\":\"name='x'\\nkernel='/boot/k'\\nmemory=4\"}",
             "Content-Type: application/json\r\n", false);
    EXPECT_EQ(r.status, 401);
    server->tick();
    ASSERT_EQ(ts.find(id), d);
    EXPECT_FALSE(hv.inner.domains.at(id).paused);
    EXPECT_EQ(ts.domains().size(), 1u);
}

TEST_F(ApiEndpoints, StaticFilesNeedNoTokenAndCarryAValidator)
{
    Response r = call("GET", "/", "", "", false);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, index_html);
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.header("cache-control"), "no-cache");
    EXPECT_EQ(r.header("etag").size(), 10u);
    EXPECT_EQ(call("GET", "/favicon.ico", "", "", false).status, 404);
}

TEST_F(ApiEndpoints, HostDescribesTheMachine)
{
    create("a");
    Response r = get("/api/v1/host");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_NE(r.body.find("\"hostname\":\"xenith\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"nr_cpus\":2,"), std::string::npos);
    EXPECT_NE(r.body.find("\"cpu_mhz\":2000,"), std::string::npos);
    EXPECT_NE(r.body.find("\"total_memory_kib\":4194304,"), std::string::npos);
    EXPECT_NE(r.body.find("\"uptime_s\":5.000,"), std::string::npos);
    EXPECT_NE(r.body.find("\"domains\":2,"), std::string::npos);
    EXPECT_NE(r.body.find("\"scheduler\":\"credit\""), std::string::npos);
    hv.fail_physinfo = true;
    EXPECT_EQ(get("/api/v1/host").status, 500);
}

TEST_F(ApiEndpoints, DomainsAreListedByIdDom0First)
{
    create("b");
    create("a");
    Response r = get("/api/v1/domains");
    ASSERT_EQ(r.status, 200);
    size_t d0 = r.body.find("\"name\":\"Domain-0\"");
    size_t b = r.body.find("\"name\":\"b\"");
    size_t a = r.body.find("\"name\":\"a\"");
    ASSERT_NE(d0, std::string::npos) << r.body;
    EXPECT_LT(d0, b);
    EXPECT_LT(b, a);
    EXPECT_NE(
        r.body.find("\"id\":7,\"name\":\"b\",\"state\":\"-b----\",\"vcpus\":1,\"max_vcpus\":1,"
                    "\"memory_kib\":4096,\"max_memory_kib\":4096,\"cpu_time_s\":0.000,"
                    "\"cpu_percent\":0.0,\"weight\":256,\"cap\":0,\"uptime_s\":0.000,"
                    "\"config\":null}"),
        std::string::npos)
        << r.body;
}

TEST_F(ApiEndpoints, ADomainMadeByXlCreateShowsItsConfigFile)
{
    std::string cfg_text = "name = 'e'\nkernel = '/boot/k'\nmemory = 4\n";
    host.files["/etc/xen/e.cfg"] = std::vector<uint8_t>(cfg_text.begin(), cfg_text.end());
    xl::Shell shell(ts);
    shell.run(Str("create /etc/xen/e.cfg"));
    ASSERT_NE(ts.find(Str("e")), nullptr) << host.out;
    EXPECT_NE(get("/api/v1/domains/e").body.find("\"config\":\"/etc/xen/e.cfg\"}"),
              std::string::npos);
}

TEST_F(ApiEndpoints, GuestChosenNamesAreEscaped)
{
    xl::Domain* d = create("plain");
    std::strcpy(d->spec.name, "\x01\xff\xc3\xa9\"\\");
    Response r = get("/api/v1/domains");
    EXPECT_NE(r.body.find("\"name\":\"\\u0001\\u00ff\xc3\xa9\\\"\\\\\""), std::string::npos)
        << r.body;
}

TEST_F(ApiEndpoints, OneDomainByNameOrId)
{
    xl::Domain* d = create("echo");
    Response by_name = get("/api/v1/domains/echo");
    Response by_id = get("/api/v1/domains/" + std::to_string(d->domid));
    ASSERT_EQ(by_name.status, 200);
    EXPECT_EQ(by_name.body, by_id.body);
    EXPECT_EQ(by_name.body.rfind("{\"id\":7,\"name\":\"echo\"", 0), 0u) << by_name.body;
    EXPECT_EQ(get("/api/v1/domains/Domain-0").status, 200);
    EXPECT_EQ(get("/api/v1/domains/0").body.find("\"name\":\"Domain-0\""), 8u);
    EXPECT_EQ(get("/api/v1/domains/%65cho").status, 200); // percent-decoded
}

TEST_F(ApiEndpoints, UnknownDomainsAndPathsAre404)
{
    Response r = get("/api/v1/domains/nosuch");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "{\"error\":\"Invalid domain identifier: nosuch\"}");
    EXPECT_EQ(post("/api/v1/domains/nosuch/pause").status, 404);
    EXPECT_EQ(get("/api/v1/domains/nosuch/console").status, 404);
    EXPECT_EQ(get("/api/v1/nothing").status, 404);
    EXPECT_EQ(get("/api/v1/domains/x/y/z").status, 404);
    EXPECT_EQ(get("/api/v1/domains/%zz").status, 404);
    EXPECT_EQ(get("/api/v1/domains/a%2fb").status, 404);
    EXPECT_EQ(get("/api/v1/operations/99").status, 404);
    EXPECT_EQ(get("/api/v1/operations/x").status, 404);
    EXPECT_EQ(call("GET", "/elsewhere", "", "", false).status, 404);
}

TEST_F(ApiEndpoints, WrongMethodsAre405WithAllow)
{
    create("echo");
    Response r = call("PUT", "/api/v1/host");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("allow"), "GET, HEAD");
    r = get("/api/v1/domains/echo/pause");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("allow"), "POST");
    r = call("PATCH", "/api/v1/domains/echo");
    EXPECT_EQ(r.header("allow"), "GET, HEAD, DELETE");
    EXPECT_EQ(call("POST", "/", "", "", false).status, 405);
    EXPECT_EQ(ts.domains().size(), 1u);
}

TEST_F(ApiEndpoints, PauseAndUnpause)
{
    xl::Domain* d = create("echo");
    EXPECT_EQ(post("/api/v1/domains/echo/pause").body, "{\"ok\":true}");
    EXPECT_TRUE(hv.inner.domains.at(d->domid).paused);
    EXPECT_NE(get("/api/v1/domains/echo").body.find("\"state\":\"--p---\""), std::string::npos);
    EXPECT_EQ(post("/api/v1/domains/echo/unpause").status, 200);
    EXPECT_FALSE(hv.inner.domains.at(d->domid).paused);
    EXPECT_EQ(post("/api/v1/domains/0/pause").status, 400);
}

TEST_F(ApiEndpoints, DestroyAndDeleteTearTheDomainDown)
{
    create("a");
    create("b");
    EXPECT_EQ(post("/api/v1/domains/a/destroy").status, 200);
    EXPECT_EQ(ts.find(Str("a")), nullptr);
    EXPECT_EQ(call("DELETE", "/api/v1/domains/b").status, 200);
    EXPECT_EQ(ts.domains().size(), 0u);
    EXPECT_TRUE(hv.inner.domains.empty());
    EXPECT_EQ(call("DELETE", "/api/v1/domains/b").status, 404);
}

TEST_F(ApiEndpoints, ShutdownAndRebootAskTheGuest)
{
    xl::Domain* a = create("a");
    xl::Domain* b = create("b");
    EXPECT_EQ(post("/api/v1/domains/a/shutdown").status, 200);
    EXPECT_EQ(read("/local/domain/" + std::to_string(a->domid) + "/control/shutdown"), "poweroff");
    EXPECT_EQ(post("/api/v1/domains/b/reboot", "{\"wait\":false}").status, 200);
    EXPECT_EQ(read("/local/domain/" + std::to_string(b->domid) + "/control/shutdown"), "reboot");
    EXPECT_EQ(post("/api/v1/domains/b/reboot", "{\"wait\":1}").status, 400);
    EXPECT_EQ(post("/api/v1/domains/b/reboot", "{\"wait\":").status, 400);
    EXPECT_EQ(post("/api/v1/domains/b/reboot", "[]").status, 400);
}

TEST_F(ApiEndpoints, VcpuSetWritesAvailability)
{
    xl::Domain* d = create("echo");
    d->spec.maxvcpus = 2;
    EXPECT_EQ(post("/api/v1/domains/echo/vcpu-set", "{\"vcpus\":1}").status, 200);
    EXPECT_EQ(read("/local/domain/" + std::to_string(d->domid) + "/cpu/1/availability"), "offline");
    Response r = post("/api/v1/domains/echo/vcpu-set", "{\"vcpus\":3}");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "{\"error\":\"You cannot set vcpus greater than the domain's maximum (2)\"}");
    EXPECT_EQ(post("/api/v1/domains/echo/vcpu-set", "{\"vcpus\":0}").status, 400);
    EXPECT_EQ(post("/api/v1/domains/echo/vcpu-set", "{\"cpus\":1}").status, 400);
    EXPECT_EQ(post("/api/v1/domains/echo/vcpu-set", "{\"vcpus\":\"1\"}").status, 400);
    EXPECT_EQ(post("/api/v1/domains/echo/vcpu-set", "").status, 400);
}

TEST_F(ApiEndpoints, MemSetTakesKibOrXlUnits)
{
    xl::Domain* d = create("echo");
    std::string target = "/local/domain/" + std::to_string(d->domid) + "/memory/target";
    EXPECT_EQ(post("/api/v1/domains/echo/mem-set", "{\"memory_kib\":2048}").status, 200);
    EXPECT_EQ(read(target), "2048");
    EXPECT_EQ(post("/api/v1/domains/echo/mem-set", "{\"memory\":\"3M\"}").status, 200);
    EXPECT_EQ(read(target), "3072");
    EXPECT_EQ(post("/api/v1/domains/echo/mem-set", "{\"memory\":\"1g\"}").status, 200);
    EXPECT_EQ(read(target), "1048576");
    EXPECT_EQ(post("/api/v1/domains/echo/mem-set", "{\"memory\":\"12x\"}").status, 400);
    EXPECT_EQ(post("/api/v1/domains/echo/mem-set", "{\"memory_kib\":-1}").status, 400);
    EXPECT_EQ(read(target), "1048576");
}

TEST_F(ApiEndpoints, SchedCreditReadsAndSets)
{
    create("echo");
    EXPECT_EQ(get("/api/v1/domains/echo/sched-credit").body, "{\"weight\":256,\"cap\":0}");
    EXPECT_EQ(post("/api/v1/domains/echo/sched-credit", "{\"weight\":512}").status, 200);
    EXPECT_EQ(post("/api/v1/domains/echo/sched-credit", "{\"cap\":50}").status, 200);
    EXPECT_EQ(get("/api/v1/domains/echo/sched-credit").body, "{\"weight\":512,\"cap\":50}");
    EXPECT_EQ(post("/api/v1/domains/echo/sched-credit", "{\"weight\":0}").status, 400);
    EXPECT_EQ(post("/api/v1/domains/echo/sched-credit", "{\"cap\":65535}").status, 400);
    EXPECT_EQ(post("/api/v1/domains/echo/sched-credit", "{}").status, 400);
    EXPECT_EQ(get("/api/v1/domains/echo/sched-credit").body, "{\"weight\":512,\"cap\":50}");
    EXPECT_NE(get("/api/v1/domains/echo").body.find("\"weight\":512,\"cap\":50"),
              std::string::npos);
}

TEST_F(ApiEndpoints, VcpusListEachVcpu)
{
    create("echo");
    Response r = get("/api/v1/domains/echo/vcpus");
    EXPECT_EQ(r.body, "{\"vcpus\":[{\"vcpu\":0,\"cpu\":1,\"state\":\"-b-\",\"time_s\":0.000,"
                      "\"affinity\":\"all\"}]}");
}

TEST_F(ApiEndpoints, ConsoleGivesTheLogFromAnOffset)
{
    xl::Domain* d = create("echo");
    guest_print(*d, "hello\nworld\n");
    Response r = get("/api/v1/domains/echo/console");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello\nworld\n");
    EXPECT_EQ(r.header("x-console-offset"), "0");
    EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
    r = get("/api/v1/domains/echo/console?offset=6");
    EXPECT_EQ(r.body, "world\n");
    EXPECT_EQ(r.header("x-console-offset"), "6");
    r = get("/api/v1/domains/echo/console?offset=999");
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.header("x-console-offset"), "12");
    EXPECT_EQ(get("/api/v1/domains/echo/console?offset=-1").status, 400);
}

TEST_F(ApiEndpoints, ConsoleOffsetsBelowTheKeptBytesStartAtTheOldest)
{
    xl::Domain* d = create("echo");
    std::string lots(xl::Console_log::capacity + 100, 'x');
    for (size_t at = 0; at < lots.size(); at += 1000)
        guest_print(*d, lots.substr(at, 1000));
    Response r = get("/api/v1/domains/echo/console?offset=5");
    EXPECT_EQ(r.header("x-console-offset"), "100");
    EXPECT_EQ(r.body.size(), xl::Console_log::capacity);
}

TEST_F(ApiEndpoints, ConsoleInputReachesTheGuestRing)
{
    xl::Domain* d = create("echo");
    Response r = call("POST", "/api/v1/domains/echo/console", "ls -l\r");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "{\"ok\":true,\"bytes\":6}");
    xencons_interface& ring = guest_console(d->domid);
    std::string got;
    for (XENCONS_RING_IDX i = ring.in_cons; i != ring.in_prod; ++i)
        got += ring.in[MASK_XENCONS_IDX(i, ring.in)];
    EXPECT_EQ(got, "ls -l\r");
}

TEST_F(ApiEndpoints, DmesgIsTheHypervisorsRing)
{
    Response r = get("/api/v1/dmesg");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, hv.dmesg);
    EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
}

TEST_F(ApiEndpoints, MetricsAreInPrometheusTextFormat)
{
    xl::Domain* d = create("echo");
    hv.inner.domains.at(d->domid).cpu_time = 1'500'000'000;
    Response r = get("/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4");
    for (const char* name :
         {"xenith_host_memory_total_bytes", "xenith_host_memory_free_bytes", "xenith_host_cpus",
          "xenith_domains", "xenith_domain_cpu_seconds_total", "xenith_domain_memory_bytes",
          "xenith_domain_max_memory_bytes", "xenith_domain_vcpus", "xenith_domain_running"}) {
        EXPECT_NE(r.body.find(std::string("# HELP ") + name + " "), std::string::npos) << name;
        EXPECT_NE(r.body.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
    }
    EXPECT_NE(r.body.find("xenith_domains 2\n"), std::string::npos);
    EXPECT_NE(r.body.find("xenith_domain_cpu_seconds_total{id=\"7\",name=\"echo\"} 1.500000000\n"),
              std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("xenith_domain_memory_bytes{id=\"7\",name=\"echo\"} 4194304\n"),
              std::string::npos);
    EXPECT_NE(r.body.find("xenith_domain_running{id=\"0\",name=\"Domain-0\"} 1\n"),
              std::string::npos);
}

TEST_F(ApiEndpoints, StatsSampleCpuPercentOncePerInterval)
{
    xl::Domain* d = create("echo");
    server->tick();                                        // the first sample
    hv.inner.domains.at(d->domid).cpu_time += 250'000'000; // a quarter of the next second
    advance(1'000'000'000);
    Response r = get("/api/v1/domains/echo/stats");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("{\"t\":6.000,\"cpu_percent\":25.0,\"memory_kib\":4096}"),
              std::string::npos)
        << r.body;
    EXPECT_NE(get("/api/v1/domains/echo").body.find("\"cpu_percent\":25.0"), std::string::npos);
    for (int i = 0; i < 700; ++i)
        advance(1'000'000'000);
    r = get("/api/v1/domains/echo/stats");
    size_t n = 0;
    for (size_t at = r.body.find("{\"t\""); at != std::string::npos;
         at = r.body.find("{\"t\"", at + 1))
        ++n;
    EXPECT_EQ(n, api::Domain_stats::capacity);
    EXPECT_NE(server->api().stats_of(d->domid), nullptr);
    ASSERT_EQ(post("/api/v1/domains/echo/destroy").status, 200);
    EXPECT_EQ(server->api().stats_of(7), nullptr); // freed with the domain
}

} // namespace
