// mmuext_op: pin/unpin, new base pointer, TLB and cache flushes, LDT,
// clear/copy page. Each op is checked and done in turn; the batch stops at
// the first failure and reports how many completed, and makes way between
// ops for waiting work (batch_resume.hpp).
#include "arch/x86_32/mm/batch_resume.hpp"
#include "arch/x86_32/mm/guest_cr3.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "arch/x86_32/pv/ldt.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pt_ops.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

constexpr uint32_t max_batch = 1u << 20;


bool vcpumask_readable(uint32_t gva)
{
    uint32_t mask;
    return copy_from_guest(mask, gva);
}

// CLEAR_PAGE and COPY_PAGE write a frame of the caller's: it must be one
// it could map writable (a writable type reference proves that).
long with_writable(Mm_ctx& ctx, Mfn m, uint16_t owner, void (*fn)(void*, const void*), Mfn src)
{
    Page* pg = mfn_to_page(m);
    if (!pg || !get_page(*pg, owner))
        return -XEN_EINVAL;
    long rc = get_page_type(ctx, m, *pg, pgt::bits(Page_type::writable));
    if (rc == 0) {
        Page* sp = src == invalid_mfn ? nullptr : mfn_to_page(src);
        if (src != invalid_mfn && (!sp || !get_page(*sp, owner))) {
            rc = -XEN_EINVAL;
        } else {
            arch::Frame_mapping dst(m);
            if (src == invalid_mfn) {
                fn(dst.get(), nullptr);
            } else {
                arch::Frame_mapping s(src);
                fn(dst.get(), s.get());
                if (put_page(*sp))
                    ctx.fs.page_released(src);
            }
        }
        put_page_type(ctx, m, *pg);
    }
    if (put_page(*pg))
        ctx.fs.page_released(m);
    return rc;
}

void clear_fn(void* dst, const void*) { __builtin_memset(dst, 0, 4096); }
void copy_fn(void* dst, const void* src) { __builtin_memcpy(dst, src, 4096); }

// The ops a privileged caller may make on another domain's frames (Xen's
// do_mmuext_op with pg_owner != currd): pinning and unpinning its tables
// (a domain builder does), clearing and copying its frames. Everything
// about the caller's own address space is refused.
long foreign_op(Mm_ctx& ctx, Domain& owner, const mmuext_op_t& op)
{
    Mfn mfn{op.arg1.mfn};
    switch (op.cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
        // A domain being destroyed keeps no new pin (Xen pins, sees
        // is_dying and drops it again: 0 and nothing held).
        if (owner.life != Domain_life::alive)
            return 0;
        return pin_table(ctx, mfn, op.cmd - MMUEXT_PIN_L1_TABLE + 1);
    case MMUEXT_PIN_L4_TABLE: return -XEN_EINVAL;
    case MMUEXT_UNPIN_TABLE: return unpin_table(ctx, mfn);
    case MMUEXT_CLEAR_PAGE: return with_writable(ctx, mfn, owner.id, clear_fn, invalid_mfn);
    case MMUEXT_COPY_PAGE:
        return with_writable(ctx, mfn, owner.id, copy_fn, Mfn{op.arg2.src_mfn});
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER: return -XEN_ENOSYS;
    default:
        return op.cmd <= MMUEXT_UNMARK_SUPER ? -XEN_EPERM : -XEN_ENOSYS;
    }
}

long one_op(Vcpu& v, Mm_ctx& ctx, const mmuext_op_t& op)
{
    Domain& d = *v.domain;
    Mfn mfn{op.arg1.mfn};
    switch (op.cmd) {
    case MMUEXT_PIN_L1_TABLE: return pin_table(ctx, mfn, 1);
    case MMUEXT_PIN_L2_TABLE: return pin_table(ctx, mfn, 2);
    case MMUEXT_PIN_L3_TABLE: return pin_table(ctx, mfn, 3);
    case MMUEXT_PIN_L4_TABLE: return -XEN_EINVAL; // no L4 in PAE
    case MMUEXT_UNPIN_TABLE: return unpin_table(ctx, mfn);
    case MMUEXT_NEW_BASEPTR: {
        long rc = new_baseptr(ctx, mfn, v.cr3);
        if (rc == 0)
            arch::flush_guest_tlb(v);
        return rc;
    }
    case MMUEXT_NEW_USER_BASEPTR: return -XEN_EINVAL; // x86_64 only
    case MMUEXT_TLB_FLUSH_LOCAL: arch::flush_guest_tlb(v); return 0;
    // The other vCPUs' flushes: every CPU running one of the domain's (a
    // superset of the mask's, which Xen allows).
    case MMUEXT_TLB_FLUSH_MULTI:
        if (!vcpumask_readable(op.arg2.vcpumask))
            return -XEN_EFAULT;
        [[fallthrough]];
    case MMUEXT_TLB_FLUSH_ALL:
        arch::flush_guest_tlb(v);
        arch::tlb_flush_domain(d);
        return 0;
    case MMUEXT_INVLPG_MULTI:
        if (!vcpumask_readable(op.arg2.vcpumask))
            return -XEN_EFAULT;
        [[fallthrough]];
    case MMUEXT_INVLPG_ALL:
        arch::tlb_flush_domain(d);
        [[fallthrough]];
    case MMUEXT_INVLPG_LOCAL:
        if (op.arg1.linear_addr < HYPERVISOR_VIRT_START)
            asm volatile("invlpg (%0)" ::"r"(op.arg1.linear_addr) : "memory");
        return 0;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!d.privileged)
            return -XEN_EACCES;
        asm volatile("wbinvd" ::: "memory");
        return 0;
    case MMUEXT_SET_LDT: return arch::set_ldt(v, op.arg1.linear_addr, op.arg2.nr_ents);
    case MMUEXT_CLEAR_PAGE: return with_writable(ctx, mfn, d.id, clear_fn, invalid_mfn);
    case MMUEXT_COPY_PAGE:
        return with_writable(ctx, mfn, d.id, copy_fn, Mfn{op.arg2.src_mfn});
    default:
        return -XEN_ENOSYS;
    }
}

// Xen's get_pg_owner for mmuext_op: oneself by id and missing domains
// are -ESRCH; DOMID_IO and DOMID_XEN are no PV domain (-EINVAL); another
// domain needs privilege (-EPERM). 'held' keeps a foreign owner.
long resolve_owner(Domain& self, uint16_t fd, Domain_ref& held, Domain*& owner)
{
    if (fd == DOMID_SELF) {
        owner = &self;
        return 0;
    }
    if (fd == self.id)
        return -XEN_ESRCH;
    if (fd == DOMID_IO || fd == DOMID_XEN)
        return -XEN_EINVAL;
    held = domain_get(fd);
    if (!held)
        return -XEN_ESRCH;
    if (!self.privileged)
        return -XEN_EPERM;
    owner = held.get();
    return 0;
}

} // namespace

long do_mmuext_op(Vcpu& v, const Hypercall_args& a)
{
    arch::Batch batch(a.a[0], a.a[1], a.a[2], a.a[3]);
    uint32_t ops = batch.reqs, count = batch.count, foreigndom = batch.foreigndom;
    if (count > max_batch)
        return -XEN_EINVAL;
    Domain_ref held;
    Domain* owner;
    if (long rc = resolve_owner(*v.domain, static_cast<uint16_t>(foreigndom), held, owner))
        return rc;
    bool foreign = owner != v.domain;
    long rc = 0;
    uint32_t done = 0;
    bool preempted = false;
    {
        // The tables validated and pinned are the owner's.
        Lock_guard<Spinlock> g(owner->mm_lock);
        Mm_ctx ctx{arch::pv_frame_space(), owner->mm};
        for (; done < count; ++done) {
            if (done > 0 && arch::hypercall_preempt_check(v)) {
                preempted = true;
                break;
            }
            mmuext_op_t op;
            if (!copy_from_guest(op, ops + done * static_cast<uint32_t>(sizeof op))) {
                rc = -XEN_EFAULT;
                break;
            }
            rc = foreign ? foreign_op(ctx, *owner, op) : one_op(v, ctx, op);
            if (rc != 0)
                break;
        }
    }
    return batch.finish(v, __HYPERVISOR_mmuext_op, sizeof(mmuext_op_t), done, rc, preempted);
}
