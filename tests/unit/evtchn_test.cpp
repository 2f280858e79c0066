// Event channel core: each operation's effect and every rejection with
// Xen's errno, and the 2-level pending protocol in shared_info.
#include <gtest/gtest.h>

#include "fake_domain.hpp"

#include <memory>

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {


Fake_domain* doms[4];
unsigned kicks;

Domain* lookup(uint16_t id)
{
    for (Fake_domain* f : doms)
        if (f && f->d.id == id)
            return &f->d;
    return nullptr;
}

void kick(Vcpu&) { ++kicks; }

class Evtchn_test : public ::testing::Test {
protected:
    void SetUp() override
    {
        kicks = 0;
        for (unsigned i = 0; i < 2; ++i) {
            f[i] = std::make_unique<Fake_domain>();
            f[i]->setup(static_cast<uint16_t>(i), 2);
            doms[i] = f[i].get();
        }
        evtchn::set_hooks({lookup, nullptr, kick, nullptr, lookup});
    }
    void TearDown() override
    {
        doms[0] = doms[1] = nullptr;
    }
    Domain& d0() { return f[0]->d; }
    Domain& d1() { return f[1]->d; }
    shared_info& s0() { return f[0]->s; }

    evtchn_port_t unbound(Domain& d, domid_t remote)
    {
        evtchn_alloc_unbound_t a{DOMID_SELF, remote, 0};
        EXPECT_EQ(evtchn::alloc_unbound(d, a), 0);
        return a.port;
    }
    evtchn_status_t status_of(Domain& d, evtchn_port_t p)
    {
        evtchn_status_t s{};
        s.dom = DOMID_SELF;
        s.port = p;
        EXPECT_EQ(evtchn::status(d, s), 0);
        return s;
    }
    bool pending(const shared_info& s, evtchn_port_t p) { return (s.evtchn_pending[p / 32] >> (p % 32)) & 1; }

    std::unique_ptr<Fake_domain> f[2];
};

TEST_F(Evtchn_test, AllocUnboundGivesLowestFreePortAboveZero)
{
    EXPECT_EQ(unbound(d0(), DOMID_SELF), 1u);
    EXPECT_EQ(unbound(d0(), 1), 2u);
    evtchn_status_t s = status_of(d0(), 2);
    EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(s.u.unbound.dom, 1);
    EXPECT_EQ(status_of(d0(), 1).u.unbound.dom, 0) << "DOMID_SELF resolves to the caller";
}

TEST_F(Evtchn_test, AllocUnboundForOtherDomainNeedsPrivilegeAndExistence)
{
    evtchn_alloc_unbound_t a{0, 0, 0};
    EXPECT_EQ(evtchn::alloc_unbound(d1(), a), -XEN_EPERM);
    a.dom = 7;
    EXPECT_EQ(evtchn::alloc_unbound(d0(), a), -XEN_ESRCH);
    a.dom = 1;
    EXPECT_EQ(evtchn::alloc_unbound(d0(), a), 0);
    EXPECT_EQ(status_of(d1(), a.port).status, EVTCHNSTAT_unbound);
}

TEST_F(Evtchn_test, TableFullIsEnospc)
{
    d0().evtchn.max_port = 3;
    EXPECT_EQ(unbound(d0(), 0), 1u);
    EXPECT_EQ(unbound(d0(), 0), 2u);
    EXPECT_EQ(unbound(d0(), 0), 3u);
    evtchn_alloc_unbound_t a{DOMID_SELF, 0, 0};
    EXPECT_EQ(evtchn::alloc_unbound(d0(), a), -XEN_ENOSPC);
}

TEST_F(Evtchn_test, BindInterdomainToSelfConnectsBothEndsAndRaisesLocal)
{
    evtchn_port_t r = unbound(d0(), DOMID_SELF);
    evtchn_bind_interdomain_t b{DOMID_SELF, r, 0};
    ASSERT_EQ(evtchn::bind_interdomain(d0(), b), 0);
    EXPECT_NE(b.local_port, r);
    evtchn_status_t s = status_of(d0(), r);
    EXPECT_EQ(s.status, EVTCHNSTAT_interdomain);
    EXPECT_EQ(s.u.interdomain.port, b.local_port);
    EXPECT_TRUE(pending(s0(), b.local_port));
    // Ping-pong: a send on either end raises the other.
    s0().evtchn_pending[0] = 0;
    ASSERT_EQ(evtchn::send(d0(), r), 0);
    EXPECT_TRUE(pending(s0(), b.local_port));
    EXPECT_FALSE(pending(s0(), r));
    ASSERT_EQ(evtchn::send(d0(), b.local_port), 0);
    EXPECT_TRUE(pending(s0(), r));
}

TEST_F(Evtchn_test, BindInterdomainRejections)
{
    evtchn_bind_interdomain_t b{9, 1, 0};
    EXPECT_EQ(evtchn::bind_interdomain(d0(), b), -XEN_ESRCH);
    b = {1, 5, 0};
    EXPECT_EQ(evtchn::bind_interdomain(d0(), b), -XEN_EINVAL) << "remote port free";
    b = {1, 5000, 0};
    EXPECT_EQ(evtchn::bind_interdomain(d0(), b), -XEN_EINVAL) << "remote port out of range";
    evtchn_port_t for_other = unbound(d1(), 1);
    b = {1, for_other, 0};
    EXPECT_EQ(evtchn::bind_interdomain(d0(), b), -XEN_EINVAL) << "offered to another domain";
    evtchn_port_t ok = unbound(d1(), 0);
    b = {1, ok, 0};
    ASSERT_EQ(evtchn::bind_interdomain(d0(), b), 0);
    evtchn_bind_interdomain_t again{1, ok, 0};
    EXPECT_EQ(evtchn::bind_interdomain(d0(), again), -XEN_EINVAL) << "already bound";
}

TEST_F(Evtchn_test, CloseInterdomainLeavesPeerUnboundForCloser)
{
    evtchn_port_t r = unbound(d1(), 0);
    evtchn_bind_interdomain_t b{1, r, 0};
    ASSERT_EQ(evtchn::bind_interdomain(d0(), b), 0);
    ASSERT_EQ(evtchn::close(d0(), b.local_port), 0);
    EXPECT_EQ(status_of(d0(), b.local_port).status, EVTCHNSTAT_closed);
    evtchn_status_t s = status_of(d1(), r);
    EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(s.u.unbound.dom, 0);
    EXPECT_EQ(evtchn::send(d1(), r), 0) << "send on unbound is dropped silently";
}

TEST_F(Evtchn_test, CloseRejectsFreeReservedAndOutOfRange)
{
    EXPECT_EQ(evtchn::close(d0(), 0), -XEN_EINVAL);
    EXPECT_EQ(evtchn::close(d0(), 5), -XEN_EINVAL);
    EXPECT_EQ(evtchn::close(d0(), 1024), -XEN_EINVAL);
    evtchn_port_t p = unbound(d0(), 0);
    EXPECT_EQ(evtchn::close(d0(), p), 0);
    EXPECT_EQ(evtchn::close(d0(), p), -XEN_EINVAL) << "double close";
}

TEST_F(Evtchn_test, BindVirqRules)
{
    evtchn_bind_virq_t v{VIRQ_TIMER, 1, 0};
    ASSERT_EQ(evtchn::bind_virq(d0(), v), 0);
    evtchn_status_t s = status_of(d0(), v.port);
    EXPECT_EQ(s.status, EVTCHNSTAT_virq);
    EXPECT_EQ(s.u.virq, VIRQ_TIMER);
    EXPECT_EQ(s.vcpu, 1u);
    evtchn_bind_virq_t twice{VIRQ_TIMER, 1, 0};
    EXPECT_EQ(evtchn::bind_virq(d0(), twice), -XEN_EEXIST);
    evtchn_bind_virq_t other_vcpu{VIRQ_TIMER, 0, 0};
    EXPECT_EQ(evtchn::bind_virq(d0(), other_vcpu), 0);
    evtchn_bind_virq_t bad{NR_VIRQS, 0, 0};
    EXPECT_EQ(evtchn::bind_virq(d0(), bad), -XEN_EINVAL);
    evtchn_bind_virq_t global_on_1{VIRQ_CONSOLE, 1, 0};
    EXPECT_EQ(evtchn::bind_virq(d0(), global_on_1), -XEN_EINVAL);
    evtchn_bind_virq_t no_vcpu{VIRQ_DEBUG, 2, 0};
    EXPECT_EQ(evtchn::bind_virq(d0(), no_vcpu), -XEN_ENOENT);
    // Closing frees the VIRQ for a new binding.
    ASSERT_EQ(evtchn::close(d0(), v.port), 0);
    EXPECT_EQ(evtchn::bind_virq(d0(), twice), 0);
}

TEST_F(Evtchn_test, VirqDeliveryFollowsBinding)
{
    EXPECT_FALSE(evtchn::send_virq(*d0().vcpus[0], VIRQ_TIMER)) << "unbound VIRQ";
    evtchn_bind_virq_t v{VIRQ_TIMER, 1, 0};
    ASSERT_EQ(evtchn::bind_virq(d0(), v), 0);
    EXPECT_TRUE(evtchn::send_virq(*d0().vcpus[1], VIRQ_TIMER));
    EXPECT_TRUE(pending(s0(), v.port));
    EXPECT_EQ(s0().vcpu_info[1].evtchn_upcall_pending, 1);
    EXPECT_EQ(s0().vcpu_info[0].evtchn_upcall_pending, 0);
    evtchn_bind_virq_t c{VIRQ_CONSOLE, 0, 0};
    ASSERT_EQ(evtchn::bind_virq(d0(), c), 0);
    ASSERT_EQ(evtchn::bind_vcpu(d0(), c.port, 1), 0);
    s0().vcpu_info[1].evtchn_pending_sel = 0;
    s0().vcpu_info[1].evtchn_upcall_pending = 0;
    EXPECT_TRUE(evtchn::send_global_virq(d0(), VIRQ_CONSOLE));
    EXPECT_EQ(s0().vcpu_info[1].evtchn_upcall_pending, 1) << "global VIRQ follows bind_vcpu";
}

TEST_F(Evtchn_test, DomainExceptionGoesToDom0WhenBound)
{
    EXPECT_FALSE(evtchn::notify_domain_exception()) << "VIRQ_DOM_EXC not bound yet";
    evtchn_bind_virq_t d1v{VIRQ_DOM_EXC, 0, 0};
    ASSERT_EQ(evtchn::bind_virq(d1(), d1v), 0);
    EXPECT_FALSE(evtchn::notify_domain_exception()) << "bound by domain 1 only: not dom0";
    EXPECT_FALSE(pending(f[1]->s, d1v.port));
    evtchn_bind_virq_t v{VIRQ_DOM_EXC, 0, 0};
    ASSERT_EQ(evtchn::bind_virq(d0(), v), 0);
    EXPECT_TRUE(evtchn::notify_domain_exception());
    EXPECT_TRUE(pending(s0(), v.port));
    EXPECT_EQ(s0().vcpu_info[0].evtchn_upcall_pending, 1);
    doms[0] = nullptr;
    EXPECT_FALSE(evtchn::notify_domain_exception()) << "no dom0";
}

TEST_F(Evtchn_test, BindIpiAndSend)
{
    evtchn_bind_ipi_t i{1, 0};
    ASSERT_EQ(evtchn::bind_ipi(d0(), i), 0);
    EXPECT_EQ(status_of(d0(), i.port).status, EVTCHNSTAT_ipi);
    ASSERT_EQ(evtchn::send(d0(), i.port), 0);
    EXPECT_TRUE(pending(s0(), i.port));
    EXPECT_EQ(s0().vcpu_info[1].evtchn_upcall_pending, 1);
    EXPECT_EQ(kicks, 1u);
    evtchn_bind_ipi_t bad{2, 0};
    EXPECT_EQ(evtchn::bind_ipi(d0(), bad), -XEN_ENOENT);
}

TEST_F(Evtchn_test, SendRejectsFreeVirqAndOutOfRange)
{
    EXPECT_EQ(evtchn::send(d0(), 3), -XEN_EINVAL);
    EXPECT_EQ(evtchn::send(d0(), 0), -XEN_EINVAL);
    EXPECT_EQ(evtchn::send(d0(), 4096), -XEN_EINVAL);
    evtchn_bind_virq_t v{VIRQ_TIMER, 0, 0};
    ASSERT_EQ(evtchn::bind_virq(d0(), v), 0);
    EXPECT_EQ(evtchn::send(d0(), v.port), -XEN_EINVAL);
}

TEST_F(Evtchn_test, MaskedPortStaysQuietUntilUnmask)
{
    evtchn_bind_ipi_t i{0, 0};
    ASSERT_EQ(evtchn::bind_ipi(d0(), i), 0);
    s0().evtchn_mask[0] = 1u << i.port;
    ASSERT_EQ(evtchn::send(d0(), i.port), 0);
    EXPECT_TRUE(pending(s0(), i.port));
    EXPECT_EQ(s0().vcpu_info[0].evtchn_pending_sel, 0u);
    EXPECT_EQ(s0().vcpu_info[0].evtchn_upcall_pending, 0);
    ASSERT_EQ(evtchn::unmask(d0(), i.port), 0);
    EXPECT_EQ(s0().evtchn_mask[0], 0u);
    EXPECT_EQ(s0().vcpu_info[0].evtchn_pending_sel, 1u);
    EXPECT_EQ(s0().vcpu_info[0].evtchn_upcall_pending, 1);
    EXPECT_EQ(evtchn::unmask(d0(), 1024), -XEN_EINVAL);
}

TEST_F(Evtchn_test, SecondSendWhilePendingDoesNotKickAgain)
{
    evtchn_bind_ipi_t i{0, 0};
    ASSERT_EQ(evtchn::bind_ipi(d0(), i), 0);
    ASSERT_EQ(evtchn::send(d0(), i.port), 0);
    ASSERT_EQ(evtchn::send(d0(), i.port), 0);
    EXPECT_EQ(kicks, 1u);
}

TEST_F(Evtchn_test, SelectorBitIsThePortsWord)
{
    evtchn_alloc_unbound_t a{DOMID_SELF, DOMID_SELF, 0};
    for (unsigned n = 0; n < 40; ++n)
        ASSERT_EQ(evtchn::alloc_unbound(d0(), a), 0);
    evtchn_bind_ipi_t i{0, 0};
    ASSERT_EQ(evtchn::bind_ipi(d0(), i), 0);
    ASSERT_EQ(i.port, 41u);
    ASSERT_EQ(evtchn::send(d0(), i.port), 0);
    EXPECT_EQ(s0().vcpu_info[0].evtchn_pending_sel, 1u << 1);
    EXPECT_EQ(s0().evtchn_pending[1], 1u << 9);
}

TEST_F(Evtchn_test, BindVcpuRules)
{
    evtchn_port_t u = unbound(d0(), 0);
    EXPECT_EQ(evtchn::bind_vcpu(d0(), u, 1), 0);
    EXPECT_EQ(status_of(d0(), u).vcpu, 1u);
    EXPECT_EQ(evtchn::bind_vcpu(d0(), u, 2), -XEN_ENOENT);
    EXPECT_EQ(evtchn::bind_vcpu(d0(), 9, 0), -XEN_EINVAL);
    evtchn_bind_virq_t t{VIRQ_TIMER, 0, 0};
    ASSERT_EQ(evtchn::bind_virq(d0(), t), 0);
    EXPECT_EQ(evtchn::bind_vcpu(d0(), t.port, 1), -XEN_EINVAL) << "per-vCPU VIRQ";
    evtchn_bind_ipi_t i{0, 0};
    ASSERT_EQ(evtchn::bind_ipi(d0(), i), 0);
    EXPECT_EQ(evtchn::bind_vcpu(d0(), i.port, 1), -XEN_EINVAL) << "IPI";
}

TEST_F(Evtchn_test, StatusRejections)
{
    evtchn_status_t s{};
    s.dom = 0;
    s.port = 1;
    EXPECT_EQ(evtchn::status(d1(), s), -XEN_EPERM);
    s.dom = 12;
    EXPECT_EQ(evtchn::status(d0(), s), -XEN_ESRCH);
    s.dom = DOMID_SELF;
    s.port = 1024;
    EXPECT_EQ(evtchn::status(d0(), s), -XEN_EINVAL);
    s.port = 0;
    EXPECT_EQ(evtchn::status(d0(), s), 0);
    EXPECT_EQ(s.status, EVTCHNSTAT_closed);
}

TEST_F(Evtchn_test, ResetClosesEverythingAndClearsPending)
{
    evtchn_port_t r = unbound(d0(), DOMID_SELF);
    evtchn_bind_interdomain_t b{DOMID_SELF, r, 0};
    ASSERT_EQ(evtchn::bind_interdomain(d0(), b), 0);
    evtchn_bind_virq_t t{VIRQ_TIMER, 0, 0};
    ASSERT_EQ(evtchn::bind_virq(d0(), t), 0);
    ASSERT_EQ(evtchn::reset(d0(), DOMID_SELF), 0);
    for (evtchn_port_t p : {r, b.local_port, t.port})
        EXPECT_EQ(status_of(d0(), p).status, EVTCHNSTAT_closed);
    EXPECT_FALSE(pending(s0(), b.local_port));
    EXPECT_EQ(evtchn::bind_virq(d0(), t), 0) << "VIRQ slot freed";
    EXPECT_EQ(evtchn::reset(d1(), 0), -XEN_EPERM);
    EXPECT_EQ(evtchn::reset(d0(), 33), -XEN_ESRCH);
}

} // namespace

// Teardown (domain_kill): a dying domain gets no new port, whoever asks.
TEST_F(Evtchn_test, DyingDomainGetsNoNewPort)
{
    evtchn_port_t p = unbound(d1(), 0);
    d1().life = Domain_life::dying;
    evtchn_alloc_unbound_t a{DOMID_SELF, 0, 0};
    EXPECT_EQ(evtchn::alloc_unbound(d1(), a), -XEN_EINVAL);
    evtchn_alloc_unbound_t by_dom0{1, 0, 0};
    EXPECT_EQ(evtchn::alloc_unbound(d0(), by_dom0), -XEN_EINVAL);
    evtchn_bind_virq_t v{VIRQ_TIMER, 0, 0};
    EXPECT_EQ(evtchn::bind_virq(d1(), v), -XEN_EINVAL);
    // Its ports still close; the peer's side of a closed interdomain
    // channel becomes unbound (Xen's evtchn_destroy).
    evtchn_bind_interdomain_t b{1, p, 0};
    d1().life = Domain_life::alive;
    ASSERT_EQ(evtchn::bind_interdomain(d0(), b), 0);
    d1().life = Domain_life::dying;
    EXPECT_EQ(evtchn::close(d1(), p), 0);
    EXPECT_EQ(status_of(d0(), b.local_port).status, EVTCHNSTAT_unbound);
}
