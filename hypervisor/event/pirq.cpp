// PIRQ table and PHYSDEVOP interrupt workers. Errnos follow Xen's
// arch/x86/physdev.c and irq.c: a missing domain -ESRCH, an unprivileged
// caller or an IRQ the caller may not touch (the hypervisor's own lines,
// an unmapped pirq at bind time) -EPERM, out-of-range numbers -EINVAL, a
// GSI or pirq already mapped differently -EEXIST, a pirq bound twice
// -EEXIST.
#include "hypervisor/event/pirq.hpp"

#include "hypervisor/domain/held_domain.hpp"

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/lib/spinlock.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace pirq {
namespace {

Pirq_hw hw;

// GSI -> owner: 0 = none, else (domid + 1) << 16 | pirq. Written with
// gsi_lock and the owner's evtchn lock held; read by the interrupt handler
// with neither (it re-checks under the owner's lock).
uint32_t owners[max_gsis];
Spinlock gsi_lock;

// Modes dom0 gave through PHYSDEVOP_setup_gsi (ACPI _PRT knowledge the
// hypervisor lacks); used from the next bind on.
struct Gsi_setup {
    bool set = false;
    Gsi_mode mode;
};
Gsi_setup setups[max_gsis];

uint32_t encode(uint16_t domid, uint32_t p) { return (uint32_t{domid} + 1) << 16 | p; }

uint32_t gsi_limit()
{
    uint32_t n = hw.gsi_limit ? hw.gsi_limit() : 0;
    return n < max_gsis ? n : max_gsis;
}

bool reserved(uint32_t gsi) { return hw.gsi_reserved && hw.gsi_reserved(gsi); }

bool live(Pirq_state s)
{
    return s == Pirq_state::bound || s == Pirq_state::in_flight || s == Pirq_state::masked;
}

// A mapped pirq loses its GSI (the owner's evtchn lock held). A bound one
// is unbound by force (Xen's pirq_guest_force_unbind): its port stays in
// the pirq state but no longer hears the line.
void unmap_locked(Pirq& e)
{
    if (live(e.state) && hw.disable)
        hw.disable(e.gsi);
    {
        Lock_guard<Spinlock> gg(gsi_lock);
        __atomic_store_n(&owners[e.gsi], 0u, __ATOMIC_RELEASE);
    }
    e = Pirq{};
}

// DOMID_SELF or an existing domain, and the caller must be privileged (Xen's
// XSM_DM_PRIV/XSM_TARGET defaults for map/unmap, after the domain lookup).
Held_domain target(Domain& cur, domid_t dom, long& err)
{
    Held_domain d(cur, cur.id, dom == DOMID_SELF ? cur.id : dom, hw.lookup, hw.release);
    if (!d) {
        err = -XEN_ESRCH;
        return d;
    }
    if (!cur.privileged) {
        err = -XEN_EPERM;
        return Held_domain();
    }
    return d;
}

Gsi_mode mode_of(uint32_t gsi)
{
    if (setups[gsi].set)
        return setups[gsi].mode;
    return hw.default_mode ? hw.default_mode(gsi) : Gsi_mode{};
}

// Validates a GSI mapping request; the pirq to use on success.
long check_map(const physdev_map_pirq_t& m)
{
    switch (m.type) {
    case MAP_PIRQ_TYPE_GSI: break;
    case MAP_PIRQ_TYPE_MSI:
    case MAP_PIRQ_TYPE_MSI_SEG:
    case MAP_PIRQ_TYPE_MULTI_MSI: return -XEN_ENOSYS; // no MSI support yet
    default: return -XEN_EINVAL;
    }
    if (m.index < 0 || static_cast<uint32_t>(m.index) >= gsi_limit())
        return -XEN_EINVAL;
    // Xen leaves the choice to the hardware domain; identity is what a
    // Linux dom0 asks for (xen_allocate_pirq_gsi).
    int32_t p = m.pirq < 0 ? m.index : m.pirq;
    if (static_cast<uint32_t>(p) >= Pirq_table::nr_pirqs)
        return -XEN_EINVAL;
    if (reserved(static_cast<uint32_t>(m.index)))
        return -XEN_EPERM;
    return p;
}

} // namespace

void set_hw(const Pirq_hw& h) { hw = h; }

void reset_global()
{
    Lock_guard<Spinlock> g(gsi_lock);
    for (auto& o : owners)
        o = 0;
    for (auto& s : setups)
        s = Gsi_setup{};
}

void init(Domain& d)
{
    for (auto& p : d.pirqs.pirqs)
        p = Pirq{};
}

long map(Domain& cur, physdev_map_pirq_t& m)
{
    long err = 0;
    Held_domain held = target(cur, m.domid, err);
    if (!held)
        return err;
    Domain* d = held.get();
    long p = check_map(m);
    if (p < 0)
        return p;
    uint32_t gsi = static_cast<uint32_t>(m.index);
    Lock_guard<Spinlock> g(d->evtchn.lock);
    // A dying domain's pirqs are being released (release_all, under the
    // same lock): it gets no new ones.
    if (d->life == Domain_life::dying || d->life == Domain_life::dead)
        return -XEN_ESRCH;
    Lock_guard<Spinlock> gg(gsi_lock);
    Pirq& e = d->pirqs.pirqs[p];
    uint32_t want = encode(d->id, static_cast<uint32_t>(p));
    if (owners[gsi] == want) {
        m.pirq = static_cast<int32_t>(p); // the same mapping again
        return 0;
    }
    if (owners[gsi] != 0 || e.state != Pirq_state::unmapped)
        return -XEN_EEXIST;
    e = Pirq{};
    e.state = Pirq_state::unbound;
    e.gsi = static_cast<uint16_t>(gsi);
    __atomic_store_n(&owners[gsi], want, __ATOMIC_RELEASE);
    m.pirq = static_cast<int32_t>(p);
    return 0;
}

long unmap(Domain& cur, const physdev_unmap_pirq_t& u)
{
    long err = 0;
    Held_domain held = target(cur, u.domid, err);
    if (!held)
        return err;
    Domain* d = held.get();
    if (u.pirq < 0 || static_cast<uint32_t>(u.pirq) >= Pirq_table::nr_pirqs)
        return -XEN_EINVAL;
    Lock_guard<Spinlock> g(d->evtchn.lock);
    Pirq& e = d->pirqs.pirqs[u.pirq];
    if (e.state == Pirq_state::unmapped)
        return -XEN_EINVAL;
    unmap_locked(e);
    return 0;
}

void release_all(Domain& d)
{
    Lock_guard<Spinlock> g(d.evtchn.lock);
    for (Pirq& e : d.pirqs.pirqs)
        if (e.state != Pirq_state::unmapped)
            unmap_locked(e);
}

// Xen (arch/x86/physdev.c) reports needs_eoi for every pirq of a PV guest
// that has no pirq_eoi_map, since even edge lines may be masked at times;
// the guest's EOI is a no-op for an edge pirq.
long status_query(Domain& cur, physdev_irq_status_query_t& q)
{
    if (q.irq >= Pirq_table::nr_pirqs)
        return -XEN_EINVAL;
    (void)cur;
    q.flags = XENIRQSTAT_needs_eoi;
    return 0;
}

long eoi(Domain& cur, uint32_t p)
{
    if (p >= Pirq_table::nr_pirqs)
        return -XEN_EINVAL;
    Lock_guard<Spinlock> g(cur.evtchn.lock);
    Pirq& e = cur.pirqs.pirqs[p];
    switch (e.state) {
    case Pirq_state::unmapped: return -XEN_EINVAL;
    case Pirq_state::masked:
        e.state = Pirq_state::bound;
        if (hw.unmask)
            hw.unmask(e.gsi);
        return 0;
    case Pirq_state::in_flight: e.state = Pirq_state::bound; return 0;
    default: return 0;
    }
}

long setup_gsi(Domain& cur, const physdev_setup_gsi_t& s)
{
    if (!cur.privileged)
        return -XEN_EPERM;
    if (s.gsi < 0 || static_cast<uint32_t>(s.gsi) >= gsi_limit())
        return -XEN_EINVAL;
    if (reserved(static_cast<uint32_t>(s.gsi)))
        return -XEN_EPERM;
    Lock_guard<Spinlock> g(gsi_lock);
    Gsi_setup& st = setups[s.gsi];
    st.set = true;
    st.mode.level = s.triggering != 0;
    st.mode.active_low = s.polarity != 0;
    return 0;
}

long check_bind(const Domain& d, uint32_t p)
{
    if (p >= Pirq_table::nr_pirqs)
        return -XEN_EINVAL;
    const Pirq& e = d.pirqs.pirqs[p];
    // Xen's pirq_access_permitted: an unmapped pirq names IRQ 0, which no
    // guest may use.
    if (e.state == Pirq_state::unmapped || reserved(e.gsi))
        return -XEN_EPERM;
    if (e.state != Pirq_state::unbound)
        return -XEN_EEXIST;
    return 0;
}

long bind(Domain& d, uint32_t p, evtchn_port_t port, uint32_t flags)
{
    long rc = check_bind(d, p);
    if (rc != 0)
        return rc;
    Pirq& e = d.pirqs.pirqs[p];
    Gsi_mode mode;
    {
        Lock_guard<Spinlock> g(gsi_lock);
        mode = mode_of(e.gsi);
    }
    e.state = Pirq_state::bound;
    e.port = static_cast<uint16_t>(port);
    e.flags = (flags & BIND_PIRQ__WILL_SHARE) ? Pirq::will_share : 0;
    e.mode = mode;
    if (!hw.enable || !hw.enable(e.gsi, mode)) {
        e.state = Pirq_state::unbound;
        e.port = 0;
        e.flags = 0;
        return -XEN_EIO;
    }
    return 0;
}

void unbind(Domain& d, uint32_t p, evtchn_port_t port)
{
    if (p >= Pirq_table::nr_pirqs)
        return;
    Pirq& e = d.pirqs.pirqs[p];
    if (!live(e.state) || e.port != port)
        return;
    if (hw.disable)
        hw.disable(e.gsi);
    e.state = Pirq_state::unbound;
    e.port = 0;
    e.flags = 0;
}

void interrupt(uint32_t gsi)
{
    if (gsi >= max_gsis)
        return;
    uint32_t o = __atomic_load_n(&owners[gsi], __ATOMIC_ACQUIRE);
    Held_domain held;
    if (o)
        held = Held_domain(static_cast<uint16_t>((o >> 16) - 1), hw.lookup, hw.release);
    Domain* d = held.get();
    if (!d) {
        if (hw.mask)
            hw.mask(gsi); // nobody listens: keep a stray line quiet
        return;
    }
    Lock_guard<Spinlock> g(d->evtchn.lock);
    Pirq& e = d->pirqs.pirqs[o & 0xFFFF];
    if (e.gsi != gsi || !live(e.state)) {
        if (hw.mask)
            hw.mask(gsi);
        return;
    }
    // Xen's ACKTYPE_UNMASK for level lines: masked now, before the local
    // APIC EOI, so the still-asserted line cannot fire again until the
    // guest has serviced the device and said PHYSDEVOP_eoi.
    if (e.mode.level) {
        e.state = Pirq_state::masked;
        if (hw.mask)
            hw.mask(gsi);
    } else {
        e.state = Pirq_state::in_flight;
    }
    Vcpu& v = *d->vcpus[d->evtchn.ports[e.port].vcpu];
    evtchn::set_pending(*d, v, e.port);
}

const Pirq* find(const Domain& d, uint32_t p)
{
    return p < Pirq_table::nr_pirqs ? &d.pirqs.pirqs[p] : nullptr;
}

} // namespace pirq
