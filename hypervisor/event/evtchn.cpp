// Event channel operations. Each one validates everything it was given
// under the lock(s), then changes state in steps that cannot fail. Errnos
// follow Xen's common/event_channel.c: an invalid or unusable port is
// -EINVAL, a missing domain -ESRCH, a missing vCPU -ENOENT, a VIRQ bound
// twice -EEXIST, a full table -ENOSPC, another domain without privilege
// -EPERM.
#include "hypervisor/event/evtchn.hpp"

#include "hypervisor/domain/held_domain.hpp"

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/pirq.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace evtchn {
namespace {

Evtchn_hooks hooks;

constexpr uint32_t bits = 32;

// Two domains' tables locked in domain-id order; the same domain once.
class Pair_lock {
public:
    Pair_lock(Domain& a, Domain& b) : first_(a.id <= b.id ? a : b), second_(a.id <= b.id ? b : a)
    {
        first_.evtchn.lock.lock();
        if (&second_ != &first_)
            second_.evtchn.lock.lock();
    }
    ~Pair_lock()
    {
        if (&second_ != &first_)
            second_.evtchn.lock.unlock();
        first_.evtchn.lock.unlock();
    }
    Pair_lock(const Pair_lock&) = delete;
    Pair_lock& operator=(const Pair_lock&) = delete;

private:
    Domain& first_;
    Domain& second_;
};

// Xen's port_is_valid: within the domain's limit. Ports of the table that
// were never used are simply free (Xen allocates them in buckets).
bool valid(const Domain& d, evtchn_port_t port)
{
    return port <= d.evtchn.max_port && port < Evtchn_table::nr_ports;
}

// Another domain an operation works on, held for the operation.
class Peer : public Held_domain {
public:
    Peer() = default;
    Peer(Domain& self, uint16_t id) : Held_domain(self, self.id, id, hooks.lookup, hooks.release) {}
};

// DOMID_SELF or the caller's own id: the caller; another domain only for
// a privileged caller (XSM_TARGET in Xen's dummy policy).
Peer target(Domain& cur, domid_t dom, long& err)
{
    Peer d(cur, dom == DOMID_SELF ? cur.id : dom);
    if (!d)
        err = -XEN_ESRCH;
    else if (d.get() != &cur && !cur.privileged) {
        err = -XEN_EPERM;
        return Peer();
    }
    return d;
}

long free_port(const Domain& d)
{
    // A dying domain's ports are being closed for good (Xen's
    // get_free_port on d->is_dying): none may be opened behind them.
    // Read under d's lock, which domain_kill takes once after setting it.
    if (d.life == Domain_life::dying || d.life == Domain_life::dead)
        return -XEN_EINVAL;
    for (uint32_t p = 1; valid(d, p); ++p)
        if (d.evtchn.ports[p].state == Evtchn_state::free)
            return p;
    return -XEN_ENOSPC;
}

bool test_and_set(xen_ulong_t* words, uint32_t bit)
{
    xen_ulong_t m = xen_ulong_t{1} << (bit % bits);
    // Sequentially consistent: pairs with the guest's locked clears, and
    // orders the pending bit before the selector and upcall flags.
    return (__atomic_fetch_or(&words[bit / bits], m, __ATOMIC_SEQ_CST) & m) != 0;
}

bool test_and_clear(xen_ulong_t* words, uint32_t bit)
{
    xen_ulong_t m = xen_ulong_t{1} << (bit % bits);
    return (__atomic_fetch_and(&words[bit / bits], ~m, __ATOMIC_SEQ_CST) & m) != 0;
}

bool test(const xen_ulong_t* words, uint32_t bit)
{
    return (__atomic_load_n(&words[bit / bits], __ATOMIC_SEQ_CST) >> (bit % bits)) & 1;
}

// The selector bit and the upcall flag for a port already pending.
void mark_pending(Vcpu& v, evtchn_port_t port)
{
    vcpu_info* vi = v.info;
    if (test_and_set(&vi->evtchn_pending_sel, port / bits))
        return;
    if (__atomic_exchange_n(&vi->evtchn_upcall_pending, uint8_t{1}, __ATOMIC_SEQ_CST) == 0 &&
        hooks.kick)
        hooks.kick(v);
}

void clear_pending(Domain& d, evtchn_port_t port)
{
    (void)test_and_clear(d.shared->evtchn_pending, port);
}

// Frees a bound port (lock(s) held): the VIRQ slot, the peer's side.
void unbind(Domain& d, evtchn_port_t port)
{
    Evtchn_port& p = d.evtchn.ports[port];
    switch (p.state) {
    case Evtchn_state::virq:
        for (auto& slots : d.evtchn.virq_port)
            if (slots[p.value] == port)
                slots[p.value] = 0;
        break;
    case Evtchn_state::interdomain: {
        Peer r(d, p.remote_dom);
        if (r) {
            Evtchn_port& rp = r->evtchn.ports[p.value];
            rp.state = Evtchn_state::unbound;
            rp.remote_dom = d.id;
            rp.value = 0;
        }
        break;
    }
    case Evtchn_state::pirq:
        pirq::unbind(d, p.value, port); // masks the GSI, gives its vector back
        break;
    default:
        break;
    }
    clear_pending(d, port);
    p = Evtchn_port{};
}

long bind_local(Domain& d, Evtchn_state st, uint32_t vcpu, uint16_t value)
{
    long port = free_port(d);
    if (port < 0)
        return port;
    Evtchn_port& p = d.evtchn.ports[port];
    p.state = st;
    p.vcpu = static_cast<uint8_t>(vcpu);
    p.value = value;
    p.remote_dom = d.id;
    return port;
}

} // namespace

void set_hooks(const Evtchn_hooks& h) { hooks = h; }

void init(Domain& d)
{
    Lock_guard<Spinlock> g(d.evtchn.lock);
    for (auto& p : d.evtchn.ports)
        p = Evtchn_port{};
    for (auto& slots : d.evtchn.virq_port)
        for (auto& s : slots)
            s = 0;
    d.evtchn.ports[0].state = Evtchn_state::reserved;
}

// Xen's virq_is_global: all but the per-vCPU timer, debug, profiling and
// PMU interrupts.
bool virq_is_global(uint32_t virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

long alloc_unbound(Domain& cur, evtchn_alloc_unbound_t& a)
{
    long err = 0;
    Peer d = target(cur, a.dom, err);
    if (!d)
        return err;
    domid_t remote = a.remote_dom == DOMID_SELF ? cur.id : a.remote_dom;
    Lock_guard<Spinlock> g(d->evtchn.lock);
    long port = free_port(*d.get());
    if (port < 0)
        return port;
    Evtchn_port& p = d->evtchn.ports[port];
    p.state = Evtchn_state::unbound;
    p.vcpu = 0;
    p.remote_dom = remote;
    p.value = 0;
    a.port = static_cast<evtchn_port_t>(port);
    return 0;
}

long bind_interdomain(Domain& cur, evtchn_bind_interdomain_t& a)
{
    domid_t rid = a.remote_dom == DOMID_SELF ? cur.id : a.remote_dom;
    Peer r(cur, rid);
    if (!r)
        return -XEN_ESRCH;
    Pair_lock g(cur, *r.get());
    long lport = free_port(cur);
    if (lport < 0)
        return lport;
    if (!valid(*r.get(), a.remote_port))
        return -XEN_EINVAL;
    Evtchn_port& rp = r->evtchn.ports[a.remote_port];
    if (rp.state != Evtchn_state::unbound || rp.remote_dom != cur.id)
        return -XEN_EINVAL;
    Evtchn_port& lp = cur.evtchn.ports[lport];
    lp.state = Evtchn_state::interdomain;
    lp.vcpu = 0;
    lp.remote_dom = rid;
    lp.value = static_cast<uint16_t>(a.remote_port);
    rp.state = Evtchn_state::interdomain;
    rp.remote_dom = cur.id;
    rp.value = static_cast<uint16_t>(lport);
    // A send on the remote side while it was unbound was dropped: raise the
    // new port once so the binder looks (Xen does the same).
    set_pending(cur, *cur.vcpus[0], static_cast<evtchn_port_t>(lport));
    a.local_port = static_cast<evtchn_port_t>(lport);
    return 0;
}

long bind_virq(Domain& cur, evtchn_bind_virq_t& a)
{
    if (a.virq >= NR_VIRQS)
        return -XEN_EINVAL;
    if (virq_is_global(a.virq) && a.vcpu != 0)
        return -XEN_EINVAL;
    if (a.vcpu >= cur.nr_vcpus)
        return -XEN_ENOENT;
    Lock_guard<Spinlock> g(cur.evtchn.lock);
    uint16_t& slot = cur.evtchn.virq_port[a.vcpu][a.virq];
    if (slot != 0)
        return -XEN_EEXIST;
    long port = bind_local(cur, Evtchn_state::virq, a.vcpu, static_cast<uint16_t>(a.virq));
    if (port < 0)
        return port;
    slot = static_cast<uint16_t>(port);
    a.port = static_cast<evtchn_port_t>(port);
    return 0;
}

long bind_ipi(Domain& cur, evtchn_bind_ipi_t& a)
{
    if (a.vcpu >= cur.nr_vcpus)
        return -XEN_ENOENT;
    Lock_guard<Spinlock> g(cur.evtchn.lock);
    long port = bind_local(cur, Evtchn_state::ipi, a.vcpu, 0);
    if (port < 0)
        return port;
    a.port = static_cast<evtchn_port_t>(port);
    return 0;
}

// Xen's evtchn_bind_pirq: range -EINVAL, unmapped or not the caller's
// -EPERM, bound already -EEXIST, then a free port; notifies vCPU 0.
long bind_pirq(Domain& cur, evtchn_bind_pirq_t& a)
{
    Lock_guard<Spinlock> g(cur.evtchn.lock);
    long rc = pirq::check_bind(cur, a.pirq);
    if (rc != 0)
        return rc;
    long port = bind_local(cur, Evtchn_state::pirq, 0, static_cast<uint16_t>(a.pirq));
    if (port < 0)
        return port;
    rc = pirq::bind(cur, a.pirq, static_cast<evtchn_port_t>(port), a.flags);
    if (rc != 0) {
        cur.evtchn.ports[port] = Evtchn_port{};
        return rc;
    }
    a.port = static_cast<evtchn_port_t>(port);
    return 0;
}

long close(Domain& cur, evtchn_port_t port)
{
    if (!valid(cur, port))
        return -XEN_EINVAL;
    for (;;) {
        // The peer must be locked too; which peer is only known under the
        // lock, so look, lock both, and re-check it did not change.
        Peer peer;
        {
            Lock_guard<Spinlock> g(cur.evtchn.lock);
            const Evtchn_port& p = cur.evtchn.ports[port];
            if (p.state == Evtchn_state::free || p.state == Evtchn_state::reserved)
                return -XEN_EINVAL;
            if (p.state != Evtchn_state::interdomain) {
                unbind(cur, port);
                return 0;
            }
            peer = Peer(cur, p.remote_dom);
            if (!peer)
                peer = Peer(cur, cur.id); // peer gone: only our side to free
        }
        Pair_lock g(cur, *peer.get());
        const Evtchn_port& p = cur.evtchn.ports[port];
        if (p.state == Evtchn_state::interdomain && p.remote_dom != peer->id && peer.get() != &cur)
            continue;
        if (p.state == Evtchn_state::free)
            return -XEN_EINVAL;
        unbind(cur, port);
        return 0;
    }
}

// Under the sender's lock only, as Xen's evtchn_send: a bound port keeps
// its peer alive and bound to it (evtchn_hooks::peek), and the pending and
// mask bits are a lock-free protocol the guest itself takes part in. The
// peer's notified vCPU is read once; EVTCHNOP_bind_vcpu may change it
// meanwhile, to another valid vCPU (Xen reads notify_vcpu_id so too).
long send(Domain& cur, evtchn_port_t port)
{
    if (!valid(cur, port))
        return -XEN_EINVAL;
    Lock_guard<Spinlock> g(cur.evtchn.lock);
    const Evtchn_port& p = cur.evtchn.ports[port];
    switch (p.state) {
    case Evtchn_state::ipi:
        set_pending(cur, *cur.vcpus[p.vcpu], port);
        return 0;
    case Evtchn_state::unbound:
        return 0; // nobody listens yet: dropped, as Xen does
    case Evtchn_state::interdomain: {
        Domain* d = hooks.peek(p.remote_dom);
        if (d == nullptr) // cannot be while the port is bound (above)
            return -XEN_EINVAL;
        Domain& peer = *d;
        uint8_t vcpu = __atomic_load_n(&peer.evtchn.ports[p.value].vcpu, __ATOMIC_RELAXED);
        set_pending(peer, *peer.vcpus[vcpu], p.value);
        return 0;
    }
    default:
        return -XEN_EINVAL;
    }
}

long status(Domain& cur, evtchn_status_t& s)
{
    long err = 0;
    Peer d = target(cur, s.dom, err);
    if (!d)
        return err;
    if (!valid(*d.get(), s.port))
        return -XEN_EINVAL;
    Lock_guard<Spinlock> g(d->evtchn.lock);
    const Evtchn_port& p = d->evtchn.ports[s.port];
    switch (p.state) {
    case Evtchn_state::free:
    case Evtchn_state::reserved: s.status = EVTCHNSTAT_closed; break;
    case Evtchn_state::unbound:
        s.status = EVTCHNSTAT_unbound;
        s.u.unbound.dom = p.remote_dom;
        break;
    case Evtchn_state::interdomain:
        s.status = EVTCHNSTAT_interdomain;
        s.u.interdomain.dom = p.remote_dom;
        s.u.interdomain.port = p.value;
        break;
    case Evtchn_state::pirq:
        s.status = EVTCHNSTAT_pirq;
        s.u.pirq = p.value;
        break;
    case Evtchn_state::virq:
        s.status = EVTCHNSTAT_virq;
        s.u.virq = p.value;
        break;
    case Evtchn_state::ipi: s.status = EVTCHNSTAT_ipi; break;
    }
    s.vcpu = p.vcpu;
    return 0;
}

long bind_vcpu(Domain& cur, evtchn_port_t port, uint32_t vcpu)
{
    if (vcpu >= cur.nr_vcpus)
        return -XEN_ENOENT;
    if (!valid(cur, port))
        return -XEN_EINVAL;
    Lock_guard<Spinlock> g(cur.evtchn.lock);
    Evtchn_port& p = cur.evtchn.ports[port];
    switch (p.state) {
    case Evtchn_state::virq:
        if (!virq_is_global(p.value))
            return -XEN_EINVAL;
        break;
    case Evtchn_state::unbound:
    case Evtchn_state::interdomain:
    case Evtchn_state::pirq:
        break;
    default:
        return -XEN_EINVAL;
    }
    p.vcpu = static_cast<uint8_t>(vcpu);
    return 0;
}

long unmask(Domain& cur, evtchn_port_t port)
{
    if (!valid(cur, port))
        return -XEN_EINVAL;
    Lock_guard<Spinlock> g(cur.evtchn.lock);
    Vcpu& v = *cur.vcpus[cur.evtchn.ports[port].vcpu];
    // Xen's evtchn_2l_unmask: an event that arrived while masked is
    // delivered now.
    if (test_and_clear(cur.shared->evtchn_mask, port) && test(cur.shared->evtchn_pending, port))
        mark_pending(v, port);
    return 0;
}

long reset(Domain& cur, domid_t dom)
{
    long err = 0;
    Peer d = target(cur, dom, err);
    if (!d)
        return err;
    for (evtchn_port_t port = 1; valid(*d.get(), port); ++port) {
        long rc = close(*d.get(), port);
        (void)rc; // -EINVAL for ports already free
    }
    return 0;
}

void set_pending(Domain& d, Vcpu& v, evtchn_port_t port)
{
    shared_info* s = d.shared;
    if (test_and_set(s->evtchn_pending, port))
        return;
    if (!test(s->evtchn_mask, port))
        mark_pending(v, port);
    if (hooks.port_raised)
        hooks.port_raised(d, port);
}

bool port_pending(const Domain& d, evtchn_port_t port)
{
    return port < Evtchn_table::nr_ports && test(d.shared->evtchn_pending, port);
}

bool port_masked(const Domain& d, evtchn_port_t port)
{
    return port < Evtchn_table::nr_ports && test(d.shared->evtchn_mask, port);
}

bool send_virq(Vcpu& v, uint32_t virq)
{
    if (virq >= NR_VIRQS || virq_is_global(virq))
        return false;
    Domain& d = *v.domain;
    Lock_guard<Spinlock> g(d.evtchn.lock);
    uint16_t port = d.evtchn.virq_port[v.id][virq];
    if (port == 0)
        return false;
    set_pending(d, v, port);
    return true;
}

bool send_global_virq(Domain& d, uint32_t virq)
{
    if (virq >= NR_VIRQS || !virq_is_global(virq))
        return false;
    Lock_guard<Spinlock> g(d.evtchn.lock);
    uint16_t port = d.evtchn.virq_port[0][virq];
    if (port == 0)
        return false;
    set_pending(d, *d.vcpus[d.evtchn.ports[port].vcpu], port);
    return true;
}

bool notify_domain_exception()
{
    Held_domain dom0(0, hooks.lookup, hooks.release);
    return dom0 && send_global_virq(*dom0.get(), VIRQ_DOM_EXC);
}

} // namespace evtchn
