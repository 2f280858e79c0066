// XENMEM_exchange (Xen's memory_exchange, common/memory.c): a domain trades
// frames it owns for fresh ones, typically for contiguous frames below some
// address (Linux's swiotlb and xen_create_contiguous_region). The work goes
// in chunks that each cover whole in- and out-extents; a chunk is done
// entirely or not at all, nr_exchanged tells the caller how many in-extents
// are done, and a long exchange continues in a fresh hypercall when work is
// waiting, as Xen's does.
#include "arch/x86_32/include/guest_range.hpp"
#include "arch/x86_32/include/hypercall_continuation.hpp"
#include "arch/x86_32/include/m2p.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/domain_memory.hpp"
#include "hypervisor/mm/memory_op.hpp"
#include "hypervisor/mm/mm.hpp"
#include "public/memory.h"

namespace {

// The largest chunk: one in-extent list read and one out-extent list of
// 2^max_order frames at most (the allocator's largest block).
constexpr unsigned max_chunk_frames = 1u << Frame_allocator::max_order;

// Guest list [base + first*4, base + (last+1)*4) is guest memory (Xen's
// guest_handle_subrange_okay).
bool list_ok(uint32_t base, uint64_t first, uint64_t last)
{
    if (first > last)
        return true;
    return arch::guest_range_ok(base + static_cast<uint32_t>(first * 4),
                                static_cast<size_t>((last - first + 1) * 4)) &&
           last < 0x40000000u;
}

struct Chunk {
    Mfn in[max_chunk_frames];
    uint32_t nr_in = 0;
    Mfn out[max_chunk_frames];  // first frame of each out-extent
    uint32_t nr_out = 0;
    uint32_t gpfn[max_chunk_frames];  // where each out-extent goes
};

// One exchange runs at a time on the whole machine: the chunk's lists are
// too large for a hypervisor stack.
Spinlock exchange_lock;
Chunk chunk;

// Undo a chunk that could not be completed: stolen frames go back to the
// domain, fresh ones to the allocator.
void unwind(Domain& d, Chunk& c, unsigned out_order)
{
    for (uint32_t i = 0; i < c.nr_in; ++i)
        domain_return_page(d, c.in[i]);
    for (uint32_t i = 0; i < c.nr_out; ++i)
        (void)free_frames(c.out[i], out_order);
    c.nr_in = c.nr_out = 0;
}

// One chunk: in-extents [i << in_chunk, (i + 1) << in_chunk), out-extents
// [i << out_chunk, (i + 1) << out_chunk).
long exchange_chunk(Domain& d, const xen_memory_exchange_t& x, uint64_t i, unsigned in_chunk,
                    unsigned out_chunk, uint32_t limit, Chunk& c)
{
    for (uint32_t j = 0; j < (1u << in_chunk); ++j) {
        uint32_t gmfn;
        if (!copy_from_guest(gmfn, x.in.extent_start + static_cast<uint32_t>(((i << in_chunk) + j) * 4)))
            return -XEN_EFAULT;
        for (uint32_t k = 0; k < (1u << x.in.extent_order); ++k) {
            Mfn m{gmfn + k};
            if (gmfn + k < gmfn || !mfn_to_page(m) || !domain_steal_page(d, m))
                return -XEN_EINVAL;
            c.in[c.nr_in++] = m;
        }
    }
    if (!domain_reserve_frames(d, c.nr_in))
        return -XEN_ENOMEM;
    for (uint32_t j = 0; j < (1u << out_chunk); ++j) {
        Mfn m = alloc_frames_below(x.out.extent_order, limit);
        if (m == invalid_mfn)
            return -XEN_ENOMEM;
        c.out[c.nr_out++] = m;
    }
    // Every output slot is read before anything changes, so the commit
    // below cannot fail halfway.
    for (uint32_t j = 0; j < c.nr_out; ++j) {
        uint32_t slot = x.out.extent_start + static_cast<uint32_t>(((i << out_chunk) + j) * 4);
        if (!copy_from_guest(c.gpfn[j], slot))
            return -XEN_EFAULT;
    }
    // Commit: the stolen frames leave the domain's pseudo-physical map and
    // memory; the new ones take their place at the guest's frame numbers.
    for (uint32_t j = 0; j < c.nr_in; ++j)
        domain_free_stolen_page(c.in[j]);
    c.nr_in = 0;
    long rc = 0;
    for (uint32_t j = 0; j < c.nr_out; ++j) {
        domain_take_frames(d, c.out[j], x.out.extent_order);
        for (uint32_t k = 0; k < (1u << x.out.extent_order); ++k)
            arch::m2p_set(c.out[j] + k, c.gpfn[j] + k);
        uint32_t slot = x.out.extent_start + static_cast<uint32_t>(((i << out_chunk) + j) * 4);
        uint32_t mfn = raw(c.out[j]);
        if (!copy_to_guest(slot, mfn))
            rc = -XEN_EFAULT; // the exchange stands; as Xen, the caller is told
    }
    c.nr_out = 0;
    return rc;
}

} // namespace

long memory_exchange(Vcpu& v, uint32_t arg)
{
    xen_memory_exchange_t x;
    if (!copy_from_guest(x, arg))
        return -XEN_EFAULT;
    long rc = 0;
    uint64_t in_n = x.in.nr_extents, out_n = x.out.nr_extents;
    unsigned in_chunk = 0, out_chunk = 0;
    Domain_ref d;
    if ((x.in.extent_order > x.out.extent_order ? x.in.extent_order : x.out.extent_order) >
        max_order(*v.domain)) {
        rc = -XEN_EPERM;
    } else if (x.nr_exchanged > in_n || x.in.domid != x.out.domid ||
               (in_n << x.in.extent_order) != (out_n << x.out.extent_order)) {
        rc = -XEN_EINVAL;
    } else if (x.nr_exchanged == in_n) {
        return 0;
    } else {
        if (x.in.extent_order <= x.out.extent_order)
            in_chunk = x.out.extent_order - x.in.extent_order;
        else
            out_chunk = x.in.extent_order - x.out.extent_order;
        uint64_t out_done = in_chunk ? x.nr_exchanged >> in_chunk : x.nr_exchanged << out_chunk;
        if (!list_ok(x.in.extent_start, x.nr_exchanged, in_n - 1) ||
            !list_ok(x.out.extent_start, out_done, out_n - 1))
            rc = -XEN_EFAULT;
        else if (XENMEMF_get_node(x.out.mem_flags) != 0xFF && XENMEMF_get_node(x.out.mem_flags) != 0)
            rc = -XEN_EINVAL; // one NUMA node, node 0
        else
            rc = memory_target_domain(v, x.in.domid, d);
    }
    if (rc) {
        if (!copy_to_guest(arg + offsetof(xen_memory_exchange_t, nr_exchanged), x.nr_exchanged))
            rc = -XEN_EFAULT;
        return rc;
    }

    unsigned bits = XENMEMF_get_address_bits(x.out.mem_flags);
    uint32_t limit = bits == 0 || bits >= 32 + page_shift ? UINT32_MAX
                     : bits <= page_shift              ? 0
                                                       : 1u << (bits - page_shift);
    Lock_guard<Spinlock> g(exchange_lock);
    uint64_t first = x.nr_exchanged >> in_chunk, chunks = in_n >> in_chunk;
    for (uint64_t i = first; i < chunks; ++i) {
        if (i != first && arch::hypercall_preempt_check(v)) {
            x.nr_exchanged = static_cast<xen_ulong_t>(i << in_chunk);
            if (!copy_to_guest(arg + offsetof(xen_memory_exchange_t, nr_exchanged), x.nr_exchanged))
                return -XEN_EFAULT;
            return arch::hypercall_continue(v, __HYPERVISOR_memory_op, XENMEM_exchange, arg);
        }
        rc = exchange_chunk(*d, x, i, in_chunk, out_chunk, limit, chunk);
        if (rc) {
            unwind(*d, chunk, x.out.extent_order);
            // A failed chunk counts as not done, even when only the copy-out failed.
            x.nr_exchanged = static_cast<xen_ulong_t>(i << in_chunk);
            if (!copy_to_guest(arg + offsetof(xen_memory_exchange_t, nr_exchanged), x.nr_exchanged))
                rc = -XEN_EFAULT;
            return rc;
        }
    }
    x.nr_exchanged = x.in.nr_extents;
    return copy_to_guest(arg + offsetof(xen_memory_exchange_t, nr_exchanged), x.nr_exchanged) ? 0
                                                                                               : -XEN_EFAULT;
}
