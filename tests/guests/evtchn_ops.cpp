// HYPERVISOR_event_channel_op: every 2-level op, each rejection with Xen's
// errno, a ping-pong through an interdomain channel bound to this domain
// itself, and an upcall delivered when events are unmasked.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

int32_t evtchn(uint32_t cmd, void* arg) { return hc::event_channel_op(cmd, arg); }

bool pending(evtchn_port_t p)
{
    return (__atomic_load_n(&guest_shared_info()->evtchn_pending[p / 32], __ATOMIC_SEQ_CST) >> (p % 32)) & 1;
}

void clear_pending(evtchn_port_t p)
{
    __atomic_and_fetch(&guest_shared_info()->evtchn_pending[p / 32], ~(1u << (p % 32)), __ATOMIC_SEQ_CST);
}

evtchn_port_t alloc_unbound(domid_t remote)
{
    evtchn_alloc_unbound_t a = {DOMID_SELF, remote, 0};
    CHECK_EQ(evtchn(EVTCHNOP_alloc_unbound, &a), 0, "alloc_unbound");
    return a.port;
}

evtchn_status_t status(evtchn_port_t p)
{
    evtchn_status_t s = {};
    s.dom = DOMID_SELF;
    s.port = p;
    CHECK_EQ(evtchn(EVTCHNOP_status, &s), 0, "status");
    return s;
}

void test_alloc_and_status()
{
    evtchn_port_t p = alloc_unbound(DOMID_SELF);
    CHECK(p > 0, "alloc_unbound never gives port 0");
    evtchn_status_t s = status(p);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound, "  status: unbound");
    CHECK_EQ(s.u.unbound.dom, 0, "  status: offered to dom0 (DOMID_SELF resolved)");
    evtchn_alloc_unbound_t other = {5, 0, 0};
    CHECK_EQ(evtchn(EVTCHNOP_alloc_unbound, &other), -XEN_ESRCH, "alloc_unbound for a missing domain: -ESRCH");
    CHECK_EQ(evtchn(EVTCHNOP_alloc_unbound, reinterpret_cast<void*>(0x1000)), -XEN_EFAULT,
             "alloc_unbound, unmapped argument: -EFAULT");
    CHECK_EQ(evtchn(EVTCHNOP_alloc_unbound, reinterpret_cast<void*>(HYPERVISOR_VIRT_START)), -XEN_EFAULT,
             "alloc_unbound, hypervisor address: -EFAULT");
    s = {};
    s.dom = DOMID_SELF;
    s.port = 1024;
    CHECK_EQ(evtchn(EVTCHNOP_status, &s), -XEN_EINVAL, "status of port 1024: -EINVAL");
    s.port = 0;
    CHECK_EQ(evtchn(EVTCHNOP_status, &s), 0, "status of reserved port 0");
    CHECK_EQ(s.status, EVTCHNSTAT_closed, "  port 0 reads as closed");
    s.dom = 9;
    CHECK_EQ(evtchn(EVTCHNOP_status, &s), -XEN_ESRCH, "status in a missing domain: -ESRCH");
    evtchn_close_t c = {p};
    CHECK_EQ(evtchn(EVTCHNOP_close, &c), 0, "close unbound port");
    CHECK_EQ(evtchn(EVTCHNOP_close, &c), -XEN_EINVAL, "close it again: -EINVAL");
    c.port = 0;
    CHECK_EQ(evtchn(EVTCHNOP_close, &c), -XEN_EINVAL, "close port 0: -EINVAL");
    c.port = 5000;
    CHECK_EQ(evtchn(EVTCHNOP_close, &c), -XEN_EINVAL, "close port 5000: -EINVAL");
}

void test_self_loop_ping_pong()
{
    evtchn_port_t a = alloc_unbound(DOMID_SELF);
    evtchn_bind_interdomain_t b = {DOMID_SELF, a, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_interdomain, &b), 0, "bind_interdomain to our own unbound port");
    evtchn_status_t s = status(a);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain, "  remote end now interdomain");
    CHECK_EQ(s.u.interdomain.port, b.local_port, "  remote end points at the local port");
    CHECK(pending(b.local_port), "  the new local port is raised once");
    evtchn_bind_interdomain_t again = {DOMID_SELF, a, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_interdomain, &again), -XEN_EINVAL, "bind to a bound port: -EINVAL");
    again.remote_port = 700;
    CHECK_EQ(evtchn(EVTCHNOP_bind_interdomain, &again), -XEN_EINVAL, "bind to a free port: -EINVAL");
    again.remote_dom = 3;
    CHECK_EQ(evtchn(EVTCHNOP_bind_interdomain, &again), -XEN_ESRCH, "bind to a missing domain: -ESRCH");

    clear_pending(b.local_port);
    unsigned rounds = 0;
    for (unsigned i = 0; i < 20; ++i) {
        evtchn_send_t ping = {a};
        if (evtchn(EVTCHNOP_send, &ping) != 0 || !pending(b.local_port) || pending(a))
            break;
        clear_pending(b.local_port);
        evtchn_send_t pong = {b.local_port};
        if (evtchn(EVTCHNOP_send, &pong) != 0 || !pending(a) || pending(b.local_port))
            break;
        clear_pending(a);
        ++rounds;
    }
    CHECK_EQ(rounds, 20, "20 ping-pong rounds through the self-loop channel");

    evtchn_close_t c = {b.local_port};
    CHECK_EQ(evtchn(EVTCHNOP_close, &c), 0, "close one end");
    s = status(a);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound, "  the other end is unbound again");
    evtchn_send_t dropped = {a};
    CHECK_EQ(evtchn(EVTCHNOP_send, &dropped), 0, "send on an unbound port is dropped");
    c.port = a;
    CHECK_EQ(evtchn(EVTCHNOP_close, &c), 0, "close the other end");
}

void test_virq_ipi_vcpu()
{
    evtchn_bind_virq_t v = {VIRQ_DEBUG, 0, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_virq, &v), 0, "bind_virq VIRQ_DEBUG");
    CHECK_EQ(status(v.port).status, EVTCHNSTAT_virq, "  status: virq");
    CHECK_EQ(status(v.port).u.virq, VIRQ_DEBUG, "  status: which virq");
    evtchn_bind_virq_t twice = {VIRQ_DEBUG, 0, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_virq, &twice), -XEN_EEXIST, "bind VIRQ_DEBUG twice: -EEXIST");
    evtchn_bind_virq_t bad = {NR_VIRQS, 0, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_virq, &bad), -XEN_EINVAL, "bind_virq NR_VIRQS: -EINVAL");
    bad = {VIRQ_DOM_EXC, 1, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_virq, &bad), -XEN_EINVAL, "global VIRQ on vCPU 1: -EINVAL");
    bad = {VIRQ_TIMER, 7, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_virq, &bad), -XEN_ENOENT, "VIRQ_TIMER on missing vCPU 7: -ENOENT");
    evtchn_bind_virq_t exc = {VIRQ_DOM_EXC, 0, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_virq, &exc), 0, "bind_virq VIRQ_DOM_EXC (global)");
    evtchn_bind_vcpu_t bv = {exc.port, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_vcpu, &bv), 0, "bind_vcpu a global VIRQ to vCPU 0");
    bv = {v.port, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL, "bind_vcpu a per-vCPU VIRQ: -EINVAL");
    bv = {exc.port, 3};
    CHECK_EQ(evtchn(EVTCHNOP_bind_vcpu, &bv), -XEN_ENOENT, "bind_vcpu to missing vCPU 3: -ENOENT");
    evtchn_send_t sv = {v.port};
    CHECK_EQ(evtchn(EVTCHNOP_send, &sv), -XEN_EINVAL, "send on a VIRQ port: -EINVAL");

    evtchn_bind_ipi_t ipi = {0, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_ipi, &ipi), 0, "bind_ipi vCPU 0");
    CHECK_EQ(status(ipi.port).status, EVTCHNSTAT_ipi, "  status: ipi");
    bv = {ipi.port, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL, "bind_vcpu an IPI port: -EINVAL");
    evtchn_bind_ipi_t bad_ipi = {4, 0};
    CHECK_EQ(evtchn(EVTCHNOP_bind_ipi, &bad_ipi), -XEN_ENOENT, "bind_ipi missing vCPU 4: -ENOENT");

    // Masked: the send sets pending only; unmask then raises the upcall flags.
    vcpu_info_t* vi = vcpu0_info();
    shared_info_t* sh = guest_shared_info();
    __atomic_or_fetch(&sh->evtchn_mask[ipi.port / 32], 1u << (ipi.port % 32), __ATOMIC_SEQ_CST);
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    evtchn_send_t si = {ipi.port};
    CHECK_EQ(evtchn(EVTCHNOP_send, &si), 0, "send on a masked IPI port");
    CHECK(pending(ipi.port) && vi->evtchn_upcall_pending == 0, "  pending, but no upcall flagged");
    evtchn_unmask_t um = {ipi.port};
    CHECK_EQ(evtchn(EVTCHNOP_unmask, &um), 0, "unmask");
    CHECK(vi->evtchn_upcall_pending == 1 && (vi->evtchn_pending_sel >> (ipi.port / 32) & 1),
          "  unmask flags the upcall and selector");
    um.port = 2048;
    CHECK_EQ(evtchn(EVTCHNOP_unmask, &um), -XEN_EINVAL, "unmask port 2048: -EINVAL");

    // Unmask upcalls: the pending event is delivered to the callback at
    // once (on return from this very hypercall's neighbour).
    uint32_t before = event_upcalls();
    vi->evtchn_upcall_mask = 0;
    asm volatile("" ::: "memory");
    CHECK_EQ(hc::xen_version(XENVER_version), hc::xen_version(XENVER_version), "a hypercall while unmasked");
    CHECK(event_upcalls() > before, "  the pending IPI was delivered as an upcall");
    CHECK_EQ(vi->evtchn_upcall_mask, 1, "  the upcall left events masked");
    CHECK(!pending(ipi.port), "  the handler consumed the port");
    before = event_upcalls();
    CHECK_EQ(evtchn(EVTCHNOP_send, &si), 0, "send while masked");
    CHECK_EQ(event_upcalls(), before, "  no upcall while the vCPU mask is set");

    evtchn_reset_t r = {DOMID_SELF};
    CHECK_EQ(evtchn(EVTCHNOP_reset, &r), 0, "reset");
    CHECK_EQ(status(v.port).status, EVTCHNSTAT_closed, "  VIRQ port closed by reset");
    CHECK_EQ(status(ipi.port).status, EVTCHNSTAT_closed, "  IPI port closed by reset");
    CHECK_EQ(evtchn(EVTCHNOP_bind_virq, &twice), 0, "  VIRQ_DEBUG bindable again");
    r.dom = 11;
    CHECK_EQ(evtchn(EVTCHNOP_reset, &r), -XEN_ESRCH, "reset a missing domain: -ESRCH");
    evtchn_bind_pirq_t pirq = {3, 0, 0};
    // Xen's evtchn_bind_pirq: an unmapped pirq fails pirq_access_permitted
    // (the whole protocol is in the pirq guest).
    CHECK_EQ(evtchn(EVTCHNOP_bind_pirq, &pirq), -XEN_EPERM, "bind_pirq of an unmapped pirq: -EPERM");
    // The FIFO ABI is not offered: answered as a Xen without CONFIG_EVTCHN_FIFO.
    static evtchn_init_control_t ic = {};
    CHECK_EQ(evtchn(EVTCHNOP_init_control, &ic), -XEN_EOPNOTSUPP, "FIFO init_control: -EOPNOTSUPP");
    CHECK_EQ(evtchn(EVTCHNOP_init_control, reinterpret_cast<void*>(0xF5800000u)), -XEN_EFAULT,
             "  its argument in the hypervisor's area: -EFAULT first");
    static evtchn_expand_array_t ea = {};
    CHECK_EQ(evtchn(EVTCHNOP_expand_array, &ea), -XEN_EOPNOTSUPP, "FIFO expand_array: -EOPNOTSUPP");
    static evtchn_set_priority_t sp = {1, 0};
    CHECK_EQ(evtchn(EVTCHNOP_set_priority, &sp), -XEN_ENOSYS, "set_priority on the 2-level ABI: -ENOSYS");
    sp.port = 5000;
    CHECK_EQ(evtchn(EVTCHNOP_set_priority, &sp), -XEN_EINVAL, "  of a port out of range: -EINVAL");
    CHECK_EQ(evtchn(99, &pirq), -XEN_ENOSYS, "unknown op 99: -ENOSYS");
}

void test_port_limit()
{
    unsigned got = 0;
    for (unsigned i = 0; i < 1100; ++i) {
        evtchn_alloc_unbound_t a = {DOMID_SELF, DOMID_SELF, 0};
        int32_t rc = evtchn(EVTCHNOP_alloc_unbound, &a);
        if (rc == -XEN_ENOSPC)
            break;
        if (rc != 0 || a.port >= 1024)
            break;
        ++got;
    }
    CHECK(got > 1000 && got < 1024, "allocations stop below 1024 ports");
    evtchn_alloc_unbound_t a = {DOMID_SELF, DOMID_SELF, 0};
    CHECK_EQ(evtchn(EVTCHNOP_alloc_unbound, &a), -XEN_ENOSPC, "a full table: -ENOSPC");
    evtchn_reset_t r = {DOMID_SELF};
    CHECK_EQ(evtchn(EVTCHNOP_reset, &r), 0, "reset frees them all");
    CHECK(alloc_unbound(DOMID_SELF) < 4, "  low ports free again");
}

} // namespace

void guest_main(start_info_t*)
{
    if (guest_shared_info() == nullptr || vcpu0_info() == nullptr) {
        CHECK(false, "shared_info mapped");
        return;
    }
    test_alloc_and_status();
    test_self_loop_ping_pong();
    test_virq_ipi_vcpu();
    test_port_limit();
}
