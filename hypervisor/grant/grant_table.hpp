// A domain's grant table (public/grant_table.h): the entries it shares
// with other domains (in frames the guest maps and writes), the active
// entries the hypervisor keeps for each pinned grant, and, for the domain
// as a mapper of other domains' grants, its maptrack: one entry per
// mapping made by map_grant_ref, indexed by the handle the guest holds.
//
// One Grant_table per domain, reached through Domain::grant. Sizes follow
// Xen: the table starts with one frame (INITIAL_NR_GRANT_FRAMES) and grows
// (setup_table) up to max_frames (gnttab_max_frames, 64 by default);
// maptrack pages are added as mappings need them, up to
// max_maptrack_frames (gnttab_max_maptrack_frames, 1024).
//
// Locking. 'lock' guards the table as granter: version, frames, active
// entries and the hypervisor's updates of the shared entries.
// 'maptrack_lock' guards the table as mapper. Order: the mapper's
// maptrack_lock, then the granter's lock, then one domain's mm_lock at a
// time (the mapper's for its page tables, the granter's for its frames'
// counts; never two mm_locks).
//
// References. A pinned grant holds no page reference by itself. Each
// mapping holds one general reference on the frame per kind (host, device)
// and, unless read-only, one writable type reference per kind. A host
// mapping's references belong to the PTE it installed, as any L1 entry's
// (Xen's PV rule: whoever removes the PTE drops them, a guest's
// mmu_update included); device mappings' belong to the maptrack entry.
#pragma once
#include <cstdint>

// frame_space.hpp before public headers: it declares the DOMID_* constants
// that public/xen.h turns into macros.
#include "hypervisor/grant/grant_env.hpp"
#include "hypervisor/lib/spinlock.hpp"
#include "hypervisor/mm/frame_space.hpp"
#include "public/grant_table.h"

struct Domain;

// The four pin counters of an active entry (Xen's GNTPIN_*): host-writable,
// host-read-only, device-writable, device-read-only mappings and copies in
// progress, 8 bits each in one word.
namespace gntpin {
constexpr uint32_t width = 8;
constexpr uint32_t hstw = 1u << 0;
constexpr uint32_t hstr = 1u << 8;
constexpr uint32_t devw = 1u << 16;
constexpr uint32_t devr = 1u << 24;
constexpr uint32_t counter_mask(uint32_t inc)
{
    return 0xFFu * inc;
}
constexpr uint32_t writers = counter_mask(hstw) | counter_mask(devw);
// A counter that reached 128 takes no more (Xen's GNTPIN_incr2oflow_mask).
constexpr uint32_t overflow_mask(uint32_t incs)
{
    return incs << (width - 1);
}
constexpr uint32_t count(uint32_t pin, uint32_t inc)
{
    return (pin / inc) & 0xFFu;
}
static_assert(counter_mask(devr) == 0xFF000000u && (writers & (hstr | devr)) == 0);
static_assert(overflow_mask(hstw | devr) == 0x80000080u);
} // namespace gntpin

// The hypervisor's shadow of a pinned grant (Xen's active_grant_entry).
struct Active_entry {
    uint32_t pin = 0;      // gntpin counters; 0: not pinned
    Mfn mfn = invalid_mfn; // the frame, fixed while pinned
    uint16_t domid = 0;    // the domain the pins are for
    uint16_t start = 0;    // the accessible window: [start, start + length)
    uint16_t length = 0;   // page_size for a full-page grant
    bool sub_page = false; // v2 GTF_sub_page: copy only, never mapped
    uint8_t pad = 0;
};
static_assert(sizeof(Active_entry) == 16);

// One mapping of the domain as a mapper (Xen's grant_mapping).
struct Maptrack_entry {
    uint32_t ref = 0;    // the grant; on the free list, the next free handle
    uint8_t flags = 0;   // GNTMAP_* kinds still mapped; 0: free (if nothing pending)
    uint8_t pending = 0; // kinds unmapped whose references are dropped after
                         // the TLB flush (unmap's second phase)
    uint16_t domid = 0;  // the granting domain
    uint64_t pte = 0;    // machine address of the host PTE it installed, or 0
};
static_assert(sizeof(Maptrack_entry) == 16);

struct Grant_limits {
    uint32_t max_frames = 64;            // Xen's gnttab_max_frames
    uint32_t max_maptrack_frames = 1024; // Xen's gnttab_max_maptrack_frames
    uint32_t max_version = 2;            // XEN_DOMCTL_GRANT_version: 1 or 2
};

struct Grant_table {
    static constexpr uint32_t v1_per_frame = page_size / sizeof(grant_entry_v1_t);
    static constexpr uint32_t v2_per_frame = page_size / sizeof(grant_entry_v2_t);
    static constexpr uint32_t status_per_frame = page_size / sizeof(grant_status_t);
    static constexpr uint32_t active_per_page = page_size / sizeof(Active_entry);
    static constexpr uint32_t maptrack_per_page = page_size / sizeof(Maptrack_entry);
    static constexpr uint32_t initial_frames = 1;      // INITIAL_NR_GRANT_FRAMES
    static constexpr uint32_t no_handle = 0xFFFFFFFFu; // end of the maptrack free list
    static_assert(v1_per_frame % active_per_page == 0);

    Spinlock lock;
    Spinlock maptrack_lock;

    uint16_t domid = 0;
    uint8_t version = 1;
    uint8_t max_version = 2;
    bool dying = false; // no new pins or mappings by or of this domain

    uint32_t max_frames = 0;
    uint32_t nr_frames = 0;
    uint32_t nr_status_frames = 0;   // version 2 only
    Shared_frame* shared = nullptr;  // [max_frames]
    Shared_frame* status = nullptr;  // [status_frames_for(max_frames)]
    Active_entry** active = nullptr; // [active_pages_for(max_frames)] pages

    uint32_t max_maptrack_frames = 0;
    uint32_t maptrack_limit = 0; // handles [0, maptrack_limit) exist
    uint32_t maptrack_free = no_handle;
    uint32_t maptrack_used = 0;          // handles not on the free list
    Maptrack_entry** maptrack = nullptr; // [max_maptrack_frames] pages

    static constexpr uint32_t status_frames_for(uint32_t frames)
    {
        return (frames * v2_per_frame + status_per_frame - 1) / status_per_frame;
    }
    // Active entries are sized for v1, the version with more entries.
    static constexpr uint32_t active_pages_for(uint32_t frames)
    {
        return frames * (v1_per_frame / active_per_page);
    }

    uint32_t per_frame() const { return version == 1 ? v1_per_frame : v2_per_frame; }
    uint32_t nr_entries() const { return nr_frames * per_frame(); }

    // The entry's first word: flags in bits 15..0, domid in 31..16 (the
    // little-endian layout of grant_entry_header).
    uint32_t* header(uint32_t ref) const;
    // Version 1: the frame word. Version 2: the entry's four words.
    uint32_t* v1_frame(uint32_t ref) const;
    uint32_t* v2_words(uint32_t ref) const;
    // Version 2 status word; nullptr in version 1 (the flags are in the header).
    uint16_t* status_word(uint32_t ref) const;
    Active_entry& active_entry(uint32_t ref) const
    {
        return active[ref / active_per_page][ref % active_per_page];
    }
    Maptrack_entry* map_entry(uint32_t handle) const;
};

constexpr uint16_t header_flags(uint32_t w)
{
    return static_cast<uint16_t>(w);
}
constexpr uint16_t header_domid(uint32_t w)
{
    return static_cast<uint16_t>(w >> 16);
}

namespace grant {

// Gives d its table with the first frame. 0, -EINVAL (limits: fewer than
// one frame, a version other than 1 or 2), -EEXIST, or -ENOMEM.
[[nodiscard]] long table_create(Grant_env& env, Domain& d, const Grant_limits& lim);

// Grows t (lock held) to n frames, and in version 2 its status frames to
// match; false when memory runs out (t keeps what it had).
[[nodiscard]] bool grow(Grant_env& env, Grant_table& t, uint32_t n);
// Version 2 status frames for t's current size; false on exhaustion.
[[nodiscard]] bool populate_status(Grant_env& env, Grant_table& t);
// Back to no status frames: -EBUSY (nothing freed) while the guest still
// maps one of them.
[[nodiscard]] long unpopulate_status(Grant_env& env, Grant_table& t);

// Makes a fresh frame f the guest's 'owner' as Xen's
// share_xen_page_with_guest(SHARE_rw) does: the hypervisor holds its only
// general reference and a writable type reference, so the frame can never
// become a page table and the guest cannot give it back; no allocation
// reference (it is not counted in tot_pages).
void share_frame(Frame_space& fs, Mfn m, uint16_t owner);
// Drops the hypervisor's two references; the frame is released when no
// guest mapping holds it any more.
void unshare_frame(Frame_space& fs, const Domain& owner, Mfn m);
// True when nothing but the hypervisor holds the frame.
bool frame_unused(Frame_space& fs, Mfn m);

} // namespace grant
