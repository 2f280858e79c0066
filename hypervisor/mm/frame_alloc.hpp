// Buddy allocator for machine frames, over the frame table.
//
// Memory is split into three pools by what callers may need of a frame:
//   pool 0: frames below 72 MiB (the direct map: the heap, early tables)
//   pool 1: frames from 72 MiB to 4 GiB (PAE L3 tables, 32-bit DMA)
//   pool 2: frames above 4 GiB
// Both boundaries are multiples of 2^max_order frames, so a buddy block
// never straddles two pools. A Zone names what a caller needs; it is served
// from the highest pool that satisfies it, keeping scarce low memory for
// those who must have it.
//
// The Page array is the truth: a free block has its head in state 'free'
// with its order and its other frames in 'free_tail'; an allocated block
// has its head 'allocated' with its order and its other frames 'allocated'
// with order 'tail_order'. A bitmap per order (bit set = a free block of
// exactly that order starts here) finds buddies in O(1) and free blocks by
// scanning from a per-pool hint; it needs no link fields beyond the Page.
//
// The allocator only writes 'state', 'order' and 'next' of a Page (and
// resets 'owner' to DOMID_INVALID on allocation); reference counts belong
// to the page-type code and are left alone.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/page.hpp"
#include "hypervisor/lib/spinlock.hpp"

enum class Zone : uint8_t {
    direct,    // below 72 MiB: reachable through the direct map
    below_4g,  // below 4 GiB
    any,
};

constexpr uint16_t domid_invalid = 0x7FF4;  // DOMID_INVALID, public/xen.h

// An unused descriptor: no owner, zero counts, in the given state.
inline void init_page(Page& p, Frame_state s)
{
    p.count_info = 0;
    p.type_info = 0;
    p.owner = domid_invalid;
    p.state = s;
    p.order = 0;
    p.next = 0;
}

class Frame_allocator {
public:
    static constexpr unsigned max_order = 11;          // 8 MiB blocks
    static constexpr uint32_t direct_frames = 0x4800;  // 72 MiB
    static constexpr uint32_t low_frames = 0x100000;   // 4 GiB
    static constexpr unsigned pools = 3;
    static constexpr uint8_t tail_order = 0xFF;

    constexpr Frame_allocator() = default;
    Frame_allocator(const Frame_allocator&) = delete;
    Frame_allocator& operator=(const Frame_allocator&) = delete;

    // Bitmap words the allocator needs for a table of nr_frames.
    static size_t bitmap_words(uint32_t nr_frames);

    // 'pages' holds nr_frames descriptors already set to absent or reserved;
    // 'bitmap' holds bitmap_words(nr_frames) words. Both outlive the
    // allocator. Returns false if the bitmap is too small.
    [[nodiscard]] bool init(Page* pages, uint32_t nr_frames, uint32_t* bitmap, size_t words);

    // Boot: hands the reserved frames of [first, first+count) to the free
    // lists (others are skipped). Returns how many frames were added.
    uint32_t add_free(Mfn first, uint32_t count);

    // A block of 2^order frames aligned to its size, or invalid_mfn.
    [[nodiscard]] Mfn alloc(unsigned order, Zone z);
    // The same, wholly below frame 'limit' (XENMEMF_address_bits): from the
    // highest pool that has such a block.
    [[nodiscard]] Mfn alloc_below(unsigned order, uint32_t limit);
    // Refuses (returns false, changes nothing) unless [m, m + 2^order) is
    // exactly one block handed out by alloc(order, ...).
    [[nodiscard]] bool free(Mfn m, unsigned order);
    // Turns one allocated block of 2^order frames into 2^order blocks of
    // one frame each, so they can be freed one by one (a guest gives pages
    // back singly). False unless [m, m + 2^order) is one allocated block.
    [[nodiscard]] bool split(Mfn m, unsigned order);

    // Free frames a caller asking for zone z could get.
    uint32_t free_frames(Zone z) const;
    uint32_t free_in_pool(unsigned pool) const { return free_count_[pool]; }
    uint32_t nr_frames() const { return nr_frames_; }
    // The block order of an allocated block's head, or -1 if m is not one.
    int allocated_order(Mfn m) const;

private:
    static unsigned pool_of(uint32_t frame);
    uint32_t pool_start(unsigned pool) const;
    uint32_t pool_end(unsigned pool) const;

    bool test_bit(unsigned order, uint32_t idx) const;
    void set_head(uint32_t frame, unsigned order);
    void clear_head(uint32_t frame, unsigned order);
    uint32_t find_head(unsigned pool, unsigned order, uint32_t limit, uint32_t need);
    void insert_free(uint32_t frame, unsigned order);
    uint32_t take_block(unsigned pool, unsigned order, uint32_t limit);
    bool block_is_allocated(uint32_t frame, unsigned order) const;

    Page* pages_ = nullptr;
    uint32_t nr_frames_ = 0;
    uint32_t* bitmap_ = nullptr;
    uint32_t bitmap_offset_[max_order + 1] = {};         // in words
    uint32_t free_blocks_[pools][max_order + 1] = {};
    uint32_t hint_[pools][max_order + 1] = {};          // lowest block index that may be free
    uint32_t free_count_[pools] = {};
    mutable Spinlock lock_;
};
