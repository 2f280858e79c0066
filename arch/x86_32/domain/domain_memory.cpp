#include "hypervisor/mm/domain_memory.hpp"

#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/relinquish.hpp"

namespace {

Page* page_of(void*, Mfn m) { return mfn_to_page(m); }

// The frame is d's, allocated and listed; room in the list was reserved.
void own(Domain& d, Mfn m)
{
    Page& pg = *mfn_to_page(m);
    assign_page(pg, d.id);
    (void)d.frames.add(m, pg);
    domain_frame_owned(d);
}

// The allocation reference is gone: the frame leaves d's list (it stays
// d's until its last reference goes, page_released).
void unlist(Domain& d, Mfn m) { d.frames.remove(m, *mfn_to_page(m), page_of, nullptr); }

} // namespace

Mfn domain_add_extent(Domain& d, unsigned order, Zone z)
{
    uint32_t pages = 1u << order;
    if (d.tot_pages + pages > d.max_pages || d.tot_pages + pages < d.tot_pages)
        return invalid_mfn;
    if (!domain_reserve_frames(d, pages))
        return invalid_mfn;
    Mfn m = alloc_frames(order, z);
    if (m == invalid_mfn)
        return invalid_mfn;
    domain_take_frames(d, m, order);
    d.tot_pages += pages;
    return m;
}

bool domain_reserve_frames(Domain& d, uint32_t pages) { return d.frames.reserve(pages); }

void domain_take_frames(Domain& d, Mfn first, unsigned order)
{
    if (order)
        (void)frame_allocator().split(first, order);
    for (uint32_t i = 0; i < (1u << order); ++i) {
        // Whatever the frame held before must not leak into the guest.
        arch::Frame_mapping f(first + i);
        __builtin_memset(f.get(), 0, page_size);
        own(d, first + i);
    }
}

bool domain_steal_page(Domain& d, Mfn m)
{
    Page* pg = mfn_to_page(m);
    if (!pg || pg->owner != d.id || pg->count_info != (pgc::allocated | 1) ||
        pgt::count(pg->type_info) != 0 || (pg->type_info & pgt::pinned))
        return false;
    unlist(d, m);
    pg->count_info = 0;
    pg->type_info = 0;
    pg->owner = DOMID_INVALID;
    domain_frame_disowned(d.id);
    return true;
}

// The list keeps its chunks, so the frame always fits back in.
void domain_return_page(Domain& d, Mfn m) { own(d, m); }

void domain_free_stolen_page(Mfn m)
{
    arch::m2p_set(m, arch::m2p_invalid);
    (void)free_frames(m, 0);
}

bool domain_release_extent(Domain& d, Mfn first, unsigned order)
{
    for (uint32_t i = 0; i < (1u << order); ++i) {
        Page* pg = mfn_to_page(first + i);
        if (!pg || pg->owner != d.id || !pgc::is_allocated(pg->count_info))
            return false;
        arch::m2p_set(first + i, arch::m2p_invalid);
        --d.tot_pages;
        Mm_ctx ctx{arch::pv_frame_space(), d.mm};
        release_pin(ctx, first + i, *pg);
        unlist(d, first + i);
        // Frames still mapped or typed keep their references until released.
        if (relinquish_page(*pg))
            arch::pv_frame_space().page_released(first + i);
    }
    return true;
}
