// The "ping" domU of the interdomain scenario: the port its dom0 made for
// it (unbound, offered to the peer), found by EVTCHNOP_status; the round
// trips timed with the TSC; three grants (read-write, read-only, one for
// another domain) whose use by the peer it checks; the port closed at the
// end from this side.
#include "console.hpp"
#include "grant.hpp"
#include "idc_link.hpp"
#include "idc_roles.hpp"
#include "test.hpp"

namespace {

alignas(4096) uint8_t table_window[4096];
alignas(4096) uint32_t rw_page[1024];
alignas(4096) uint32_t ro_page[1024];
alignas(4096) uint32_t other_page[1024];

grant_entry_v1_t* table()
{
    return reinterpret_cast<grant_entry_v1_t*>(table_window);
}

bool map_grant_table()
{
    static xen_pfn_t frame[1];
    gnttab_setup_table_t s = {};
    s.dom = DOMID_SELF;
    s.nr_frames = 1;
    set_xen_guest_handle(s.frame_list, frame);
    if (hc::grant_table_op(GNTTABOP_setup_table, &s, 1) != 0 || s.status != GNTST_okay)
        return false;
    return hc::update_va_mapping(hc::arg(table_window), (uint64_t{frame[0]} << 12) | pte_kernel_rw,
                                 UVMF_INVLPG) == 0;
}

// The port dom0 allocated here for 'peer': unbound, offered to it, or
// already bound by it when the peer runs on another CPU and got there first.
evtchn_port_t find_port(domid_t peer)
{
    for (evtchn_port_t p = 1; p < 64; ++p) {
        evtchn_status_t s = idc::status(p);
        if ((s.status == EVTCHNSTAT_unbound && s.u.unbound.dom == peer) ||
            (s.status == EVTCHNSTAT_interdomain && s.u.interdomain.dom == peer))
            return p;
    }
    return 0;
}

void grant_pages(domid_t peer, const idc::Args& a)
{
    rw_page[0] = idc::rw_magic;
    ro_page[0] = idc::ro_magic;
    gnt::grant_v1(&table()[a.gref], peer, idc::mfn_of(rw_page), GTF_permit_access);
    gnt::grant_v1(&table()[a.gref + 1], peer, idc::mfn_of(ro_page),
                  GTF_permit_access | GTF_readonly);
    gnt::grant_v1(&table()[a.gref + 2], idc::absent_domid, idc::mfn_of(other_page),
                  GTF_permit_access);
}

void ping_pong(evtchn_port_t port, const idc::Args& a)
{
    idc::wait(port); // the peer bound and is ready
    evtchn_status_t s = idc::status(port);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain, "once the peer bound: status interdomain");
    CHECK_EQ(s.u.interdomain.dom, a.peer, "  with the peer's domain");
    uint64_t best = ~uint64_t{0}, total = 0;
    for (uint32_t i = 0; i < a.rounds; ++i) {
        uint64_t t0 = guest_rdtsc();
        (void)idc::send(port);
        idc::wait(port);
        uint64_t t = guest_rdtsc() - t0;
        total += t;
        best = t < best ? t : best;
    }
    printf("figure: interdomain event round trip: %u rounds, mean %u, best %u TSC\n", a.rounds,
           static_cast<uint32_t>(total / a.rounds), static_cast<uint32_t>(best));
    CHECK(total > 0, "the round trips completed");
}

void check_peer_grant_use(evtchn_port_t port, const idc::Args& a)
{
    (void)idc::send(port); // grants are up: the peer maps and copies
    idc::wait(port);       // it holds the read-write grant mapped
    CHECK_EQ(rw_page[1], idc::pong_magic,
             "the peer's store through its grant mapping is in our page");
    CHECK_EQ(rw_page[3], idc::copy_magic, "the peer's GNTTABOP_copy into our grant landed");
    uint16_t f = __atomic_load_n(&table()[a.gref].flags, __ATOMIC_ACQUIRE);
    CHECK(f & GTF_writing, "  the mapped entry shows GTF_writing");
    CHECK(!gnt::end_access_v1(&table()[a.gref]), "revoking a grant while it is mapped is refused");
    (void)idc::send(port);
    idc::wait(port); // the peer unmapped
    CHECK(gnt::end_access_v1(&table()[a.gref]), "once unmapped, the grant is revoked");
    CHECK(gnt::end_access_v1(&table()[a.gref + 1]), "the read-only grant is revoked");
    CHECK(gnt::end_access_v1(&table()[a.gref + 2]), "the grant for another domain is revoked");
}

} // namespace

void idc::run_ping(const Args& a)
{
    CHECK(map_grant_table(), "the grant table maps");
    evtchn_port_t port = find_port(a.peer);
    CHECK(port != 0, "EVTCHNOP_status finds the port dom0 made for the peer");
    if (!port)
        return;
    idc::mask(port);
    grant_pages(a.peer, a);
    ping_pong(port, a);
    check_peer_grant_use(port, a);
    evtchn_close_t c = {port};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_close, &c), 0, "EVTCHNOP_close of our end");
    CHECK_EQ(idc::status(port).status, EVTCHNSTAT_closed, "  our port is closed");
    CHECK_EQ(idc::send(port), -XEN_EINVAL, "  send on it: -EINVAL");
}

void idc::run_granter(const Args& a)
{
    CHECK(map_grant_table(), "the grant table maps");
    grant_pages(a.peer, a);
    printf("granter: grants up, waiting to be destroyed\n");
    for (;;)
        (void)hc::sched_block();
}
