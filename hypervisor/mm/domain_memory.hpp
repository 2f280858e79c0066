// A domain's memory: frames enter it zeroed and owned (one allocation
// reference each) and leave it when the domain gives them back and the last
// reference goes. tot_pages never exceeds max_pages.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_alloc.hpp"

struct Domain;

// 2^order contiguous frames for d, or invalid_mfn (limit reached or no
// memory).
[[nodiscard]] Mfn domain_add_extent(Domain& d, unsigned order, Zone z);

// Gives back 2^order frames starting at 'first'; each must be d's. False
// (nothing changed for the failing frame) if one is not. The caller holds
// d.mm_lock (a pinned frame loses its pin, a page-table change).
[[nodiscard]] bool domain_release_extent(Domain& d, Mfn first, unsigned order);

// XENMEM_exchange's steps (Xen's steal_page and assign_pages with
// MEMF_no_refcount): tot_pages is left alone, the caller trades frames one
// for one.
// Takes frame m from d if d owns it and nothing but the allocation holds it
// (no mapping, no type reference, not pinned); it then belongs to nobody.
[[nodiscard]] bool domain_steal_page(Domain& d, Mfn m);
// Undoes domain_steal_page(): m is d's again, as it was.
void domain_return_page(Domain& d, Mfn m);
// A stolen frame goes back to the allocator.
void domain_free_stolen_page(Mfn m);
// 2^order fresh frames from the allocator become d's, zeroed, each freeable
// on its own. Room for them in d's frame list must have been reserved.
void domain_take_frames(Domain& d, Mfn first, unsigned order);
// Room in d's frame list for 'pages' more frames; false when short of memory.
[[nodiscard]] bool domain_reserve_frames(Domain& d, uint32_t pages);
