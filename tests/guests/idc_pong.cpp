// The "pong" domU of the interdomain scenario: binds the peer's unbound
// port, answers its round trips, maps and copies its grants (and is refused
// the ones it may not use, with Xen's statuses), times a 4 KiB grant copy
// against an in-guest copy, and sees its port become unbound when the peer
// closes its end.
#include "console.hpp"
#include "grant.hpp"
#include "idc_link.hpp"
#include "idc_roles.hpp"
#include "shared.hpp"
#include "test.hpp"

namespace {

alignas(4096) uint32_t window[1024];
alignas(4096) uint32_t window_ro[1024];
alignas(4096) uint32_t local[1024];
alignas(4096) uint32_t local2[1024];

constexpr unsigned copy_reps = 64;
constexpr unsigned batch_ops = 16;

uint32_t va(const void* p)
{
    return hc::arg(const_cast<void*>(p));
}

bool clear(const void* p)
{
    return hc::update_va_mapping(va(p), 0, UVMF_INVLPG) == 0;
}
bool restore(const void* p)
{
    return hc::update_va_mapping(va(p), (uint64_t{idc::mfn_of(p)} << 12) | pte_kernel_rw,
                                 UVMF_INVLPG) == 0;
}

int16_t map_status(domid_t dom, grant_ref_t ref, const void* at, uint32_t flags,
                   grant_handle_t* h = nullptr)
{
    gnttab_map_grant_ref_t op;
    int32_t rc = gnt::map(op, dom, ref, va(at), flags);
    if (h)
        *h = op.handle;
    return rc ? static_cast<int16_t>(rc) : op.status;
}

void copy_words(void* dst, const void* src, uint32_t bytes)
{
    uint32_t n = bytes / 4;
    asm volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

gnttab_copy_t copy_op(uint16_t flags, uint32_t len)
{
    gnttab_copy_t c = {};
    c.flags = flags;
    c.len = static_cast<uint16_t>(len);
    return c;
}

void refused_maps(const idc::Args& a)
{
    (void)clear(window_ro);
    CHECK_EQ(map_status(a.peer, a.gref + 1, window_ro, GNTMAP_host_map), GNTST_general_error,
             "a read-only grant mapped writable: GNTST_general_error");
    grant_handle_t h = 0;
    CHECK_EQ(map_status(a.peer, a.gref + 1, window_ro, GNTMAP_host_map | GNTMAP_readonly, &h),
             GNTST_okay, "the read-only grant mapped read-only");
    CHECK_EQ(window_ro[0], idc::ro_magic, "  reads the peer's page");
    CHECK_EQ(gnt::unmap(h, va(window_ro)), GNTST_okay, "  and unmaps");
    CHECK_EQ(map_status(a.peer, 100000, window_ro, GNTMAP_host_map), GNTST_bad_gntref,
             "a ref past the peer's table: GNTST_bad_gntref");
    CHECK_EQ(map_status(a.peer, a.gref + 2, window_ro, GNTMAP_host_map), GNTST_general_error,
             "a grant the peer made for another domain: GNTST_general_error");
    CHECK_EQ(map_status(a.peer, a.gref + 3, window_ro, GNTMAP_host_map), GNTST_general_error,
             "a ref the peer never granted: GNTST_general_error");
    CHECK_EQ(map_status(idc::absent_domid, a.gref, window_ro, GNTMAP_host_map), GNTST_bad_domain,
             "a grant of a missing domain: GNTST_bad_domain");
    CHECK(restore(window_ro), "the window gets its own page back");
}

// The peer's whole read-write grant into our page 'local'.
gnttab_copy_t copy_from_peer(const idc::Args& a)
{
    gnttab_copy_t c = copy_op(GNTCOPY_source_gref, 4096);
    c.source.domid = a.peer;
    c.source.u.ref = a.gref;
    c.dest.domid = DOMID_SELF;
    c.dest.u.gmfn = idc::mfn_of(local);
    return c;
}

void copies(const idc::Args& a)
{
    gnttab_copy_t c = copy_from_peer(a);
    CHECK_EQ(gnt::copy(c), GNTST_okay, "GNTTABOP_copy of the peer's granted page into ours");
    CHECK_EQ(local[0], idc::rw_magic, "  brings its contents");
    local2[0] = idc::copy_magic;
    c = copy_op(GNTCOPY_dest_gref, 4);
    c.source.domid = DOMID_SELF;
    c.source.u.gmfn = idc::mfn_of(local2);
    c.dest.domid = a.peer;
    c.dest.u.ref = a.gref;
    c.dest.offset = 12;
    CHECK_EQ(gnt::copy(c), GNTST_okay, "GNTTABOP_copy of ours into the peer's granted page");
    c.dest.offset = 4000;
    c.len = 200;
    CHECK_EQ(gnt::copy(c), GNTST_bad_copy_arg,
             "a copy crossing the granted page's end: GNTST_bad_copy_arg");
    c.dest.offset = 0;
    c.len = 4;
    c.dest.u.ref = a.gref + 1;
    CHECK_EQ(gnt::copy(c), GNTST_general_error,
             "a copy into the read-only grant: GNTST_general_error");
}

void copy_figures(const idc::Args& a)
{
    gnttab_copy_t c = copy_from_peer(a);
    uint64_t t0 = guest_rdtsc();
    bool ok = true;
    for (unsigned i = 0; i < copy_reps; ++i)
        ok &= gnt::copy(c) == GNTST_okay;
    uint64_t grant = (guest_rdtsc() - t0) / copy_reps;
    t0 = guest_rdtsc();
    for (unsigned i = 0; i < copy_reps; ++i)
        copy_words(local2, window, 4096);
    uint64_t mem = (guest_rdtsc() - t0) / copy_reps;
    CHECK(ok, "the timed grant copies all succeeded");
    printf(
        "figure: 4 KiB GNTTABOP_copy %u TSC, in-guest copy (rep movsl) of the mapped grant %u TSC, "
        "rate %u%% of memcpy\n",
        static_cast<uint32_t>(grant), static_cast<uint32_t>(mem),
        static_cast<uint32_t>(grant ? mem * 100 / grant : 0));
    // A backend's way: many ops in one call. Each names another grant
    // (the peer's two, in turn) and another page of ours than the op
    // before it, so only the peer domain stays looked up.
    static gnttab_copy_t batch[batch_ops];
    for (unsigned i = 0; i < batch_ops; ++i) {
        batch[i] = c;
        batch[i].source.u.ref = a.gref + (i & 1);
        batch[i].dest.u.gmfn = idc::mfn_of((i & 1) ? local2 : local);
    }
    bool batch_ok = true;
    t0 = guest_rdtsc();
    for (unsigned r = 0; r < copy_reps / batch_ops; ++r)
        batch_ok &= hc::grant_table_op(GNTTABOP_copy, batch, batch_ops) == 0;
    uint64_t per_op = (guest_rdtsc() - t0) / (copy_reps / batch_ops * batch_ops);
    for (const gnttab_copy_t& b : batch)
        batch_ok &= b.status == GNTST_okay;
    CHECK(batch_ok, "the timed batches of grant copies all succeeded");
    printf("figure: 4 KiB GNTTABOP_copy in batches of %u (two grants in turn) %u TSC an op, "
           "rate %u%% of memcpy\n",
           batch_ops, static_cast<uint32_t>(per_op),
           static_cast<uint32_t>(per_op ? mem * 100 / per_op : 0));
    // A network backend's packet in chunks: one page of the peer's grant
    // in 16 ops of 256 bytes, one call, every op naming the same grant and
    // page (the batch keeps both claimed).
    for (unsigned i = 0; i < batch_ops; ++i) {
        batch[i] = c;
        batch[i].len = 4096 / batch_ops;
        batch[i].source.offset = batch[i].dest.offset = static_cast<uint16_t>(i * (4096 / batch_ops));
    }
    t0 = guest_rdtsc();
    for (unsigned r = 0; r < copy_reps / batch_ops; ++r)
        batch_ok &= hc::grant_table_op(GNTTABOP_copy, batch, batch_ops) == 0;
    uint64_t per_page = (guest_rdtsc() - t0) / (copy_reps / batch_ops);
    for (const gnttab_copy_t& b : batch)
        batch_ok &= b.status == GNTST_okay;
    CHECK(batch_ok, "the timed batches of chunk copies all succeeded");
    printf("figure: 4 KiB of one grant as %u GNTTABOP_copy ops of %u bytes in one call %u TSC, "
           "rate %u%% of memcpy\n",
           batch_ops, 4096 / batch_ops, static_cast<uint32_t>(per_page),
           static_cast<uint32_t>(per_page ? mem * 100 / per_page : 0));
}

// Steps of the grant part: map the peer's page and hold it while the peer
// tries to revoke it, then unmap.
void grants(evtchn_port_t port, const idc::Args& a)
{
    idc::wait(port); // the peer's grants are up
    (void)clear(window);
    grant_handle_t h = 0;
    CHECK_EQ(map_status(a.peer, a.gref, window, GNTMAP_host_map, &h), GNTST_okay,
             "GNTTABOP_map_grant_ref of the peer's read-write grant");
    CHECK_EQ(window[0], idc::rw_magic, "  reads the peer's page");
    window[1] = idc::pong_magic;
    refused_maps(a);
    copies(a);
    CHECK_EQ(window[3], idc::copy_magic, "  the copy shows through the mapping");
    copy_figures(a);
    (void)idc::send(port);
    idc::wait(port); // the peer tried to revoke it
    CHECK_EQ(gnt::unmap(h, va(window)), GNTST_okay, "GNTTABOP_unmap_grant_ref");
    CHECK_EQ(gnt::unmap(h, va(window)), GNTST_bad_handle, "  a second unmap: GNTST_bad_handle");
    CHECK(restore(window), "the window gets its own page back");
    (void)idc::send(port);
}

} // namespace

void idc::run_pong(const Args& a)
{
    evtchn_bind_interdomain_t b = {a.peer, a.port, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_interdomain, &b), 0,
             "EVTCHNOP_bind_interdomain to the peer's unbound port");
    evtchn_port_t port = b.local_port;
    idc::mask(port);
    // Xen's evtchn_bind_interdomain sets the new local port pending (a
    // notification sent to the unbound port may have been lost).
    CHECK(idc::pending(port), "  the new port starts out pending");
    idc::wait(port);
    evtchn_status_t s = idc::status(port);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain, "  status: interdomain");
    CHECK_EQ(s.u.interdomain.dom, a.peer, "  with the peer's domain");
    CHECK_EQ(s.u.interdomain.port, a.port, "  and the peer's port");
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL,
             "binding the same remote port again: -EINVAL");
    (void)idc::send(port); // ready
    for (uint32_t i = 0; i < a.rounds; ++i) {
        idc::wait(port);
        (void)idc::send(port);
    }
    grants(port, a);
    // The peer closes its end: ours becomes unbound, offered to it again.
    unsigned spins = 0;
    while (idc::status(port).status == EVTCHNSTAT_interdomain && spins++ < 100000)
        (void)hc::sched_yield();
    s = idc::status(port);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound, "after the peer closed its end: our port is unbound");
    CHECK_EQ(s.u.unbound.dom, a.peer, "  offered to the peer again");
    CHECK_EQ(idc::send(port), 0,
             "  send on it is dropped with 0 (Xen's evtchn_send for ECS_UNBOUND)");
    evtchn_close_t c = {port};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_close, &c), 0, "EVTCHNOP_close of the unbound port");
}

// Batches of copies of the peer's read-write grant, as fast as they go,
// while dom0 destroys the peer: every batch holds the grant pinned while
// it runs, so the peer's teardown meets pins in flight. The copies must
// succeed until the peer is marked dying and then be refused with
// GNTST_bad_domain; the hypervisor must survive, and dom0 finds its
// memory back once both domains are gone.
void idc::run_copier(const Args& a)
{
    static gnttab_copy_t batch[batch_ops];
    for (gnttab_copy_t& c : batch)
        c = copy_from_peer(a);
    uint32_t ok_batches = 0;
    int16_t last = GNTST_okay;
    uint64_t give_up = system_time_ns() + 20000000000ull;
    while (system_time_ns() < give_up) {
        if (hc::grant_table_op(GNTTABOP_copy, batch, batch_ops) != 0)
            break;
        int16_t worst = GNTST_okay;
        for (const gnttab_copy_t& c : batch)
            if (c.status != GNTST_okay)
                worst = c.status;
        if (worst == GNTST_okay) {
            ++ok_batches;
            continue;
        }
        last = worst;
        if (ok_batches > 0)
            break; // refused after copies went through: the peer is going
        // Not granted yet: try again.
    }
    printf("copier: %u batches of %u copies before the peer went, then status %d\n", ok_batches,
           batch_ops, last);
    CHECK(ok_batches > 0, "copies from the peer's grant went through while it lived");
    CHECK_EQ(last, GNTST_bad_domain, "  then, the peer dying or gone: GNTST_bad_domain");
    CHECK_EQ(local[0], idc::rw_magic, "  and what was copied is the peer's page");
}
