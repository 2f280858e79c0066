// Physical interrupts for dom0: PHYSDEVOP map_pirq / unmap_pirq /
// irq_status_query / eoi / setup_gsi and EVTCHNOP_bind_pirq, end to end
// with a real device: the CMOS RTC's periodic interrupt (ISA IRQ 8, GSI 8)
// reaches this domain's event channel through the IO-APIC. Edge lines need
// no EOI; a line made level-triggered (setup_gsi) stays masked until the
// EOI, as Xen's ACKTYPE_UNMASK (xen/arch/x86/irq.c).
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {

constexpr uint32_t rtc_gsi = 8;
constexpr uint64_t ms = 1000000;

// Port I/O from ring 1: the hypervisor emulates it once IOPL allows.
void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}
void cmos_write(uint8_t reg, uint8_t v)
{
    outb(0x70, reg);
    outb(0x71, v);
}

// Register C: reading it acknowledges the RTC and drops its IRQ line.
constexpr uint8_t rtc_irqf = 0x80, rtc_pf = 0x40;
constexpr uint8_t rtc_pie = 0x40;  // register B: periodic interrupt enable

int32_t physdev(uint32_t cmd, void* a) { return hc::physdev_op(cmd, a); }
int32_t evtchn(uint32_t cmd, void* a) { return hc::event_channel_op(cmd, a); }

int32_t map(int32_t type, int32_t index, int32_t pirq, domid_t dom, int32_t* out = nullptr)
{
    physdev_map_pirq_t m = {};
    m.domid = dom;
    m.type = type;
    m.index = index;
    m.pirq = pirq;
    int32_t rc = physdev(PHYSDEVOP_map_pirq, &m);
    if (out)
        *out = m.pirq;
    return rc;
}

int32_t unmap(int32_t pirq)
{
    physdev_unmap_pirq_t u = {DOMID_SELF, pirq};
    return physdev(PHYSDEVOP_unmap_pirq, &u);
}

int32_t bind(uint32_t pirq, evtchn_port_t* port, uint32_t flags = 0)
{
    evtchn_bind_pirq_t b = {pirq, flags, 0};
    int32_t rc = evtchn(EVTCHNOP_bind_pirq, &b);
    *port = b.port;
    return rc;
}

int32_t eoi(uint32_t pirq)
{
    physdev_eoi_t e = {pirq};
    return physdev(PHYSDEVOP_eoi, &e);
}

int32_t close(evtchn_port_t p)
{
    evtchn_close_t c = {p};
    return evtchn(EVTCHNOP_close, &c);
}

bool port_pending(evtchn_port_t p)
{
    return (__atomic_load_n(&guest_shared_info()->evtchn_pending[p / 32], __ATOMIC_SEQ_CST) >> (p % 32)) & 1;
}
void clear_port(evtchn_port_t p)
{
    __atomic_and_fetch(&guest_shared_info()->evtchn_pending[p / 32], ~(1u << (p % 32)), __ATOMIC_SEQ_CST);
}

// Events masked (upcall_mask): polls 'p' until pending or 'timeout_ms'.
bool poll_port(evtchn_port_t p, uint64_t timeout_ms)
{
    static evtchn_port_t ports[1];
    ports[0] = p;
    sched_poll_t sp = {};
    set_xen_guest_handle(sp.ports, ports);
    sp.nr_ports = 1;
    sp.timeout = system_time_ns() + timeout_ms * ms;
    return hc::sched_poll(&sp) == 0 && port_pending(p);
}

void test_rejections()
{
    evtchn_port_t port = 0;
    CHECK_EQ(bind(rtc_gsi, &port), -XEN_EPERM, "bind_pirq of an unmapped pirq: -EPERM");
    CHECK_EQ(bind(100000, &port), -XEN_EINVAL, "bind_pirq 100000 (past nr_pirqs): -EINVAL");
    static constexpr int32_t hypervisors[] = {0, 2, 3, 4};
    for (int32_t gsi : hypervisors)
        CHECK_EQ(map(MAP_PIRQ_TYPE_GSI, gsi, -1, DOMID_SELF), -XEN_EPERM,
                 "map_pirq of a GSI the hypervisor drives (0 2 3 4): -EPERM");
    CHECK_EQ(map(MAP_PIRQ_TYPE_GSI, 1000, -1, DOMID_SELF), -XEN_EINVAL, "map_pirq GSI 1000: -EINVAL");
    CHECK_EQ(map(MAP_PIRQ_TYPE_GSI, -1, -1, DOMID_SELF), -XEN_EINVAL, "map_pirq GSI -1: -EINVAL");
    CHECK_EQ(map(MAP_PIRQ_TYPE_UNKNOWN, rtc_gsi, -1, DOMID_SELF), -XEN_EINVAL,
             "map_pirq of MAP_PIRQ_TYPE_UNKNOWN: -EINVAL");
    CHECK_EQ(map(77, rtc_gsi, -1, DOMID_SELF), -XEN_EINVAL, "map_pirq of type 77: -EINVAL");
    CHECK_EQ(map(MAP_PIRQ_TYPE_GSI, rtc_gsi, -1, 7), -XEN_ESRCH, "map_pirq for a missing domain: -ESRCH");
    CHECK_EQ(physdev(PHYSDEVOP_map_pirq, reinterpret_cast<void*>(HYPERVISOR_VIRT_START)), -XEN_EFAULT,
             "map_pirq, hypervisor address: -EFAULT");
    CHECK_EQ(unmap(rtc_gsi), -XEN_EINVAL, "unmap_pirq of an unmapped pirq: -EINVAL");
    CHECK_EQ(eoi(rtc_gsi), -XEN_EINVAL, "eoi of an unmapped pirq: -EINVAL");
    physdev_irq_status_query_t q = {rtc_gsi, 0};
    CHECK_EQ(physdev(PHYSDEVOP_irq_status_query, &q), 0, "irq_status_query of pirq 8");
    CHECK_EQ(q.flags, XENIRQSTAT_needs_eoi, "  needs_eoi (Xen without a pirq_eoi_map), not shared");
    physdev_setup_gsi_t bad = {1000, 0, 0};
    CHECK_EQ(physdev(PHYSDEVOP_setup_gsi, &bad), -XEN_EINVAL, "setup_gsi of GSI 1000: -EINVAL");
    physdev_pirq_eoi_gmfn_t g = {0};
    CHECK_EQ(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -XEN_ENOSYS, "pirq_eoi_gmfn_v2: -ENOSYS (not offered)");
}

// Maps GSI 8, checks the mapping rules, binds it; the port.
evtchn_port_t map_and_bind()
{
    int32_t pirq = -5;
    CHECK_EQ(map(MAP_PIRQ_TYPE_GSI, rtc_gsi, -1, DOMID_SELF, &pirq), 0, "map_pirq GSI 8");
    CHECK_EQ(pirq, rtc_gsi, "  pirq chosen = the GSI");
    CHECK_EQ(map(MAP_PIRQ_TYPE_GSI, rtc_gsi, rtc_gsi, DOMID_SELF), 0, "map_pirq GSI 8 -> pirq 8 again: 0");
    CHECK_EQ(map(MAP_PIRQ_TYPE_GSI, rtc_gsi, 30, DOMID_SELF), -XEN_EEXIST,
             "map_pirq GSI 8 to a second pirq: -EEXIST");
    evtchn_port_t port = 0, again = 0;
    CHECK_EQ(bind(rtc_gsi, &port, BIND_PIRQ__WILL_SHARE), 0, "bind_pirq 8 (will share)");
    CHECK(port > 0, "  a real port");
    CHECK_EQ(bind(rtc_gsi, &again), -XEN_EEXIST, "bind_pirq 8 twice: -EEXIST");
    evtchn_status_t s = {};
    s.dom = DOMID_SELF;
    s.port = port;
    CHECK_EQ(evtchn(EVTCHNOP_status, &s), 0, "status of the pirq port");
    CHECK_EQ(s.status, EVTCHNSTAT_pirq, "  EVTCHNSTAT_pirq");
    CHECK_EQ(s.u.pirq, rtc_gsi, "  names pirq 8");
    return port;
}

void rtc_periodic(bool on)
{
    // Rate 13: 32768 >> 12 = 8 Hz (register A, low nibble).
    cmos_write(0x0A, static_cast<uint8_t>((cmos_read(0x0A) & 0xF0) | 13));
    uint8_t b = cmos_read(0x0B);
    cmos_write(0x0B, static_cast<uint8_t>(on ? b | rtc_pie : b & ~rtc_pie));
    (void)cmos_read(0x0C);
}

// SCHEDOP_block until an upcall (the pirq port is the only event source
// bound); true when the RTC says it raised its periodic interrupt.
bool block_for_rtc()
{
    uint32_t before = event_upcalls();
    int32_t rc = hc::sched_block();
    vcpu0_info()->evtchn_upcall_mask = 1;
    uint8_t c = cmos_read(0x0C);
    return rc == 0 && event_upcalls() > before && (c & (rtc_irqf | rtc_pf)) == (rtc_irqf | rtc_pf);
}

void test_edge(evtchn_port_t port)
{
    rtc_periodic(true);
    unsigned got = 0;
    for (unsigned i = 0; i < 5; ++i)
        if (block_for_rtc() && eoi(rtc_gsi) == 0)
            ++got;
    CHECK_EQ(got, 5, "five RTC interrupts woke SCHEDOP_block, each acknowledged and EOIed");
    // Edge lines are never masked (Xen's ACKTYPE_NONE): no EOI needed.
    got = 0;
    for (unsigned i = 0; i < 2; ++i)
        if (block_for_rtc())
            ++got;
    CHECK_EQ(got, 2, "edge: interrupts keep coming without PHYSDEVOP_eoi");
    CHECK_EQ(eoi(rtc_gsi), 0, "eoi of the edge pirq");
    rtc_periodic(false);
    clear_port(port);
    CHECK(!poll_port(port, 400), "RTC periodic interrupt off: the port stays quiet");
}

void test_level()
{
    physdev_setup_gsi_t s = {static_cast<int32_t>(rtc_gsi), 1, 0};
    CHECK_EQ(physdev(PHYSDEVOP_setup_gsi, &s), 0, "setup_gsi GSI 8 level, active high");
    evtchn_port_t port = 0;
    CHECK_EQ(bind(rtc_gsi, &port), 0, "bind_pirq 8 again, now level-triggered");
    rtc_periodic(true);
    CHECK(poll_port(port, 2000), "level: the RTC interrupt arrives");
    clear_port(port);
    (void)cmos_read(0x0C);
    // The RTC raises its line again every 125 ms, but the IO-APIC entry
    // stays masked until the EOI.
    CHECK(!poll_port(port, 500), "level: no further event before PHYSDEVOP_eoi");
    CHECK_EQ(eoi(rtc_gsi), 0, "eoi of the level pirq");
    CHECK(poll_port(port, 2000), "level: after the EOI the asserted line is delivered");
    clear_port(port);
    (void)cmos_read(0x0C);
    CHECK_EQ(eoi(rtc_gsi), 0, "eoi again");
    CHECK(poll_port(port, 2000), "level: and the next period after that");
    rtc_periodic(false);
    CHECK_EQ(close(port), 0, "close the level pirq port");
    CHECK_EQ(eoi(rtc_gsi), 0, "eoi of a mapped but unbound pirq: 0");
}

} // namespace

void guest_main(start_info_t*)
{
    physdev_set_iopl_t io = {1};
    CHECK_EQ(physdev(PHYSDEVOP_set_iopl, &io), 0, "set_iopl 1 (RTC ports)");
    test_rejections();
    evtchn_port_t port = map_and_bind();
    test_edge(port);
    CHECK_EQ(close(port), 0, "close the pirq port (unbinds and masks GSI 8)");
    CHECK_EQ(eoi(rtc_gsi), 0, "eoi after close");
    test_level();
    CHECK_EQ(unmap(rtc_gsi), 0, "unmap_pirq 8");
    CHECK_EQ(unmap(rtc_gsi), -XEN_EINVAL, "unmap_pirq 8 again: -EINVAL");
    evtchn_port_t p = 0;
    CHECK_EQ(bind(rtc_gsi, &p), -XEN_EPERM, "bind_pirq after unmap: -EPERM");
}
