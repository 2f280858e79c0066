// Giving a dying domain's memory back (Xen's relinquish_memory, run by
// domain_relinquish_resources): every frame on the domain's list loses its
// pin and its allocation reference, and every page table stops holding the
// references of its entries, so each frame returns to the allocator
// (Frame_space::page_released) as soon as nothing else holds it. Frames
// another domain still maps or types keep their references and go when
// those do; until then they stay owned by the dying domain.
//
// Page tables may reference each other in ways no single put undoes: a
// pinned L2 linearly mapped by another L2, an L1 mapping its own L2
// read-only, cycles of general references through read-only mappings.
// Like Xen, the passes force devalidation: a table of the pass's level
// that is still validated loses the flag (its type count stays, held by
// whoever holds it) and its entries' references go. The passes run bottom
// up (L1s, L2s, L3s, then the release of pins and allocations), unlike
// Xen's top-down ones: a table whose entries are dropped then only points
// at tables already devalidated, so no frame's work recurses through a
// tree below it and each step is bounded (512 entries, at most one linear
// L2 below). Except for tables the guest gave back (decrease_reservation)
// while another table still used them: they left the list, the passes do
// not reach them, and each goes with the step that drops its last type
// reference, with whatever given-back tables it holds in turn (at most
// L3 -> L2 -> linear L2 -> L1: four levels, but a whole tree in one step;
// keeping them listed as Xen does would bound that step too). Nothing of
// the domain can use its tables any more: its vCPUs are gone and no other
// domain may type another's page tables.
//
// Work is done frame by frame; after each frame 'stop' is asked whether to
// make way (a hypercall continuation). The progress records where to carry
// on, so repeated calls with any budget end in the same state as one.
// Caller holds the domain's mm_lock. Portable.
#pragma once
#include <cstdint>

#include "hypervisor/mm/domain_frames.hpp"
#include "hypervisor/mm/frame_space.hpp"

struct Relinquish_progress {
    enum class Pass : uint8_t { l1, l2, l3, release, done };
    Pass pass = Pass::l1;
    uint32_t next = 0; // index in the frame list within the pass
};

struct Relinquish_budget {
    bool (*stop)(void* ctx) = nullptr; // nullptr: never stop
    void* ctx = nullptr;
};

// A frame leaving its domain (relinquished, or given back by
// decrease_reservation as Xen's guest_remove_page does) loses its pin: the
// pin's type and general references. Without this a pinned frame the
// guest gave back would keep itself forever. Caller holds the owner's
// mm_lock and still holds the allocation reference.
void release_pin(Mm_ctx& c, Mfn m, Page& pg);

// The domain whose memory goes: c.dom, its frame list and its tot_pages.
// True once every frame of the list is released (the list is empty); false
// when the budget stopped it first (progress was made).
[[nodiscard]] bool relinquish_memory(Mm_ctx& c, Domain_frames& frames, uint32_t& tot_pages,
                                     Relinquish_progress& p, const Relinquish_budget& b);
