// Page-table hypercalls: mmu_update, mmuext_op, update_va_mapping and
// update_va_mapping_otherdomain. Arguments are copied in and checked here;
// the validation itself is the page-type core's (hypervisor/mm/pt_ops.hpp).
// A batch stops at the first failing request and reports how many were
// done, makes way part-way for waiting work (batch_resume.hpp); the TLB is
// flushed once per call.
#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/mm/batch_resume.hpp"
#include "arch/x86_32/mm/guest_cr3.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pt_ops.hpp"

namespace {

constexpr uint32_t max_batch = 1u << 20;
constexpr uint32_t chunk_reqs = 16; // 256 bytes of stack

// foreigndom bits 15..0: owner of the frames being mapped; DOMID_SELF is
// the caller. Like Xen's get_pg_owner, naming oneself by id, DOMID_XEN or a
// missing domain is -ESRCH. Naming another domain needs privilege.
// 'held' keeps a foreign owner for the call.
long resolve_pg_owner(Domain& self, uint32_t foreigndom, Domain_ref& held, Mm_domain*& mm,
                      Mm_domain& io_domain)
{
    uint16_t id = static_cast<uint16_t>(foreigndom & 0xFFFF);
    if (id == DOMID_SELF) {
        mm = &self.mm;
        return 0;
    }
    if (id == self.id || id == DOMID_XEN)
        return -XEN_ESRCH;
    if (!self.privileged)
        return -XEN_EPERM;
    if (id == DOMID_IO) {
        io_domain = Mm_domain{};
        io_domain.id = DOMID_IO;
        io_domain.privileged = true;
        mm = &io_domain;
        return 0;
    }
    held = domain_get(id);
    if (!held)
        return -XEN_ESRCH;
    mm = &held->mm;
    return 0;
}

// Inlined in both callers: the batch loop lost 17 instructions per
// request to the call when it was shared.
[[gnu::always_inline]] inline long one_mmu_update(Domain& d, Mm_ctx& ctx, const mmu_update_t& req,
                                                  const Mm_domain& pg_owner)
{
    uint32_t cmd = static_cast<uint32_t>(req.ptr & 3);
    Mfn mfn = paddr_to_mfn(req.ptr);
    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD: {
        if (req.ptr & 4)
            return -XEN_EINVAL; // entries are 8 bytes
        uint32_t slot = static_cast<uint32_t>(req.ptr & 0xFF8) >> 3;
        return mmu_normal_update(ctx, mfn, slot, req.val, cmd == MMU_PT_UPDATE_PRESERVE_AD,
                                 pg_owner);
    }
    case MMU_MACHPHYS_UPDATE: {
        Page* pg = mfn_to_page(mfn);
        if (!pg || pg->owner != pg_owner.id || !pgc::is_allocated(pg->count_info))
            return -XEN_EINVAL;
        (void)d;
        arch::m2p_set(mfn, static_cast<uint32_t>(req.val));
        return 0;
    }
    default: return -XEN_ENOSYS;
    }
}

long flush_after_va_update(Vcpu& v, uint32_t va, uint32_t flags)
{
    uint32_t scope = flags & ~UVMF_FLUSHTYPE_MASK;
    if (scope != UVMF_LOCAL && scope != UVMF_ALL) {
        // UVMF_MULTI: scope is the guest address of a vCPU bitmap.
        uint32_t mask;
        if (!copy_from_guest(mask, scope))
            return -XEN_EFAULT;
    }
    uint32_t type = flags & UVMF_FLUSHTYPE_MASK;
    switch (type) {
    case UVMF_TLB_FLUSH: arch::flush_guest_tlb(v); break;
    case UVMF_INVLPG: arch::invlpg(reinterpret_cast<void*>(va)); break;
    case UVMF_NONE: break;
    default: return -XEN_EINVAL;
    }
    // Other vCPUs' TLBs (UVMF_ALL, UVMF_MULTI): every CPU running one of
    // the domain's flushes whole.
    if (type != UVMF_NONE && scope != UVMF_LOCAL)
        arch::tlb_flush_domain(*v.domain);
    return 0;
}

long va_update(Vcpu& v, uint32_t va, uint64_t val, uint32_t flags, const Mm_domain& pg_owner)
{
    if (va >= HYPERVISOR_VIRT_START)
        return -XEN_EINVAL;
    if ((flags & UVMF_FLUSHTYPE_MASK) == 3)
        return -XEN_EINVAL;
    Domain& d = *v.domain;
    long rc;
    {
        Lock_guard<Spinlock> g(d.mm_lock);
        Mfn l1;
        if (!arch::find_l1(v, va, l1))
            return -XEN_EINVAL;
        Mm_ctx ctx{arch::pv_frame_space(), d.mm};
        rc = mmu_normal_update(ctx, l1, (va >> 12) & 511, val, false, pg_owner);
    }
    if (rc != 0)
        return rc;
    return flush_after_va_update(v, va, flags);
}

// What a call's updates left for this CPU to flush (Mm_ctx::flush_tlb
// and reload_l3), done once per call.
struct Flush {
    bool tlb = false, l3 = false;
};
Flush flush_of(const Mm_ctx& c)
{
    return {c.flush_tlb, c.reload_l3};
}
void flush_after(Vcpu& v, Flush f)
{
    if (f.l3)
        arch::flush_guest_tlb(v);
    else if (f.tlb)
        arch::flush_guest_tlb_keep_l3(v);
}

// One request on the caller's own tables: the call a PV kernel makes for
// each entry it sets outside a batch (Linux's set_pte and set_pmd on a
// pinned table). The same checks as a batch of one, without a batch's
// set-up: no owner to look up, nothing held across requests, the request
// read with inline loads.
long own_single_update(Vcpu& v, uint32_t req_va, uint32_t done_out)
{
    Domain& d = *v.domain;
    mmu_update_t req;
    long rc = -XEN_EFAULT;
    Flush f;
    if (copy_from_guest(req, req_va)) {
        Lock_guard<Spinlock> g(d.mm_lock);
        Mm_ctx ctx{arch::pv_frame_space(), d.mm};
        rc = one_mmu_update(d, ctx, req, d.mm);
        f = flush_of(ctx);
    }
    flush_after(v, f);
    if (done_out && !copy_to_guest(done_out, rc == 0 ? 1u : 0u))
        return -XEN_EFAULT;
    return rc;
}

} // namespace

// Flattened, as is do_update_va_mapping: the per-entry path (decode,
// table map, old and new entries' references, store, flush) was a chain
// of calls that cost as much as the checks (batch 234 -> 175 instructions
// an entry, single 483 -> 431, update_va_mapping 593 -> 497). The rare
// type changes stay calls (get/put_page_type_slow are noinline).
[[gnu::flatten]] long do_mmu_update(Vcpu& v, const Hypercall_args& a)
{
    uint32_t reqs = a.a[0], count = a.a[1], done_out = a.a[2], foreigndom = a.a[3];
    Domain& self = *v.domain;
    if (count == 1 && foreigndom == DOMID_SELF)
        return own_single_update(v, reqs, done_out);
    arch::Batch batch(reqs, count, done_out, foreigndom);
    count = batch.count;
    if (count > max_batch)
        return -XEN_EINVAL;
    Domain_ref owner;
    Mm_domain* pg_owner;
    Mm_domain io;
    if (long rc = resolve_pg_owner(self, foreigndom, owner, pg_owner, io))
        return rc;
    Domain* pt_owner = &self;
    Domain_ref pt_held;
    if (uint32_t pt = foreigndom >> 16) {
        if (!self.privileged)
            return -XEN_EPERM;
        pt_held = domain_get(static_cast<uint16_t>(pt - 1));
        if (!pt_held)
            return -XEN_ESRCH;
        pt_owner = pt_held.get();
    }
    long rc = 0;
    uint32_t done = 0;
    bool preempted = false;
    Flush f;
    {
        Lock_guard<Spinlock> g(pt_owner->mm_lock);
        Held_table held(arch::pv_frame_space());
        Mm_ctx ctx{arch::pv_frame_space(), pt_owner->mm, &held};
        // Requests are copied in a chunk at a time; a chunk that faults
        // is read again one request at a time, so the count done stops
        // exactly at the first unreadable one. Waiting work is looked for
        // between chunks (Xen looks between requests: a chunk is 16 at
        // most, and the check is not free).
        mmu_update_t chunk[chunk_reqs];
        while (done < count && rc == 0) {
            if (done > 0 && arch::hypercall_preempt_check(v)) {
                preempted = true;
                break;
            }
            uint32_t n = count - done < chunk_reqs ? count - done : chunk_reqs;
            uint32_t at = reqs + done * static_cast<uint32_t>(sizeof(mmu_update_t));
            bool whole = copy_bytes_from_guest(chunk, at, n * sizeof(mmu_update_t));
            for (uint32_t i = 0; i < n; ++i, ++done) {
                uint32_t one = at + i * static_cast<uint32_t>(sizeof(mmu_update_t));
                if (!whole && !copy_bytes_from_guest(&chunk[i], one, sizeof(mmu_update_t))) {
                    rc = -XEN_EFAULT;
                    break;
                }
                rc = one_mmu_update(*pt_owner, ctx, chunk[i], *pg_owner);
                if (rc != 0)
                    break;
            }
        }
        f = flush_of(ctx);
    }
    flush_after(v, f);
    return batch.finish(v, __HYPERVISOR_mmu_update, sizeof(mmu_update_t), done, rc, preempted);
}

[[gnu::flatten]] long do_update_va_mapping(Vcpu& v, const Hypercall_args& a)
{
    uint64_t val = (uint64_t{a.a[2]} << 32) | a.a[1];
    return va_update(v, a.a[0], val, a.a[3], v.domain->mm);
}

long do_update_va_mapping_otherdomain(Vcpu& v, const Hypercall_args& a)
{
    uint64_t val = (uint64_t{a.a[2]} << 32) | a.a[1];
    Domain_ref owner;
    Mm_domain* pg_owner;
    Mm_domain io;
    if (long rc = resolve_pg_owner(*v.domain, a.a[4], owner, pg_owner, io))
        return rc;
    return va_update(v, a.a[0], val, a.a[3], *pg_owner);
}
