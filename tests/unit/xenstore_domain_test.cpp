// Domains: INTRODUCE, RELEASE and the cleanup it does, RESUME, SET_TARGET,
// GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, the privileged-only requests, and
// the standard tree of a new PV domain.
#include "tests/unit/xenstore_fixture.hpp"
#include "tools/lib/xenstore/domain_tree.hpp"

using namespace xstest;

namespace {

class XenstoreDomain : public Xenstore_test {
protected:
    std::string perms(const std::string& path)
    {
        toolstack::Text t(world().alloc());
        Err e = world().dom0().get_perms(str(path), t);
        if (e != Err::none)
            return std::string("<") + xs::err_name(e) + ">";
        std::string s = text(t);
        for (char& c : s)
            if (c == '\0')
                c = ' ';
        return s;
    }
};

} // namespace

TEST_F(XenstoreDomain, GivenToolstackWhenItIntroducesOverTheWireThenTheDomainIsConnected)
{
    World& w = world();
    Guest& g = w.add_guest(5); // via the direct call
    EXPECT_TRUE(w.xs().introduced(5));
    toolstack::Text r(w.alloc());
    EXPECT_EQ(w.dom0().call(XS_IS_DOMAIN_INTRODUCED, str(z("5")), &r), Err::none);
    EXPECT_EQ(text(r), z("T"));
    EXPECT_EQ(w.dom0().call(XS_IS_DOMAIN_INTRODUCED, str(z("6")), &r), Err::none);
    EXPECT_EQ(text(r), z("F"));
    EXPECT_EQ(w.dom0().call(XS_IS_DOMAIN_INTRODUCED, str(z("0")), &r), Err::none);
    EXPECT_EQ(text(r), z("T"));
    // INTRODUCE again (as after resume): same domain, connection reset.
    w.call(g, XS_WATCH, z({"data", "t"}));
    EXPECT_EQ(w.dom0().call(XS_INTRODUCE, str(z({"5", "4096", "15"})), &r), Err::none);
    EXPECT_EQ(w.xs().usage(5)->watches, 0u);
    EXPECT_EQ(w.xs().connections(), 2u); // dom0's local one and 5's
}

TEST_F(XenstoreDomain, GivenIntroduceWithBadArgumentsWhenSentThenEinval)
{
    World& w = world();
    toolstack::Text r(w.alloc());
    EXPECT_EQ(w.dom0().call(XS_INTRODUCE, str(z({"5", "4096"})), &r), Err::einval);
    EXPECT_EQ(w.dom0().call(XS_INTRODUCE, str(z({"x", "4096", "15"})), &r), Err::einval);
    EXPECT_EQ(w.dom0().call(XS_INTRODUCE, str(z({"5", "4096", "0"})), &r), Err::einval);
    EXPECT_EQ(w.dom0().call(XS_INTRODUCE, str(z({"70000", "4096", "15"})), &r), Err::einval);
    // No such guest to map.
    EXPECT_EQ(w.dom0().call(XS_INTRODUCE, str(z({"9", "4096", "19"})), &r), Err::einval);
    EXPECT_FALSE(w.xs().introduced(9));
}

TEST_F(XenstoreDomain, GivenGuestWhenItSendsPrivilegedRequestsThenEacces)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.add_guest(4);
    EXPECT_TRUE(w.call(g, XS_INTRODUCE, z({"7", "1", "2"})).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_RELEASE, z("4")).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_RESUME, z("4")).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_SET_TARGET, z({"3", "4"})).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_IS_DOMAIN_INTRODUCED, z("4")).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_CONTROL, z("check")).is_error("EACCES"));
    EXPECT_TRUE(w.xs().introduced(4));
}

TEST_F(XenstoreDomain, GivenAnyDomidWhenAskedForItsPathThenTheLocalDomainPath)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_EQ(w.call(g, XS_GET_DOMAIN_PATH, z("3")).payload, z("/local/domain/3"));
    EXPECT_EQ(w.call(g, XS_GET_DOMAIN_PATH, z("65535")).payload, z("/local/domain/65535"));
    EXPECT_TRUE(w.call(g, XS_GET_DOMAIN_PATH, z("65536")).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_GET_DOMAIN_PATH, z("-1")).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_GET_DOMAIN_PATH, "3").is_error("EINVAL"));
}

TEST_F(XenstoreDomain, GivenReleasedDomainThenItsWatchesTransactionsAndConnectionGo)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WATCH, z({"/local/domain", "t"}));
    w.call(g, XS_TRANSACTION_START, z(""));
    w.call(g, XS_WRITE, z("data/mine") + "1");
    toolstack::Text r(w.alloc());
    ASSERT_EQ(w.dom0().call(XS_RELEASE, str(z("3")), &r), Err::none);
    EXPECT_FALSE(w.xs().introduced(3));
    EXPECT_FALSE(g.mapped);
    EXPECT_EQ(g.local_port, 0u);
    EXPECT_EQ(w.xs().usage(3), nullptr); // nothing charged to it any more
    EXPECT_EQ(w.dom0().call(XS_RELEASE, str(z("3")), &r), Err::enoent);
    EXPECT_EQ(w.dom0().call(XS_RELEASE, str(z("0")), &r), Err::einval);
}

TEST_F(XenstoreDomain, GivenReleasedDomainThenItsOwnNodesGoAndTheControlDomainsStay)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/mine/deep") + "1");
    ASSERT_EQ(w.dom0().write("/local/domain/3/name", "guest"), Err::none);
    ASSERT_EQ(w.xs().release(3), Err::none);
    EXPECT_EQ(w.dom0_read("/local/domain/3/data"), "<ENOENT>");
    EXPECT_EQ(w.dom0_read("/local/domain/3/name"), "guest");
    // Entries naming it are gone, so a new domain 3 inherits nothing.
    EXPECT_EQ(perms("/local/domain/3"), "n0 ");
    ASSERT_EQ(remove_domain_tree(w.xs(), 3), Err::none);
    EXPECT_EQ(w.dom0_read("/local/domain/3"), "<ENOENT>");
}

TEST_F(XenstoreDomain, GivenSpecialNodeOwnedByADomainWhenReleasedThenItStaysWithTheControlDomain)
{
    // Found by xenstore_fuzz: the release removed what the domain owned,
    // special nodes included, which then no watch could be set on. As
    // Xen's xenstored, a special node only loses the domain's entries.
    World& w = world();
    w.add_guest(3);
    xs::Perm owner[] = {{3, xs::perm_none, 0}};
    ASSERT_EQ(w.dom0().set_perms("@releaseDomain", owner, 1), Err::none);
    EXPECT_EQ(perms("@releaseDomain"), "n3 ");
    ASSERT_EQ(w.xs().release(3), Err::none);
    EXPECT_EQ(perms("@releaseDomain"), "n0 ");
    EXPECT_EQ(w.xs().check().problems, 0u) << w.xs().check().first;
}

TEST_F(XenstoreDomain, GivenKeepOrphansWhenDomainReleasedThenItsNodesPassToTheControlDomain)
{
    xs::Config c;
    c.keep_orphans = true;
    World& w = world(c);
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/mine") + "1");
    ASSERT_EQ(w.xs().release(3), Err::none);
    EXPECT_EQ(w.dom0_read("/local/domain/3/data/mine"), "1");
    EXPECT_EQ(perms("/local/domain/3/data/mine"), "n0 ");
}

TEST_F(XenstoreDomain, GivenReleasedDomainWhenOthersWatchItsNodesThenTheyHearOfTheRemoval)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    w.call(g, XS_WRITE, z("data/mine") + "1");
    ASSERT_EQ(w.dom0().watch("/local/domain/3/data/mine", "gone"), Err::none);
    toolstack::Text p(w.alloc()), t(w.alloc());
    ASSERT_TRUE(w.dom0().next_event(p, t));
    ASSERT_EQ(w.xs().release(3), Err::none);
    ASSERT_TRUE(w.dom0().next_event(p, t));
    EXPECT_EQ(text(p), "/local/domain/3/data/mine");
}

TEST_F(XenstoreDomain, GivenTargetWhenSetThenTheDomainActsForItsTarget)
{
    World& w = world();
    Guest& stub = w.add_guest(3);
    Guest& g = w.add_guest(4);
    w.call(g, XS_WRITE, z("data/x") + "1");
    EXPECT_TRUE(w.call(stub, XS_READ, z("/local/domain/4/data/x")).is_error("EACCES"));
    toolstack::Text r(w.alloc());
    ASSERT_EQ(w.dom0().call(XS_SET_TARGET, str(z({"3", "4"})), &r), Err::none);
    EXPECT_EQ(w.read(stub, "/local/domain/4/data/x"), "1");
    EXPECT_EQ(w.read(stub, "/local/domain/4"), ""); // 4's read entry
    EXPECT_EQ(w.call(stub, XS_WRITE, z("/local/domain/4/data/y") + "2").payload, z("OK"));
    EXPECT_EQ(w.dom0().call(XS_SET_TARGET, str(z({"3", "9"})), &r), Err::enoent);
    EXPECT_EQ(w.dom0().call(XS_SET_TARGET, str(z("3")), &r), Err::einval);
    // The target gone, the stub domain loses its rights.
    ASSERT_EQ(w.xs().release(4), Err::none);
    ASSERT_EQ(w.dom0().write("/local/domain/4/data/z", "1"), Err::none);
    xs::Perm p4[] = {{4, xs::perm_none, 0}};
    ASSERT_EQ(w.dom0().set_perms("/local/domain/4/data/z", p4, 1), Err::none);
    EXPECT_TRUE(w.call(stub, XS_READ, z("/local/domain/4/data/z")).is_error("EACCES"));
}

TEST_F(XenstoreDomain, GivenResumeWhenDomainUnknownThenEnoent)
{
    World& w = world();
    toolstack::Text r(w.alloc());
    EXPECT_EQ(w.dom0().call(XS_RESUME, str(z("8")), &r), Err::enoent);
    EXPECT_EQ(w.dom0().call(XS_RESUME, str(z("0")), &r), Err::einval);
    EXPECT_EQ(w.dom0().call(XS_RESUME, str(z("x")), &r), Err::einval);
}

TEST_F(XenstoreDomain, GivenNewDomainWhenItsTreeIsBuiltThenLibxlsLayoutAndPermissions)
{
    World& w = world();
    xs::Domain_info info;
    info.domid = 7;
    info.name = "web";
    info.uuid = "6c1e0d4a-0000-4000-8000-000000000007";
    info.memory_kb = 262144;
    info.vcpus = 2;
    info.console_port = 3;
    info.console_mfn = 0x1234;
    info.store_port = 2;
    info.store_mfn = 0x1233;
    ASSERT_EQ(build_domain_tree(w.xs(), info), Err::none);
    std::string d = "/local/domain/7";
    EXPECT_EQ(w.dom0_read(d + "/name"), "web");
    EXPECT_EQ(w.dom0_read(d + "/domid"), "7");
    EXPECT_EQ(w.dom0_read(d + "/vm"), "/vm/6c1e0d4a-0000-4000-8000-000000000007");
    EXPECT_EQ(w.dom0_read("/vm/6c1e0d4a-0000-4000-8000-000000000007/name"), "web");
    EXPECT_EQ(w.dom0_read(d + "/memory/target"), "262144");
    EXPECT_EQ(w.dom0_read(d + "/memory/static-max"), "262144");
    EXPECT_EQ(w.dom0_read(d + "/cpu/1/availability"), "online");
    EXPECT_EQ(w.dom0_read(d + "/console/ring-ref"), std::to_string(0x1234));
    EXPECT_EQ(w.dom0_read(d + "/console/port"), "3");
    EXPECT_EQ(w.dom0_read(d + "/console/limit"), "1048576");
    EXPECT_EQ(w.dom0_read(d + "/console/type"), "xenconsoled");
    EXPECT_EQ(w.dom0_read(d + "/store/ring-ref"), std::to_string(0x1233));
    EXPECT_EQ(perms(d), "n0 r7 ");
    EXPECT_EQ(perms(d + "/name"), "n0 r7 ");
    EXPECT_EQ(perms(d + "/console"), "n7 r0 ");
    EXPECT_EQ(perms(d + "/console/ring-ref"), "n0 r7 ");
    EXPECT_EQ(perms(d + "/control"), "n0 r7 ");
    EXPECT_EQ(perms(d + "/control/shutdown"), "n7 ");
    EXPECT_EQ(perms(d + "/device"), "n0 r7 ");
    EXPECT_EQ(perms(d + "/data"), "n7 ");
    EXPECT_EQ(perms("/vm/6c1e0d4a-0000-4000-8000-000000000007"), "n0 r7 ");
}

TEST_F(XenstoreDomain, GivenBuiltTreeWhenTheGuestComesUpThenItCanDoWhatAPvKernelDoes)
{
    World& w = world();
    xs::Domain_info info;
    info.domid = 7;
    info.name = "pv";
    ASSERT_EQ(build_domain_tree(w.xs(), info), Err::none);
    Guest& g = w.add_guest(7, false);
    EXPECT_EQ(w.read(g, "name"), "pv");
    EXPECT_EQ(w.read(g, "console/type"), "xenconsoled");
    EXPECT_TRUE(w.call(g, XS_WRITE, z("name") + "renamed").is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_WRITE, z("console/ring-ref") + "0").is_error("EACCES"));
    EXPECT_EQ(w.call(g, XS_WRITE, z("control/shutdown") + "poweroff").payload, z("OK"));
    EXPECT_EQ(w.call(g, XS_WRITE, z("data/updated") + "1").payload, z("OK"));
    EXPECT_EQ(w.call(g, XS_WATCH, z({"control/shutdown", "sd"})).payload, z("OK"));
    EXPECT_EQ(w.call(g, XS_WRITE, z("device/vbd/768/state") + "1").is_error("EACCES"), true);
    EXPECT_EQ(w.call(g, XS_WRITE, z("/local/domain/8/x") + "1").is_error("EACCES"), true);
    // The toolstack tells it to shut down; it hears.
    g.events.clear();
    w.run();
    g.drain();
    g.events.clear();
    ASSERT_EQ(w.dom0().write("/local/domain/7/control/shutdown", "reboot"), Err::none);
    w.run();
    g.drain();
    ASSERT_EQ(g.events.size(), 1u);
    EXPECT_EQ(g.events[0].strings()[0], "control/shutdown");
    // Built again for a new domain with the same id: fresh.
    ASSERT_EQ(w.xs().release(7), Err::none);
    ASSERT_EQ(build_domain_tree(w.xs(), info), Err::none);
    EXPECT_EQ(w.dom0_read("/local/domain/7/data/updated"), "<ENOENT>");
    EXPECT_EQ(w.dom0_read("/local/domain/7/control/shutdown"), "");
}
