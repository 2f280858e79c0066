// The xl prompt (tools/lib/xl/shell.hpp, commands.cpp) over the toolstack,
// the fake hypervisor and host: xl's output columns and messages, config
// files, boot scripts one line per tick, and the commands that keep the
// console for a while (shutdown -w, console, sleep).
#include "tools/lib/xl/shell.hpp"

#include "tests/unit/fake_xl_host.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

using xl::Action;
using xl::Domain;
using xltest::spec;
using xltest::Xl_world;

namespace {

constexpr uint64_t second = 1'000'000'000ull;

const char* const list_header =
    "Name                                        ID   Mem VCPUs\tState\tTime(s)\n";

// One row as xl prints it (tools/xl/xl_info.c, list_domains).
std::string xl_row(const char* name, int id, unsigned long mib, int vcpus, const char* state,
                   double seconds)
{
    char b[256];
    std::snprintf(b, sizeof b, "%-40s %5d %5lu %5d     %s  %8.1f\n", name, id, mib, vcpus, state,
                  seconds);
    return b;
}

const char* const t_cfg = "name = \"t\"\nkernel = \"/boot/k\"\nmemory = 4\n";

class XlShell : public testing::Test, protected Xl_world {
protected:
    xl::Shell sh{ts};

    void SetUp() override { ASSERT_EQ(init(), ""); }

    // The output of one command line.
    std::string run(const std::string& line)
    {
        host.take();
        sh.run(toolstack::Str(line.data(), static_cast<uint32_t>(line.size())));
        return host.take();
    }
    // Typed on the console; what was printed meanwhile.
    std::string type(const std::string& bytes)
    {
        host.take();
        sh.input(toolstack::Str(bytes.data(), static_cast<uint32_t>(bytes.size())));
        return host.take();
    }
    std::string tick()
    {
        host.take();
        sh.tick();
        return host.take();
    }
    Domain* make(const char* name = "t", Action on_poweroff = Action::destroy,
                 Action on_crash = Action::destroy)
    {
        xl::Domain_spec s = spec(name);
        s.on_poweroff = on_poweroff;
        s.on_crash = on_crash;
        std::string err;
        Domain* d = create(s, &err);
        EXPECT_NE(d, nullptr) << err;
        host.take();
        return d;
    }
    static bool ends_with(const std::string& s, const std::string& end)
    {
        return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
    }
};

// --- list ---

TEST_F(XlShell, ListPrintsXlsHeaderAndOneRowPerDomain)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    hv.domains.at(d->domid).cpu_time = 12'300'000'000ull;

    std::string out = run("list");

    EXPECT_EQ(out, list_header + xl_row("Domain-0", 0, 256, 1, "r-----", 0.0) +
                       xl_row("t", d->domid, 4, 1, "-b----", 12.3));
}

TEST_F(XlShell, ListOfOneDomainPrintsOnlyItsRow)
{
    Domain* d = make("t");
    ASSERT_NE(make("u"), nullptr);
    ASSERT_NE(d, nullptr);

    EXPECT_EQ(run("list t"), list_header + xl_row("t", d->domid, 4, 1, "-b----", 0.0));
    EXPECT_EQ(run("xl list " + std::to_string(d->domid)),
              list_header + xl_row("t", d->domid, 4, 1, "-b----", 0.0));
}

TEST_F(XlShell, ListShowsAPreservedPoweredOffDomainAsShutDown)
{
    Domain* d = make("t", Action::preserve);
    ASSERT_NE(d, nullptr);
    guest_shutdown(d->domid, SHUTDOWN_poweroff);

    std::string out = run("list t");

    EXPECT_EQ(out, list_header + xl_row("t", d->domid, 4, 1, "---s--", 0.0));
}

// xl: 's' for any shutdown, then the reason's letter from "-rscwS"
// (tools/xl/xl_info.c): a crashed domain is "---sc-".
TEST_F(XlShell, ListShowsAPreservedCrashedDomainAsShutDownAndCrashed)
{
    Domain* d = make("t", Action::destroy, Action::preserve);
    ASSERT_NE(d, nullptr);
    guest_shutdown(d->domid, SHUTDOWN_crash);

    std::string out = run("list t");

    EXPECT_EQ(out, list_header + xl_row("t", d->domid, 4, 1, "---sc-", 0.0));
}

// --- errors ---

TEST_F(XlShell, AnUnknownCommandIsNamed)
{
    EXPECT_EQ(run("frobnicate now"), "xl: command not implemented: frobnicate (try 'help')\n");
}

TEST_F(XlShell, DestroyOfAnUnknownDomainSaysSo)
{
    EXPECT_EQ(run("destroy nosuch"), "Invalid domain identifier: nosuch\n");
}

TEST_F(XlShell, DestroyWithoutAnArgumentSaysSo)
{
    EXPECT_EQ(run("destroy"), "'xl destroy' requires at least one argument.\n");
}

// --- destroy, rename, domid, domname, status ---

TEST_F(XlShell, DestroyByNameRemovesTheDomain)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    domid_t id = d->domid;

    EXPECT_EQ(run("destroy t"), "");

    EXPECT_EQ(ts.find("t"), nullptr);
    EXPECT_EQ(hv.domains.count(id), 0u);
}

TEST_F(XlShell, RenameRenamesAndRefusesATakenName)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);

    EXPECT_EQ(run("rename t u"), "");
    EXPECT_EQ(run("rename u Domain-0"),
              "libxl: error: Domain with name already exists, or the name is invalid.\n");

    EXPECT_EQ(ts.find("u"), d);
    EXPECT_EQ(read(*d, "name"), "u");
}

TEST_F(XlShell, DomidAndDomnameConvert)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    std::string id = std::to_string(d->domid);

    EXPECT_EQ(run("domid t"), id + "\n");
    EXPECT_EQ(run("domid Domain-0"), "0\n");
    EXPECT_EQ(run("domname " + id), "t\n");
    EXPECT_EQ(run("domname 0"), "Domain-0\n");
}

TEST_F(XlShell, DomidAndDomnameOfUnknownDomainsSaySo)
{
    EXPECT_EQ(run("domid nosuch"),
              "Can't get domid of domain name 'nosuch', maybe this domain does not exist.\n");
    EXPECT_EQ(run("domname 99"),
              "Can't get domain name of domain id '99', maybe this domain does not exist.\n");
    EXPECT_EQ(run("domname x"), "Invalid domain id.\n");
}

TEST_F(XlShell, StatusCountsPagesStoreNodesAndDomains)
{
    ASSERT_NE(make(), nullptr);

    std::string out = run("status");

    EXPECT_EQ(out, "free_pages " + std::to_string(hv.free_frames) + " store_nodes " +
                       std::to_string(ts.store().check().nodes) + " store consistent domains 1" +
                       " store_connections " + std::to_string(ts.store().connections()) + "\n");
}

// --- create ---

TEST_F(XlShell, CreateBuildsTheDomainOfAConfigFile)
{
    host.put_file("/etc/xen/t.cfg", t_cfg);

    std::string out = run("create /etc/xen/t.cfg");

    EXPECT_EQ(out, "Parsing config from /etc/xen/t.cfg\n");
    Domain* d = ts.find("t");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->spec.memory_mib, 4u);
    EXPECT_EQ(read(*d, "memory/target"), "4096");
    EXPECT_FALSE(hv.domains.at(d->domid).paused);
}

TEST_F(XlShell, CreateTakesKeyValueOverrides)
{
    host.put_file("/etc/xen/t.cfg", t_cfg);

    // The prompt takes "..." away, as a shell does: xl.cfg's other quotes.
    std::string out = run("create /etc/xen/t.cfg name='u'");

    EXPECT_EQ(ts.find("t"), nullptr);
    EXPECT_NE(ts.find("u"), nullptr) << out;
}

TEST_F(XlShell, CreateWithASyntaxErrorNamesTheFileAndLine)
{
    host.put_file("/etc/xen/bad.cfg", "name = \"t\"\nkernel = \"/boot/k\"\nmemory = = 4\n");

    std::string out = run("create /etc/xen/bad.cfg");

    // xl prints the "Parsing config" line, then the parser's error.
    EXPECT_EQ(out.rfind("Parsing config from /etc/xen/bad.cfg\n/etc/xen/bad.cfg:3: config parsing error near `", 0), 0u) << out;
    EXPECT_TRUE(ends_with(out, "\n"));
    EXPECT_EQ(ts.domains().size(), 0u);
    EXPECT_TRUE(hv.calls.empty());
}

TEST_F(XlShell, CreateOfAMissingConfigFileSaysSo)
{
    EXPECT_EQ(run("create /etc/xen/none.cfg"),
              "Failed to read config file: /etc/xen/none.cfg: No such file or directory\n");
}

TEST_F(XlShell, CreateWithoutAFileSaysSo)
{
    EXPECT_EQ(run("create"), "'xl create' requires at least one argument.\n");
}

TEST_F(XlShell, CreateThatFailsGivesLibxlsErrorAndXlsLine)
{
    host.put_file("/etc/xen/t.cfg", "name = \"t\"\nkernel = \"/boot/none\"\n");

    std::string out = run("create /etc/xen/t.cfg");

    EXPECT_EQ(out, "Parsing config from /etc/xen/t.cfg\n"
                   "libxl: error: failed to read kernel '/boot/none': no such file\n"
                   "xl: failed to create domain t\n");
    EXPECT_EQ(ts.domains().size(), 0u);
}

TEST_F(XlShell, CreateDashCAttachesTheNewDomainsConsole)
{
    host.put_file("/etc/xen/t.cfg", t_cfg);

    (void)type("create -c /etc/xen/t.cfg\r");

    Domain* d = ts.find("t");
    ASSERT_NE(d, nullptr);
    EXPECT_TRUE(sh.busy());
    EXPECT_EQ(ts.attached_console(), d);
}

// --- boot scripts ---

TEST_F(XlShell, ABootScriptRunsOneLinePerTickThenPrompts)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    std::string id = std::to_string(d->domid);
    host.take();

    ASSERT_TRUE(sh.queue_script("domid Domain-0\n# a comment\ndomname 0\ndomid t\n"));

    EXPECT_EQ(host.take(), "xl> domid Domain-0\n0\n");
    EXPECT_EQ(host.wakes.back(), host.now) << "the next line is asked for";
    EXPECT_EQ(tick(), "xl> domname 0\nDomain-0\n");
    EXPECT_EQ(tick(), "xl> domid t\n" + id + "\n");
    EXPECT_EQ(tick(), "xl> ");
    EXPECT_EQ(tick(), "");
}

TEST_F(XlShell, ABootScriptWithoutAFinalNewlineStillEndsAtThePrompt)
{
    ASSERT_TRUE(sh.queue_script("domid Domain-0\ndomname 0\ndomid Domain-0"));
    host.take();

    std::string rest = tick();
    for (int i = 0; i < 3; ++i)
        rest += tick();

    EXPECT_EQ(rest, "xl> domname 0\nDomain-0\nxl> domid Domain-0\n0\nxl> ");
}

TEST_F(XlShell, TypingDuringABootScriptIsDropped)
{
    ASSERT_TRUE(sh.queue_script("domid Domain-0\ndomname 0\n"));

    EXPECT_EQ(type("list\r"), "");
}

TEST_F(XlShell, ABootScriptWaitsForASleepToEnd)
{
    ASSERT_TRUE(sh.queue_script("sleep 2\ndomname 0\n"));
    host.take();

    EXPECT_EQ(tick(), "");
    host.now += 2 * second;
    EXPECT_EQ(tick(), "xl> domname 0\nDomain-0\n");
}

// --- typed lines ---

TEST_F(XlShell, ATypedLineIsEchoedRunAndFollowedByThePrompt)
{
    EXPECT_EQ(type("domname 0\r"), "domname 0\nDomain-0\nxl> ");
}

TEST_F(XlShell, BackspaceAndCtrlCEditTheLine)
{
    EXPECT_EQ(type("domnamx\x7f"), "domnamx\b \b");
    EXPECT_EQ(type("e 0\r"), "e 0\nDomain-0\nxl> ");
    EXPECT_EQ(type("destroy t\x03"), "destroy t^C\nxl> ");
    EXPECT_EQ(type("\r"), "\nxl> ");
}

// --- shutdown ---

TEST_F(XlShell, ShutdownDashWWaitsUntilTheDomainIsGone)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    domid_t id = d->domid;

    EXPECT_EQ(type("shutdown -w t\r"), "shutdown -w t\nWaiting for 1 domains\n");
    EXPECT_TRUE(sh.busy());
    EXPECT_EQ(read("/local/domain/" + std::to_string(id) + "/control/shutdown"), "poweroff");
    EXPECT_EQ(tick(), "");
    EXPECT_TRUE(sh.busy());

    guest_shutdown(id, SHUTDOWN_poweroff);
    std::string out = tick();

    EXPECT_FALSE(sh.busy());
    EXPECT_TRUE(ends_with(out, "xl> ")) << out;
    EXPECT_EQ(ts.find("t"), nullptr);
}

TEST_F(XlShell, ShutdownDashWOfAnIgnoringDomainEndsWithTheForcedShutdown)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    domid_t id = d->domid;
    (void)type("shutdown -w t\r");

    host.now += xl::Toolstack::shutdown_grace_ns;
    ts.tick();
    ts.dom_exc(); // the hypervisor's VIRQ_DOM_EXC after the remote shutdown
    std::string out = tick();

    EXPECT_EQ(hv.remote_shutdowns.size(), 1u);
    EXPECT_EQ(hv.domains.count(id), 0u);
    EXPECT_FALSE(sh.busy());
    EXPECT_TRUE(ends_with(out, "xl> ")) << out;
}

TEST_F(XlShell, ShutdownAllWaitWaitsForEveryDomain)
{
    Domain* a = make("a");
    Domain* b = make("b");
    ASSERT_TRUE(a && b);
    domid_t bid = b->domid;

    EXPECT_EQ(type("shutdown -a -w\r"), "shutdown -a -w\nWaiting for 2 domains\n");
    guest_shutdown(a->domid, SHUTDOWN_poweroff);
    (void)tick();
    EXPECT_TRUE(sh.busy());
    guest_shutdown(bid, SHUTDOWN_poweroff);
    (void)tick();

    EXPECT_FALSE(sh.busy());
    EXPECT_EQ(ts.domains().size(), 0u);
}

TEST_F(XlShell, ShutdownOfAnUnknownDomainSaysSo)
{
    EXPECT_EQ(run("shutdown nosuch"), "Invalid domain identifier: nosuch\n");
    EXPECT_FALSE(sh.busy());
}

// --- console ---

TEST_F(XlShell, ConsoleReplaysTheLogPassesKeysAndCtrlRightBracketDetaches)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    guest_print(d->domid, "booted\nlogin: ");
    ts.port_fired(d->console_port);

    EXPECT_EQ(type("console t\r"), "console t\nbooted\nlogin: ");
    EXPECT_TRUE(sh.busy());
    EXPECT_EQ(ts.attached_console(), d);

    EXPECT_EQ(type("root\r"), "") << "keys go to the guest, not the shell";
    EXPECT_EQ(guest_input(d->domid), "root\r");
    guest_print(d->domid, "# ");
    ts.port_fired(d->console_port);
    EXPECT_EQ(host.take(), "# ");

    EXPECT_EQ(type("\x1d"), "\nxl> ");
    EXPECT_FALSE(sh.busy());
    EXPECT_EQ(ts.attached_console(), nullptr);
}

TEST_F(XlShell, ConsoleOfAnUnknownDomainSaysSo)
{
    EXPECT_EQ(run("console nosuch"), "Invalid domain identifier: nosuch\n");
    EXPECT_FALSE(sh.busy());
}

TEST_F(XlShell, AnAttachedConsoleEndsWhenItsDomainGoes)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    (void)type("console t\r");

    guest_shutdown(d->domid, SHUTDOWN_poweroff);
    std::string out = tick();

    EXPECT_FALSE(sh.busy());
    EXPECT_TRUE(ends_with(out, "xl> ")) << out;
}

// --- sleep ---

TEST_F(XlShell, SleepHoldsThePromptUntilItsTime)
{
    EXPECT_EQ(type("sleep 2\r"), "sleep 2\n");
    EXPECT_EQ(host.wakes.back(), host.now + 2 * second);

    host.now += second;
    EXPECT_EQ(tick(), "");
    EXPECT_TRUE(sh.busy());
    host.now += second;
    EXPECT_EQ(tick(), "xl> ");
    EXPECT_FALSE(sh.busy());
}

TEST_F(XlShell, PoweroffPowersTheMachineOff)
{
    (void)run("poweroff");
    (void)run("reboot-host");

    EXPECT_EQ(host.power_offs, (std::vector<bool>{false, true}));
}

} // namespace
