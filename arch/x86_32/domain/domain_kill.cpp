// Domain destruction (Xen's domain_kill and domain_relinquish_resources),
// step by step in the order of Teardown_step; the order and who frees
// what is in docs/design.md, "Domain teardown".
#include "hypervisor/domain/domain_kill.hpp"

#include "arch/x86_32/cpu/fpu.hpp"
#include "arch/x86_32/include/hypercall_continuation.hpp"
#include "arch/x86_32/include/pv_domain.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/include/pv_grant_env.hpp"
#include "arch/x86_32/pv/desc_frames.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/event/pirq.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pt_ops.hpp"
#include "hypervisor/sched/schedule.hpp"
#include "public/xen.h"

namespace {

using Step = Teardown_step;

void advance(Domain& d)
{
    d.teardown.step = static_cast<Step>(static_cast<uint8_t>(d.teardown.step) + 1);
}

// Xen's domain_pause waits in vcpu_sleep_sync; here hypercalls run with
// interrupts off, so instead of spinning on CPUs that may wait for this
// one, the caller comes back (a continuation) until none has a vCPU of d
// loaded. Paused, a vCPU is put down at its CPU's next exit.
bool vcpus_stopped(Domain& d)
{
    if (d.teardown.step == Step::none) {
        domain_mark_dying(d);
        domain_pause(d);
        d.teardown.step = Step::stop_vcpus;
    }
    return domain_quiet(d);
}

// Xen's evtchn_destroy: every port closed as the domain itself would (an
// interdomain peer's port becomes unbound, VIRQ slots are freed, pirq
// ports unbind their line), then every pirq still mapped loses its GSI.
// No port can be opened meanwhile (the domain is dying).
void close_events(Domain& d)
{
    {
        // A barrier: whoever found d alive under this lock is done with
        // it; everyone after sees it dying (Xen's spin_barrier).
        Lock_guard<Spinlock> g(d.evtchn.lock);
    }
    for (evtchn_port_t p = 1; p < Evtchn_table::nr_ports; ++p)
        if (d.evtchn.ports[p].state != Evtchn_state::free)
            (void)evtchn::close(d, p); // -EINVAL for one freed meanwhile
    pirq::release_all(d);
}

// Each vCPU leaves the scheduler (its timers killed, its poll ended) and
// gives back what it holds of its domain's frames. Caller holds d.mm_lock.
void release_vcpu(Domain& d, Vcpu& v, Mm_ctx& ctx)
{
    if (!v.sched.removed)
        sched_vcpu_destroy(v);
    __atomic_store_n(&v.polling, false, __ATOMIC_SEQ_CST);
    v.poll_port = 0;
    drop_baseptr(ctx, v.cr3);
    arch::release_desc_frames(ctx, v.gdt_frames, v.nr_gdt_frames);
    v.nr_gdt_frames = 0;
    v.gdt_ents = 0;
    arch::release_desc_frames(ctx, v.ldt_frames, v.nr_ldt_frames);
    v.nr_ldt_frames = 0;
    v.ldt_base = v.ldt_ents = 0;
    if (v.info_mfn != invalid_mfn) {
        // VCPUOP_register_vcpu_info's general and writable references.
        Page& pg = *ctx.fs.page(v.info_mfn);
        put_page_type(ctx, v.info_mfn, pg);
        if (put_page(pg))
            ctx.fs.page_released(v.info_mfn);
        v.info_mfn = invalid_mfn;
    }
    v.info = d.shared ? &d.shared->vcpu_info[v.id] : nullptr;
    arch::fpu_forget(v);
    v.arch.fpu_used = false;
    for (uint32_t& r : v.debugreg)
        r = 0;
    for (uint64_t& e : v.arch.pdpt)
        e = 0;
    v.arch.pdpt_of = ~0u;
    v.up = false;
}

void release_vcpus(Domain& d)
{
    Lock_guard<Spinlock> g(d.mm_lock);
    Mm_ctx ctx{arch::pv_frame_space(), d.mm};
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        release_vcpu(d, *d.vcpus[i], ctx);
}

bool preempt(void* caller)
{
    return arch::hypercall_preempt_check(*static_cast<Vcpu*>(caller));
}

bool memory_released(Vcpu& caller, Domain& d)
{
    Lock_guard<Spinlock> g(d.mm_lock);
    Mm_ctx ctx{arch::pv_frame_space(), d.mm};
    Relinquish_budget b{preempt, &caller};
    return relinquish_memory(ctx, d.frames, d.tot_pages, d.teardown.mem, b);
}

void finish(Domain& d)
{
    // Its guest mappings went with the page tables.
    arch::drop_shared_info(d);
    grant::table_destroy(arch::grant_env(), d);
    d.arch.io_ports.clear();
    d.arch.io_mem.clear();
    d.mm.io_caps = false;
    d.tot_pages = 0;
}

// One step; true when it is complete (false: call again).
bool run_step(Vcpu& caller, Domain& d)
{
    switch (d.teardown.step) {
    case Step::none:
    case Step::stop_vcpus: return vcpus_stopped(d);
    case Step::events: close_events(d); return true;
    case Step::grants:
        // Its mappings of others' grants, then others' of its own, which
        // are revoked (docs/design.md, "Grant tables").
        grant::release_mappings(arch::grant_env(), d);
        grant::revoke_mappings(arch::grant_env(), d);
        // A copy that found d alive may hold a pin until its batch ends
        // (moments): the table may not go before.
        return grant::pins_drained(d);
    case Step::vcpu_state: release_vcpus(d); return true;
    case Step::memory: return memory_released(caller, d);
    case Step::finish: finish(d); return true;
    case Step::dead: return true;
    }
    return true;
}

} // namespace

long domain_kill(Vcpu& caller, Domain& d)
{
    if (&d == caller.domain || is_hardware_domain(d))
        return -XEN_EINVAL;
    // A second caller while one works makes way and comes back.
    if (!d.teardown_lock.try_lock())
        return -XEN_ERESTART;
    bool reached_dead = false;
    while (d.teardown.step != Step::dead) {
        if (!run_step(caller, d)) {
            d.teardown_lock.unlock();
            return -XEN_ERESTART;
        }
        advance(d);
        reached_dead = d.teardown.step == Step::dead;
        if (!reached_dead && arch::hypercall_preempt_check(caller)) {
            d.teardown_lock.unlock();
            return -XEN_ERESTART;
        }
    }
    uint16_t id = d.id;
    d.teardown_lock.unlock();
    if (!reached_dead)
        return 0; // dead already
    log::info("domain %u destroyed", id);
    // The object may go here (nothing else holds it and it owns no frame):
    // d is not touched afterwards. Xen sends VIRQ_DOM_EXC at this point,
    // as the domain becomes DOMDYING_dead.
    domain_mark_dead(d);
    (void)evtchn::notify_domain_exception();
    return 0;
}
