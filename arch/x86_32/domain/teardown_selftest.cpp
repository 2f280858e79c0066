// Boot option teardown_selftest: before dom0 starts, a domain 1 is made
// with what a built guest holds (memory, a pinned L3/L2/L1 tree with a
// linear and read-only self references, a base pointer, a GDT frame, a
// pinned L1 mapping data writable, shared_info, a grant table, ports bound
// to dom0 and a VIRQ) and destroyed with domain_kill from dom0's vCPU 0,
// as XEN_DOMCTL_destroydomain would; one frame is held by dom0 meanwhile
// (as a foreign mapping would) and must outlive the domain. Then the
// machine's free frames must be exactly what they were before.
#include "arch/x86_32/domain/teardown_selftest.hpp"

#include "arch/x86_32/include/pv_domain.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/pv/desc_frames.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/domain_kill.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/domain_memory.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/pt_ops.hpp"
#include "hypervisor/mm/pte_check.hpp"

namespace arch {
namespace {

constexpr uint16_t test_id = 1;
constexpr uint32_t rw = pte::P | pte::RW | pte::A | pte::D;
constexpr uint32_t ro = pte::P | pte::A;

uint32_t free_frames_now()
{
    Frame_allocator& fa = frame_allocator();
    return fa.free_in_pool(0) + fa.free_in_pool(1) + fa.free_in_pool(2);
}

void set_entry(Mfn table, uint32_t slot, uint64_t e)
{
    Frame_mapping f(table);
    f.as<uint64_t>()[slot] = e;
}

bool fail(const char* what, long rc = 0)
{
    log::error("teardown selftest: %s (%ld)", what, rc);
    return false;
}

// Frames b+0: L3; b+1..b+4: L2s of slots 0..3; b+5: L1 under slot 0
// mapping b+16..b+47 writable and the L3 and the first L2 read-only; the
// first L2 maps itself linearly. b+6: a pinned L1 mapping b+48 writable
// and b+5 read-only. b+7: the GDT frame.
bool build_tables(Domain& d, Mfn b)
{
    for (uint32_t i = 0; i < 32; ++i)
        set_entry(b + 5, i, pte::make(b + 16 + i, rw));
    set_entry(b + 5, 32, pte::make(b, ro));
    set_entry(b + 5, 33, pte::make(b + 1, ro));
    set_entry(b + 1, 0, pte::make(b + 5, rw));
    set_entry(b + 1, 1, pte::make(b + 1, ro));
    for (uint32_t s = 0; s < 4; ++s)
        set_entry(b, s, pte::make(b + 1 + s, pte::P));
    set_entry(b + 6, 0, pte::make(b + 48, rw));
    set_entry(b + 6, 1, pte::make(b + 5, ro));
    Lock_guard<Spinlock> g(d.mm_lock);
    Mm_ctx ctx{pv_frame_space(), d.mm};
    if (int rc = pin_table(ctx, b, 3))
        return fail("L3 refused", rc);
    if (int rc = new_baseptr(ctx, b, d.vcpus[0]->cr3))
        return fail("base pointer refused", rc);
    if (int rc = pin_table(ctx, b + 6, 1))
        return fail("L1 refused", rc);
    Mfn gdt = b + 7;
    if (long rc = set_gdt_frames(ctx, *d.vcpus[0], &gdt, 1, 512))
        return fail("GDT refused", rc);
    return true;
}

bool bind_events(Domain& dom0, Domain& d, uint32_t& dom0_port)
{
    evtchn_alloc_unbound_t a{};
    a.dom = DOMID_SELF;
    a.remote_dom = 0;
    if (long rc = evtchn::alloc_unbound(d, a))
        return fail("alloc_unbound", rc);
    evtchn_bind_interdomain_t b{};
    b.remote_dom = d.id;
    b.remote_port = a.port;
    if (long rc = evtchn::bind_interdomain(dom0, b))
        return fail("bind_interdomain", rc);
    dom0_port = b.local_port;
    evtchn_bind_virq_t v{};
    v.virq = VIRQ_TIMER;
    v.vcpu = 0;
    if (long rc = evtchn::bind_virq(d, v))
        return fail("bind_virq", rc);
    return true;
}

Domain* make_domain(Domain& dom0, Mfn& held, uint32_t& dom0_port)
{
    // As XEN_DOMCTL_createdomain makes it: vCPUs, shared_info, a grant table.
    Pv_domain_config cfg;
    cfg.core.max_vcpus = 2;
    int rc;
    Domain* d = pv_domain_create(test_id, cfg, rc);
    if (!d)
        return fail("pv_domain_create", rc), nullptr;
    d->max_pages = 256;
    Mfn b = domain_add_extent(*d, 6, Zone::below_4g);
    for (unsigned i = 0; i < 16; ++i)
        if (domain_add_extent(*d, 0, Zone::any) == invalid_mfn)
            return fail("memory"), d;
    if (b == invalid_mfn || !build_tables(*d, b) || !bind_events(dom0, *d, dom0_port))
        return fail("building"), d;
    // Dom0's reference to a data frame, as a foreign mapping holds.
    held = b + 20;
    if (!get_page(*mfn_to_page(held), d->id))
        return fail("foreign reference"), d;
    return d;
}

bool run(Domain& dom0)
{
    uint32_t before = free_frames_now();
    Mfn held = invalid_mfn;
    uint32_t dom0_port = 0;
    Domain* made = make_domain(dom0, held, dom0_port);
    Domain_ref d = domain_get(test_id);
    if (!made || !d)
        return false;
    log::info("teardown selftest: d1 holds %u frames, %u free", d->tot_pages, free_frames_now());
    long rc;
    unsigned calls = 0;
    do
        rc = domain_kill(*dom0.vcpus[0], *d);
    while (rc == -XEN_ERESTART && ++calls < 1000000);
    if (rc != 0)
        return fail("domain_kill", rc);
    if (domain_kill(*dom0.vcpus[0], *d) != 0)
        return fail("a second domain_kill of the dead domain");
    if (dom0.evtchn.ports[dom0_port].state != Evtchn_state::unbound)
        return fail("dom0's port is not unbound");
    (void)evtchn::close(dom0, dom0_port);
    if (d->life != Domain_life::dead || d->owned_frames != 1)
        return fail("not dead, or the held frame not its own", d->owned_frames);
    uint32_t after_kill = free_frames_now();
    if (put_page(*mfn_to_page(held)))
        pv_frame_space().page_released(held);
    uint32_t after_put = free_frames_now();
    d.reset(); // the object goes: dead, unreferenced, owning nothing
    uint32_t end = free_frames_now();
    log::info("teardown selftest: %u calls; free frames %u before, %u dead, %u after the last "
              "reference, %u once gone",
              calls + 1, before, after_kill, after_put, end);
    if (after_put != after_kill + 1 || end != before || domain_get(test_id))
        return fail("frames not all back");
    return true;
}

} // namespace

void teardown_selftest(Domain& dom0)
{
    if (run(dom0))
        log::info("teardown selftest: passed, every frame back");
}

} // namespace arch
