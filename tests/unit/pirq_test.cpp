// PIRQ core: PHYSDEVOP map/unmap/eoi/status/setup_gsi and EVTCHNOP
// bind_pirq against a fake IO-APIC, with Xen's errnos and its EOI
// protocol (level lines masked until the guest's EOI, edge never).
#include <gtest/gtest.h>

#include "fake_domain.hpp"

#include <memory>
#include <vector>

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/event/pirq.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {


Fake_domain* doms[2];

// The fake IO-APIC: 24 GSIs, 0/2/3/4 the hypervisor's, GSI 9 and up level.
struct Fake_ioapic {
    bool routed[24] = {};
    bool masked[24] = {};
    Gsi_mode mode[24] = {};
    unsigned enables = 0, disables = 0, unmasks = 0;
    bool refuse = false;
} io;

Domain* lookup(uint16_t id)
{
    for (Fake_domain* f : doms)
        if (f && f->d.id == id)
            return &f->d;
    return nullptr;
}
uint32_t gsi_limit() { return 24; }
bool gsi_reserved(uint32_t g) { return g == 0 || g == 2 || g == 3 || g == 4; }
Gsi_mode default_mode(uint32_t g) { return g >= 9 ? Gsi_mode{true, g >= 16} : Gsi_mode{}; }
bool enable(uint32_t g, Gsi_mode m)
{
    if (io.refuse)
        return false;
    ++io.enables;
    io.routed[g] = true;
    io.masked[g] = false;
    io.mode[g] = m;
    return true;
}
void disable(uint32_t g)
{
    ++io.disables;
    io.routed[g] = false;
    io.masked[g] = true;
}
void mask(uint32_t g) { io.masked[g] = true; }
void unmask(uint32_t g)
{
    ++io.unmasks;
    io.masked[g] = false;
}
void kick(Vcpu&) {}

class Pirq_test : public ::testing::Test {
protected:
    void SetUp() override
    {
        io = Fake_ioapic{};
        for (unsigned i = 0; i < 2; ++i) {
            f[i] = std::make_unique<Fake_domain>();
            f[i]->setup(static_cast<uint16_t>(i), 2);
            pirq::init(f[i]->d);
            doms[i] = f[i].get();
        }
        evtchn::set_hooks({lookup, nullptr, kick, nullptr, lookup});
        Pirq_hw hw;
        hw.lookup = lookup;
        hw.gsi_limit = gsi_limit;
        hw.gsi_reserved = gsi_reserved;
        hw.default_mode = default_mode;
        hw.enable = enable;
        hw.disable = disable;
        hw.mask = mask;
        hw.unmask = unmask;
        pirq::set_hw(hw);
        pirq::reset_global();
    }
    void TearDown() override { doms[0] = doms[1] = nullptr; }

    Domain& d0() { return f[0]->d; }
    Domain& d1() { return f[1]->d; }

    long map(Domain& d, int32_t gsi, int32_t want = -1, int32_t type = MAP_PIRQ_TYPE_GSI,
             domid_t dom = DOMID_SELF)
    {
        physdev_map_pirq_t m{};
        m.domid = dom;
        m.type = type;
        m.index = gsi;
        m.pirq = want;
        long rc = pirq::map(d, m);
        return rc == 0 ? m.pirq : rc;
    }
    long bind(Domain& d, uint32_t p, uint32_t flags = 0)
    {
        evtchn_bind_pirq_t b{p, flags, 0};
        long rc = evtchn::bind_pirq(d, b);
        return rc == 0 ? b.port : rc;
    }
    bool pending(evtchn_port_t p) { return (f[0]->s.evtchn_pending[p / 32] >> (p % 32)) & 1; }
    void clear(evtchn_port_t p) { f[0]->s.evtchn_pending[p / 32] &= ~(1u << (p % 32)); }
    Pirq_state state(uint32_t p) { return pirq::find(d0(), p)->state; }

    std::unique_ptr<Fake_domain> f[2];
};

TEST_F(Pirq_test, MapGivesTheGsiAsPirqOrTheOneAskedFor)
{
    EXPECT_EQ(map(d0(), 8), 8);
    EXPECT_EQ(pirq::find(d0(), 8)->gsi, 8);
    EXPECT_EQ(map(d0(), 10, 40), 40);
    EXPECT_EQ(pirq::find(d0(), 40)->gsi, 10);
    EXPECT_EQ(state(40), Pirq_state::unbound);
    EXPECT_EQ(map(d0(), 8, 8), 8) << "the same mapping again is accepted";
}

TEST_F(Pirq_test, MapRejectionsUseXensErrnos)
{
    EXPECT_EQ(map(d0(), 24), -XEN_EINVAL) << "GSI past the IO-APICs";
    EXPECT_EQ(map(d0(), -1), -XEN_EINVAL);
    EXPECT_EQ(map(d0(), 8, 256), -XEN_EINVAL) << "pirq past the table";
    for (int32_t g : {0, 2, 3, 4})
        EXPECT_EQ(map(d0(), g), -XEN_EPERM) << "hypervisor GSI " << g;
    EXPECT_EQ(map(d0(), 8, -1, MAP_PIRQ_TYPE_UNKNOWN), -XEN_EINVAL);
    EXPECT_EQ(map(d0(), 8, -1, 99), -XEN_EINVAL);
    EXPECT_EQ(map(d0(), 8, -1, MAP_PIRQ_TYPE_MSI), -XEN_ENOSYS);
    EXPECT_EQ(map(d1(), 8), -XEN_EPERM) << "unprivileged";
    EXPECT_EQ(map(d0(), 8, -1, MAP_PIRQ_TYPE_GSI, 7), -XEN_ESRCH);
    EXPECT_EQ(pirq::find(d0(), 8)->state, Pirq_state::unmapped) << "nothing mapped by a refusal";
}

TEST_F(Pirq_test, MapConflictsAreEexist)
{
    ASSERT_EQ(map(d0(), 8), 8);
    EXPECT_EQ(map(d0(), 8, 30), -XEN_EEXIST) << "GSI already behind another pirq";
    EXPECT_EQ(map(d0(), 10, 8), -XEN_EEXIST) << "pirq already names another GSI";
    EXPECT_EQ(map(d0(), 8, 9, MAP_PIRQ_TYPE_GSI, 1), -XEN_EEXIST) << "GSI owned by dom0 already";
}

TEST_F(Pirq_test, BindRoutesAndClosingUnroutes)
{
    ASSERT_EQ(map(d0(), 8), 8);
    long port = bind(d0(), 8, BIND_PIRQ__WILL_SHARE);
    ASSERT_GT(port, 0);
    EXPECT_TRUE(io.routed[8]);
    EXPECT_FALSE(io.masked[8]);
    EXPECT_EQ(state(8), Pirq_state::bound);
    EXPECT_EQ(pirq::find(d0(), 8)->flags, Pirq::will_share);
    evtchn_status_t s{};
    s.dom = DOMID_SELF;
    s.port = static_cast<evtchn_port_t>(port);
    ASSERT_EQ(evtchn::status(d0(), s), 0);
    EXPECT_EQ(s.status, EVTCHNSTAT_pirq);
    EXPECT_EQ(s.u.pirq, 8u);
    EXPECT_EQ(bind(d0(), 8), -XEN_EEXIST);
    ASSERT_EQ(evtchn::close(d0(), static_cast<evtchn_port_t>(port)), 0);
    EXPECT_FALSE(io.routed[8]);
    EXPECT_TRUE(io.masked[8]);
    EXPECT_EQ(state(8), Pirq_state::unbound);
    EXPECT_GT(bind(d0(), 8), 0) << "bindable again after close";
}

TEST_F(Pirq_test, BindRejections)
{
    EXPECT_EQ(bind(d0(), 8), -XEN_EPERM) << "unmapped pirq";
    EXPECT_EQ(bind(d0(), 256), -XEN_EINVAL);
    ASSERT_EQ(map(d0(), 8), 8);
    io.refuse = true;
    EXPECT_EQ(bind(d0(), 8), -XEN_EIO);
    EXPECT_EQ(state(8), Pirq_state::unbound);
    evtchn_status_t s{};
    s.dom = DOMID_SELF;
    s.port = 1;
    ASSERT_EQ(evtchn::status(d0(), s), 0);
    EXPECT_EQ(s.status, EVTCHNSTAT_closed) << "the port taken for a failed bind is freed";
}

TEST_F(Pirq_test, EdgeInterruptRaisesThePortWithoutMasking)
{
    ASSERT_EQ(map(d0(), 8), 8);
    long port = bind(d0(), 8);
    ASSERT_GT(port, 0);
    auto p = static_cast<evtchn_port_t>(port);
    pirq::interrupt(8);
    EXPECT_TRUE(pending(p));
    EXPECT_FALSE(io.masked[8]);
    EXPECT_EQ(state(8), Pirq_state::in_flight);
    clear(p);
    pirq::interrupt(8);
    EXPECT_TRUE(pending(p)) << "edge lines keep arriving without an EOI";
    EXPECT_EQ(pirq::eoi(d0(), 8), 0);
    EXPECT_EQ(state(8), Pirq_state::bound);
    EXPECT_EQ(io.unmasks, 0u);
}

TEST_F(Pirq_test, LevelInterruptIsMaskedUntilEoi)
{
    ASSERT_EQ(map(d0(), 11), 11);
    long port = bind(d0(), 11);
    ASSERT_GT(port, 0);
    EXPECT_TRUE(io.mode[11].level);
    pirq::interrupt(11);
    EXPECT_TRUE(pending(static_cast<evtchn_port_t>(port)));
    EXPECT_TRUE(io.masked[11]);
    EXPECT_EQ(state(11), Pirq_state::masked);
    EXPECT_EQ(pirq::eoi(d0(), 11), 0);
    EXPECT_FALSE(io.masked[11]);
    EXPECT_EQ(state(11), Pirq_state::bound);
    EXPECT_EQ(io.unmasks, 1u);
    EXPECT_EQ(pirq::eoi(d0(), 11), 0) << "a second EOI is harmless";
    EXPECT_EQ(io.unmasks, 1u);
}

TEST_F(Pirq_test, SetupGsiChangesTheModeOfTheNextBind)
{
    physdev_setup_gsi_t s{8, 1, 0};
    EXPECT_EQ(pirq::setup_gsi(d1(), s), -XEN_EPERM);
    physdev_setup_gsi_t bad{24, 1, 0};
    EXPECT_EQ(pirq::setup_gsi(d0(), bad), -XEN_EINVAL);
    physdev_setup_gsi_t mine{2, 1, 0};
    EXPECT_EQ(pirq::setup_gsi(d0(), mine), -XEN_EPERM);
    ASSERT_EQ(pirq::setup_gsi(d0(), s), 0);
    ASSERT_EQ(map(d0(), 8), 8);
    ASSERT_GT(bind(d0(), 8), 0);
    EXPECT_TRUE(io.mode[8].level);
    EXPECT_FALSE(io.mode[8].active_low);
}

TEST_F(Pirq_test, InterruptWithoutBindingMasksTheLine)
{
    ASSERT_EQ(map(d0(), 8), 8);
    pirq::interrupt(8);
    EXPECT_TRUE(io.masked[8]);
    pirq::interrupt(12);
    EXPECT_TRUE(io.masked[12]);
    for (const auto& w : f[0]->s.evtchn_pending)
        EXPECT_EQ(w, 0u);
}

TEST_F(Pirq_test, UnmapForceUnbindsAndTheStalePortCannotUnbindANewBinding)
{
    ASSERT_EQ(map(d0(), 8), 8);
    long old_port = bind(d0(), 8);
    ASSERT_GT(old_port, 0);
    physdev_unmap_pirq_t u{DOMID_SELF, 8};
    ASSERT_EQ(pirq::unmap(d0(), u), 0);
    EXPECT_FALSE(io.routed[8]);
    EXPECT_EQ(state(8), Pirq_state::unmapped);
    EXPECT_EQ(pirq::unmap(d0(), u), -XEN_EINVAL) << "not mapped any more";
    ASSERT_EQ(map(d0(), 8), 8);
    long port = bind(d0(), 8);
    ASSERT_GT(port, 0);
    ASSERT_EQ(evtchn::close(d0(), static_cast<evtchn_port_t>(old_port)), 0);
    EXPECT_TRUE(io.routed[8]) << "closing the stale port left the new binding alone";
    EXPECT_EQ(state(8), Pirq_state::bound);
}

TEST_F(Pirq_test, UnmapEoiAndStatusRejections)
{
    physdev_unmap_pirq_t u{DOMID_SELF, 300};
    EXPECT_EQ(pirq::unmap(d0(), u), -XEN_EINVAL);
    u.pirq = -1;
    EXPECT_EQ(pirq::unmap(d0(), u), -XEN_EINVAL);
    physdev_unmap_pirq_t other{9, 8};
    EXPECT_EQ(pirq::unmap(d0(), other), -XEN_ESRCH);
    physdev_unmap_pirq_t unpriv{DOMID_SELF, 8};
    EXPECT_EQ(pirq::unmap(d1(), unpriv), -XEN_EPERM);
    EXPECT_EQ(pirq::eoi(d0(), 8), -XEN_EINVAL) << "EOI of an unmapped pirq";
    EXPECT_EQ(pirq::eoi(d0(), 256), -XEN_EINVAL);
    physdev_irq_status_query_t q{256, 0};
    EXPECT_EQ(pirq::status_query(d0(), q), -XEN_EINVAL);
    q.irq = 8;
    EXPECT_EQ(pirq::status_query(d0(), q), 0);
    EXPECT_EQ(q.flags, XENIRQSTAT_needs_eoi);
}

TEST_F(Pirq_test, ResetUnbindsEveryPirq)
{
    ASSERT_EQ(map(d0(), 8), 8);
    ASSERT_EQ(map(d0(), 11), 11);
    ASSERT_GT(bind(d0(), 8), 0);
    ASSERT_GT(bind(d0(), 11), 0);
    ASSERT_EQ(evtchn::reset(d0(), DOMID_SELF), 0);
    EXPECT_FALSE(io.routed[8]);
    EXPECT_FALSE(io.routed[11]);
    EXPECT_EQ(state(8), Pirq_state::unbound);
    EXPECT_EQ(io.disables, 2u);
}

} // namespace

// Teardown (domain_kill): every pirq of the domain loses its GSI, which
// another domain may then map; a dying domain maps none.
TEST_F(Pirq_test, ReleaseAllUnmapsEveryPirqAndFreesItsGsi)
{
    ASSERT_EQ(map(d0(), 9), 9);
    ASSERT_EQ(map(d0(), 10), 10);
    ASSERT_GT(bind(d0(), 9), 0);
    ASSERT_TRUE(io.routed[9]);
    unsigned disables = io.disables;
    pirq::release_all(d0());
    EXPECT_EQ(state(9), Pirq_state::unmapped);
    EXPECT_EQ(state(10), Pirq_state::unmapped);
    EXPECT_FALSE(io.routed[9]);
    EXPECT_EQ(io.disables, disables + 1) << "only the bound one was routed";
    d0().life = Domain_life::dying;
    EXPECT_EQ(map(d0(), 11), -XEN_ESRCH);
    d0().life = Domain_life::alive;
    EXPECT_EQ(map(d0(), 9), 9) << "the GSI is free again";
}
