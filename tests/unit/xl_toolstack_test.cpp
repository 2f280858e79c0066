// dom0's toolstack (tools/lib/xl/toolstack.hpp) against the fake
// hypervisor and host: a create leaves a running domain with its store
// entries and console, or nothing at all; destroy gives everything back;
// consoles are drained, mirrored, attached and typed into; shutdown is
// asked for, then forced after the grace; the hypervisor's shutdown reports
// carry out on_poweroff / on_reboot / on_crash.
#include "tools/lib/xl/toolstack.hpp"

#include "tests/unit/fake_xl_host.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using xl::Action;
using xl::Domain;
using xltest::Leftovers;
using xltest::spec;
using xltest::Xl_world;

namespace {

class XlToolstack : public testing::Test, protected Xl_world {
protected:
    void SetUp() override { ASSERT_EQ(init(), ""); }

    Domain* make(const char* name = "t")
    {
        std::string err;
        Domain* d = create(spec(name), &err);
        EXPECT_NE(d, nullptr) << err;
        return d;
    }
    void advance(uint64_t ns) { host.now += ns; }
};

constexpr uint64_t second = 1'000'000'000ull;

// --- create ---

TEST_F(XlToolstack, CreateStartsTheDomainUnpaused)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    ASSERT_EQ(hv.domains.count(d->domid), 1u);
    EXPECT_FALSE(hv.domains.at(d->domid).paused);
    EXPECT_EQ(ts.find("t"), d);
    EXPECT_EQ(ts.find(std::to_string(d->domid).c_str()), d);
    EXPECT_EQ(ts.domains().size(), 1u);
}

TEST_F(XlToolstack, CreateWritesTheDomainsStoreEntries)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(read(*d, "name"), "t");
    EXPECT_EQ(read(*d, "domid"), std::to_string(d->domid));
    EXPECT_EQ(read(*d, "memory/target"), "4096");
    EXPECT_EQ(read(*d, "store/port"), std::to_string(d->store_port));
    EXPECT_EQ(read(*d, "store/ring-ref"), std::to_string(d->store_mfn));
    std::string vm = read(*d, "vm");
    ASSERT_EQ(vm.rfind("/vm/", 0), 0u) << vm;
    EXPECT_EQ(read(vm + "/name"), "t");
    EXPECT_TRUE(ts.store().introduced(d->domid));
    EXPECT_EQ(ts.store().check().problems, 0u) << ts.store().check().first;
}

TEST_F(XlToolstack, CreateMapsTheConsoleRingAndBindsItsPort)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    // The ring dom0 mapped is the one the guest's store directory names.
    ASSERT_NE(d->console, nullptr);
    EXPECT_EQ(d->console, &guest_console(d->domid));
    ASSERT_EQ(hv.mapped.count(d->console), 1u);
    // dom0's console port is bound to the domain's console port.
    ASSERT_EQ(hv.bound.count(d->console_port), 1u);
    EXPECT_EQ(hv.bound.at(d->console_port).dom, d->domid);
    EXPECT_EQ(std::to_string(hv.bound.at(d->console_port).port), read(*d, "console/port"));
    // And the store's port to the domain's store port.
    bool store_bound = false;
    for (const auto& b : hv.bound)
        store_bound |= b.second.dom == d->domid && b.second.port == d->store_port;
    EXPECT_TRUE(store_bound);
}

TEST_F(XlToolstack, ASecondCreateWithTheSameNameFailsAndAddsNothing)
{
    ASSERT_NE(make("t"), nullptr);
    Leftovers before = leftovers();
    size_t calls = hv.calls.size();

    std::string err;
    EXPECT_EQ(create(spec("t"), &err), nullptr);

    EXPECT_EQ(err, "domain name 't' is already in use or invalid");
    EXPECT_EQ(leftovers(), before);
    EXPECT_EQ(hv.calls.size(), calls) << "a hypercall was made: " << hv.calls.back();
}

TEST_F(XlToolstack, CreateNamedDomain0IsRefused)
{
    Leftovers before = leftovers();
    std::string err;
    EXPECT_EQ(create(spec("Domain-0"), &err), nullptr);
    EXPECT_EQ(err, "domain name 'Domain-0' is already in use or invalid");
    EXPECT_EQ(leftovers(), before);
}

TEST_F(XlToolstack, CreateWithoutTheKernelFileLeavesNothing)
{
    Leftovers before = leftovers();
    xl::Domain_spec s = spec("t");
    std::strcpy(s.kernel, "/boot/missing");

    std::string err;
    EXPECT_EQ(create(s, &err), nullptr);

    EXPECT_EQ(err, "failed to read kernel '/boot/missing': no such file");
    EXPECT_EQ(leftovers(), before);
    EXPECT_TRUE(hv.calls.empty());
}

TEST_F(XlToolstack, CreateWithoutTheRamdiskFileLeavesNothing)
{
    Leftovers before = leftovers();
    xl::Domain_spec s = spec("t");
    std::strcpy(s.ramdisk, "/boot/initrd");

    std::string err;
    EXPECT_EQ(create(s, &err), nullptr);

    EXPECT_EQ(err, "failed to read ramdisk '/boot/initrd': no such file");
    EXPECT_EQ(leftovers(), before);
    EXPECT_TRUE(hv.calls.empty());
}

// The calls one successful create makes, in order.
std::vector<std::string> calls_of_a_create()
{
    auto w = std::make_unique<Xl_world>();
    EXPECT_EQ(w->init(), "");
    EXPECT_NE(w->create(spec("t")), nullptr);
    return w->hv.calls;
}

// Each call of a create failing in turn (the first two and the last two
// of each name: the builder's own steps are the builder tests' business,
// xl's come last): the create fails with a message and leaves nothing.
// Only EVTCHNOP_send, a notification, may fail without failing it.
TEST_F(XlToolstack, EveryFailingHypercallOfACreateLeavesNothing)
{
    std::vector<std::string> trace = calls_of_a_create();
    ASSERT_FALSE(trace.empty());
    std::map<std::string, unsigned> total;
    for (const std::string& name : trace)
        ++total[name];
    unsigned tried = 0;
    for (const auto& [name, n] : total)
        for (unsigned nth = 1; nth <= n; ++nth) {
            if (nth > 2 && nth + 2 <= n)
                continue;
            SCOPED_TRACE(name + " #" + std::to_string(nth) + " of " + std::to_string(n));
            auto w = std::make_unique<Xl_world>();
            ASSERT_EQ(w->init(), "");
            Leftovers before = w->leftovers();
            w->hv.fail(name, nth, XEN_ENOMEM);
            ++tried;

            std::string err;
            Domain* d = w->create(spec("t"), &err);

            if (name == "evtchn_send") {
                EXPECT_NE(d, nullptr) << err;
                continue;
            }
            EXPECT_EQ(d, nullptr);
            EXPECT_FALSE(err.empty());
            EXPECT_EQ(w->leftovers(), before);
            EXPECT_EQ(w->ts.store().check().problems, 0u) << w->ts.store().check().first;
        }
    EXPECT_GE(tried, total.size());
}

// xl's own steps after the build, one by one, with their messages.
struct Step {
    const char* name;
    const char* call;
    bool last; // the last call of that name in a create (else the one before it)
    const char* message;
};

class XlToolstackStep : public XlToolstack, public testing::WithParamInterface<Step> {};

TEST_P(XlToolstackStep, FailingLeavesNothingAndSaysWhich)
{
    const Step& s = GetParam();
    std::vector<std::string> trace = calls_of_a_create();
    unsigned total = 0;
    for (const std::string& c : trace)
        total += c == s.call;
    // The console's map and bind come before the store's.
    unsigned nth = s.last ? total : total - 1;
    if (std::string(s.call) == "evtchn_bind_interdomain")
        nth = s.last ? 2 : 1;
    Leftovers before = leftovers();
    hv.fail(s.call, nth, XEN_EINVAL);

    std::string err;
    EXPECT_EQ(create(spec("t"), &err), nullptr);

    EXPECT_EQ(err, s.message);
    EXPECT_EQ(leftovers(), before);
    EXPECT_EQ(hv.destroyed.size(), 1u); // built, then destroyed
}

INSTANTIATE_TEST_SUITE_P(
    XlSteps, XlToolstackStep,
    testing::Values(Step{"ConsoleMap", "map_foreign", false, "failed to map the console ring"},
                    Step{"ConsoleBind", "evtchn_bind_interdomain", false,
                         "failed to bind the console event channel"},
                    Step{"StoreMap", "map_foreign", true,
                         "failed to introduce the domain to xenstored"},
                    Step{"StoreBind", "evtchn_bind_interdomain", true,
                         "failed to introduce the domain to xenstored"},
                    Step{"Unpause", "domctl:unpausedomain", true, "failed to unpause the domain"}),
    [](const testing::TestParamInfo<Step>& p) { return std::string(p.param.name); });

// The heap after a failed create is what it was before, whichever of
// xl's steps failed.
TEST_F(XlToolstack, AFailedCreateGivesBackAllItsMemory)
{
    std::vector<std::string> trace = calls_of_a_create();
    unsigned maps = 0;
    for (const std::string& c : trace)
        maps += c == "map_foreign";
    const std::pair<const char*, unsigned> steps[] = {
        {"domctl:createdomain", 1}, {"map_foreign", maps - 1},      {"evtchn_bind_interdomain", 1},
        {"map_foreign", maps},      {"evtchn_bind_interdomain", 2}, {"domctl:unpausedomain", 1}};
    for (const auto& [call, nth] : steps) {
        SCOPED_TRACE(std::string(call) + " #" + std::to_string(nth));
        auto w = std::make_unique<Xl_world>();
        ASSERT_EQ(w->init(), "");
        size_t before = w->mem.live;
        w->hv.fail(call, nth, XEN_EINVAL);

        EXPECT_EQ(w->create(spec("t")), nullptr);

        EXPECT_EQ(w->mem.live, before);
        EXPECT_EQ(w->ts.store().usage(w->hv.next_domid - 1), nullptr)
            << "the store still keeps an account for the domain";
    }
}

TEST_F(XlToolstack, DestroyGivesBackAllItsMemory)
{
    size_t before = mem.live;
    Domain* d = make();
    ASSERT_NE(d, nullptr);

    (void)ts.destroy(d);

    EXPECT_EQ(mem.live, before);
}

TEST_F(XlToolstack, CreateWhoseSchedulerSettingsAreRefusedLeavesNothing)
{
    // The fake has no XEN_DOMCTL_scheduler_op: it answers -ENOSYS.
    Leftovers before = leftovers();
    xl::Domain_spec s = spec("t");
    s.weight = 512;

    std::string err;
    EXPECT_EQ(create(s, &err), nullptr);

    EXPECT_EQ(err, "failed to set the credit scheduler's weight and cap");
    EXPECT_EQ(leftovers(), before);
}

TEST_F(XlToolstack, CreateWhoseAffinityIsRefusedLeavesNothing)
{
    // Nor XEN_DOMCTL_setvcpuaffinity.
    Leftovers before = leftovers();
    xl::Domain_spec s = spec("t");
    s.cpus = 1;

    std::string err;
    EXPECT_EQ(create(s, &err), nullptr);

    EXPECT_EQ(err, "failed to set the vCPUs' affinity (cpus=)");
    EXPECT_EQ(leftovers(), before);
}

TEST_F(XlToolstack, StorePortBeyondThePortTableFailsTheCreate)
{
    hv.next_local_port = xl::Toolstack::max_ports - 1; // console's; the store's is one past
    Leftovers before = leftovers();

    std::string err;
    EXPECT_EQ(create(spec("t"), &err), nullptr);

    EXPECT_EQ(err, "failed to introduce the domain to xenstored");
    EXPECT_EQ(leftovers(), before);
}

TEST_F(XlToolstack, ConsolePortBeyondThePortTableFailsTheCreateAndTouchesNoOtherDomain)
{
    Domain* a = make("a");
    ASSERT_NE(a, nullptr);
    ts.attach_console(a);
    hv.next_local_port = xl::Toolstack::max_ports;
    Leftovers before = leftovers();

    std::string err;
    EXPECT_EQ(create(spec("b"), &err), nullptr);

    EXPECT_EQ(err, "failed to bind the console event channel");
    EXPECT_EQ(leftovers(), before);
    EXPECT_EQ(ts.attached_console(), a) << "the failed create changed another domain's console";
}

// --- destroy ---

TEST_F(XlToolstack, DestroyGivesEverythingBack)
{
    Leftovers before = leftovers();
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    domid_t id = d->domid;

    EXPECT_EQ(ts.destroy(d), 0);

    EXPECT_EQ(hv.domains.count(id), 0u);
    EXPECT_EQ(hv.destroyed, std::vector<domid_t>{id});
    EXPECT_TRUE(hv.mapped.empty());
    EXPECT_TRUE(hv.bound.empty());
    EXPECT_FALSE(ts.store().introduced(id));
    EXPECT_EQ(read("/local/domain/" + std::to_string(id) + "/name"), "<none>");
    EXPECT_EQ(leftovers(), before);
}

TEST_F(XlToolstack, DestroyPrintsTheUnfinishedConsoleLine)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    guest_print(d->domid, "bye");

    (void)ts.destroy(d);

    EXPECT_EQ(host.out, "[t] bye\n");
}

TEST_F(XlToolstack, DestroyOfOneDomainLeavesTheOther)
{
    Domain* a = make("a");
    Domain* b = make("b");
    ASSERT_TRUE(a && b);
    domid_t bid = b->domid;

    (void)ts.destroy(a);

    EXPECT_EQ(ts.find("b"), b);
    EXPECT_EQ(hv.domains.count(bid), 1u);
    EXPECT_EQ(hv.mapped.size(), 2u); // b's console and store rings
    EXPECT_EQ(hv.bound.size(), 2u);
    EXPECT_EQ(read(*b, "name"), "b");
}

// --- consoles ---

TEST_F(XlToolstack, ConsoleLinesAreMirroredWithTheDomainsName)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    guest_print(d->domid, "hello\nwor");

    ts.port_fired(d->console_port);

    EXPECT_EQ(host.take(), "[t] hello\n");
    guest_print(d->domid, "ld\r\n");
    ts.port_fired(d->console_port);
    EXPECT_EQ(host.take(), "[t] world\n");
}

TEST_F(XlToolstack, DrainingTheConsoleEmptiesTheRingAndNotifiesTheGuest)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    guest_print(d->domid, "x\n");
    hv.sent.clear();

    ts.port_fired(d->console_port);

    xencons_interface& r = guest_console(d->domid);
    EXPECT_EQ(r.out_cons, r.out_prod);
    EXPECT_EQ(hv.sent, std::vector<evtchn_port_t>{d->console_port});
}

TEST_F(XlToolstack, WithTheMirrorOffConsoleLinesAreOnlyLogged)
{
    ts.mirror = false;
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    guest_print(d->domid, "quiet\n");

    ts.port_fired(d->console_port);

    EXPECT_EQ(host.out, "");
    EXPECT_EQ(d->log.total(), 6u);
}

TEST_F(XlToolstack, AnAttachedConsoleGetsTheBytesRaw)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    ts.attach_console(d);
    guest_print(d->domid, "a\r\nb");

    ts.port_fired(d->console_port);

    EXPECT_EQ(host.out, "a\r\nb");
}

TEST_F(XlToolstack, OnlyTheAttachedDomainIsRawTheOthersAreMirrored)
{
    Domain* a = make("a");
    Domain* b = make("b");
    ASSERT_TRUE(a && b);
    ts.attach_console(a);
    guest_print(b->domid, "from b\n");

    ts.port_fired(b->console_port);

    EXPECT_EQ(host.out, "[b] from b\n");
}

TEST_F(XlToolstack, ConsoleInputGoesToTheRingsInputSide)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    hv.sent.clear();

    EXPECT_TRUE(ts.console_input(*d, "ls\n"));

    EXPECT_EQ(guest_input(d->domid), "ls\n");
    EXPECT_EQ(hv.sent, std::vector<evtchn_port_t>{d->console_port});
}

TEST_F(XlToolstack, ConsoleInputBeyondAFullRingIsDropped)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    std::string lots(sizeof d->console->in + 10, 'k');

    EXPECT_FALSE(
        ts.console_input(*d, toolstack::Str(lots.data(), static_cast<uint32_t>(lots.size()))));

    EXPECT_EQ(guest_input(d->domid), std::string(sizeof d->console->in, 'k'));
}

TEST_F(XlToolstack, ACorruptConsoleIndexIsDroppedNotRead)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    xencons_interface& r = guest_console(d->domid);
    r.out_prod = r.out_cons + 100000;

    ts.port_fired(d->console_port);

    EXPECT_EQ(host.out, "");
    EXPECT_EQ(r.out_cons, r.out_prod);
}

TEST_F(XlToolstack, APortNobodyOwnsIsIgnored)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    guest_print(d->domid, "not yet\n");

    ts.port_fired(d->console_port + 100);
    ts.port_fired(xl::Toolstack::max_ports + 5);

    EXPECT_EQ(host.out, "");
}

// --- shutdown ---

TEST_F(XlToolstack, RequestShutdownWritesControlShutdownAndAsksForATick)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);

    EXPECT_EQ(ts.request_shutdown(*d, false), 0);

    EXPECT_EQ(read(*d, "control/shutdown"), "poweroff");
    ASSERT_FALSE(host.wakes.empty());
    EXPECT_EQ(host.wakes.back(), host.now + xl::Toolstack::shutdown_grace_ns);
}

TEST_F(XlToolstack, RequestRebootWritesReboot)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);

    EXPECT_EQ(ts.request_shutdown(*d, true), 0);

    EXPECT_EQ(read(*d, "control/shutdown"), "reboot");
}

TEST_F(XlToolstack, TickWithinTheGraceForcesNothing)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    ASSERT_EQ(ts.request_shutdown(*d, false), 0);
    advance(xl::Toolstack::shutdown_grace_ns - 1);

    ts.tick();

    EXPECT_TRUE(hv.remote_shutdowns.empty());
    EXPECT_EQ(host.wakes.back(), host.now + 1) << "the deadline is asked for again";
}

TEST_F(XlToolstack, TickAfterTheGraceForcesTheShutdownOnce)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    ASSERT_EQ(ts.request_shutdown(*d, false), 0);
    advance(xl::Toolstack::shutdown_grace_ns);

    ts.tick();
    ts.tick();

    using Forced = std::pair<domid_t, unsigned>;
    EXPECT_EQ(hv.remote_shutdowns, std::vector<Forced>{Forced(d->domid, SHUTDOWN_poweroff)});
}

TEST_F(XlToolstack, AForcedRebootGivesTheRebootReason)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    ASSERT_EQ(ts.request_shutdown(*d, true), 0);
    advance(xl::Toolstack::shutdown_grace_ns + second);

    ts.tick();

    ASSERT_EQ(hv.remote_shutdowns.size(), 1u);
    EXPECT_EQ(hv.remote_shutdowns[0].second, unsigned{SHUTDOWN_reboot});
}

TEST_F(XlToolstack, ADomainThatObeysWithinTheGraceIsNotForced)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    domid_t id = d->domid;
    ASSERT_EQ(ts.request_shutdown(*d, false), 0);
    advance(second);
    guest_shutdown(id, SHUTDOWN_poweroff);
    advance(xl::Toolstack::shutdown_grace_ns);

    ts.tick();

    EXPECT_TRUE(hv.remote_shutdowns.empty());
    EXPECT_EQ(hv.domains.count(id), 0u);
}

// --- the hypervisor's shutdown reports (VIRQ_DOM_EXC) ---

TEST_F(XlToolstack, PoweroffWithOnPoweroffDestroyDestroysTheDomain)
{
    Leftovers before = leftovers();
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    domid_t id = d->domid;

    guest_shutdown(id, SHUTDOWN_poweroff);

    EXPECT_EQ(ts.find("t"), nullptr);
    EXPECT_EQ(hv.domains.count(id), 0u);
    EXPECT_EQ(host.out, "xl: domain t (" + std::to_string(id) + ") poweroff: destroy\n");
    EXPECT_EQ(leftovers(), before);
}

TEST_F(XlToolstack, RebootWithOnRebootRestartMakesANewDomainOfTheSameName)
{
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    domid_t old = d->domid;
    std::string vm = read(*d, "vm");

    guest_shutdown(old, SHUTDOWN_reboot);

    Domain* again = ts.find("t");
    ASSERT_NE(again, nullptr);
    EXPECT_NE(again->domid, old);
    EXPECT_EQ(hv.domains.count(old), 0u);
    ASSERT_EQ(hv.domains.count(again->domid), 1u);
    EXPECT_FALSE(hv.domains.at(again->domid).paused);
    EXPECT_EQ(again->restarts, 1u);
    EXPECT_EQ(read(*again, "vm"), vm) << "a restart keeps the uuid";
    EXPECT_EQ(ts.domains().size(), 1u);
    EXPECT_EQ(hv.mapped.size(), 2u);
    EXPECT_EQ(hv.bound.size(), 2u);
}

TEST_F(XlToolstack, PreserveKeepsTheShutDownDomain)
{
    xl::Domain_spec s = spec("t");
    s.on_poweroff = Action::preserve;
    Domain* d = create(s);
    ASSERT_NE(d, nullptr);

    guest_shutdown(d->domid, SHUTDOWN_poweroff);

    EXPECT_EQ(ts.find("t"), d);
    EXPECT_TRUE(d->shut_down);
    EXPECT_EQ(d->shutdown_reason, unsigned{SHUTDOWN_poweroff});
    EXPECT_EQ(hv.domains.count(d->domid), 1u);
    EXPECT_EQ(read(*d, "name"), "t");
}

TEST_F(XlToolstack, APreservedDomainIsReportedOnce)
{
    xl::Domain_spec s = spec("t");
    s.on_crash = Action::preserve;
    Domain* d = create(s);
    ASSERT_NE(d, nullptr);

    guest_shutdown(d->domid, SHUTDOWN_crash);
    ts.dom_exc();

    EXPECT_EQ(host.out, "xl: domain t (" + std::to_string(d->domid) + ") crash: preserve\n");
}

TEST_F(XlToolstack, RenameRestartKeepsTheOldDomainRenamedAndStartsANewOne)
{
    xl::Domain_spec s = spec("t");
    s.on_crash = Action::rename_restart;
    Domain* d = create(s);
    ASSERT_NE(d, nullptr);
    domid_t old = d->domid;
    std::string old_vm = read(*d, "vm");

    guest_shutdown(old, SHUTDOWN_crash);

    std::string renamed = "t-old" + std::to_string(old);
    ASSERT_EQ(ts.find(renamed.c_str()), d);
    EXPECT_EQ(d->domid, old);
    EXPECT_EQ(read(*d, "name"), renamed);
    EXPECT_EQ(hv.domains.count(old), 1u);
    Domain* fresh = ts.find("t");
    ASSERT_NE(fresh, nullptr);
    EXPECT_NE(fresh->domid, old);
    EXPECT_EQ(read(*fresh, "name"), "t");
    EXPECT_NE(read(*fresh, "vm"), old_vm) << "the twin needs its own uuid";
    EXPECT_EQ(ts.domains().size(), 2u);
}

TEST_F(XlToolstack, ADomainDestroyedBehindItsBackIsForgotten)
{
    Leftovers before = leftovers();
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    xen_domctl op{};
    op.cmd = XEN_DOMCTL_destroydomain;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = d->domid;
    ASSERT_EQ(hv.domctl(op, nullptr, 0), 0);

    ts.dom_exc();

    EXPECT_EQ(ts.domains().size(), 0u);
    EXPECT_EQ(leftovers(), before);
}

TEST_F(XlToolstack, ARestartThatFailsIsReportedAndLeavesNothing)
{
    Leftovers before = leftovers();
    Domain* d = make();
    ASSERT_NE(d, nullptr);
    domid_t id = d->domid;
    hv.fail("domctl:createdomain", 2, XEN_ENOMEM);

    guest_shutdown(id, SHUTDOWN_reboot);

    EXPECT_EQ(ts.find("t"), nullptr);
    EXPECT_NE(host.out.find("xl: restarting t failed: "), std::string::npos) << host.out;
    EXPECT_EQ(leftovers(), before);
}

TEST_F(XlToolstack, RenameChangesTheNameInTheStore)
{
    Domain* d = make("t");
    ASSERT_NE(make("u"), nullptr);
    ASSERT_NE(d, nullptr);

    EXPECT_TRUE(ts.rename(*d, "v"));
    EXPECT_FALSE(ts.rename(*d, "u"));
    EXPECT_FALSE(ts.rename(*d, "Domain-0"));
    EXPECT_FALSE(ts.rename(*d, ""));

    EXPECT_EQ(ts.find("v"), d);
    EXPECT_EQ(read(*d, "name"), "v");
}

TEST_F(XlToolstack, ShutdownReasonsHaveXlsNames)
{
    EXPECT_STREQ(xl::shutdown_reason_name(SHUTDOWN_poweroff), "poweroff");
    EXPECT_STREQ(xl::shutdown_reason_name(SHUTDOWN_reboot), "reboot");
    EXPECT_STREQ(xl::shutdown_reason_name(SHUTDOWN_suspend), "suspend");
    EXPECT_STREQ(xl::shutdown_reason_name(SHUTDOWN_crash), "crash");
    EXPECT_STREQ(xl::shutdown_reason_name(SHUTDOWN_watchdog), "watchdog");
    EXPECT_STREQ(xl::shutdown_reason_name(99), "unknown");
}

} // namespace
