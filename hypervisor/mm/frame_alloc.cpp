#include "hypervisor/mm/frame_alloc.hpp"

namespace {

constexpr uint32_t words_for(uint32_t bits) { return (bits + 31) / 32; }
constexpr uint32_t block_frames(unsigned order) { return 1u << order; }

} // namespace

size_t Frame_allocator::bitmap_words(uint32_t nr_frames)
{
    size_t words = 0;
    for (unsigned k = 0; k <= max_order; ++k)
        words += words_for((nr_frames >> k) + 1);
    return words;
}

bool Frame_allocator::init(Page* pages, uint32_t nr_frames, uint32_t* bitmap, size_t words)
{
    if (words < bitmap_words(nr_frames))
        return false;
    Lock_guard<Spinlock> g(lock_);
    pages_ = pages;
    nr_frames_ = nr_frames;
    bitmap_ = bitmap;
    uint32_t off = 0;
    for (unsigned k = 0; k <= max_order; ++k) {
        bitmap_offset_[k] = off;
        off += words_for((nr_frames >> k) + 1);
    }
    for (uint32_t w = 0; w < off; ++w)
        bitmap_[w] = 0;
    for (unsigned p = 0; p < pools; ++p) {
        free_count_[p] = 0;
        for (unsigned k = 0; k <= max_order; ++k) {
            free_blocks_[p][k] = 0;
            hint_[p][k] = pool_start(p) >> k;
        }
    }
    return true;
}

unsigned Frame_allocator::pool_of(uint32_t frame)
{
    return frame < direct_frames ? 0 : frame < low_frames ? 1 : 2;
}

uint32_t Frame_allocator::pool_start(unsigned pool) const
{
    uint32_t s = pool == 0 ? 0 : pool == 1 ? direct_frames : low_frames;
    return s < nr_frames_ ? s : nr_frames_;
}

uint32_t Frame_allocator::pool_end(unsigned pool) const
{
    return pool + 1 < pools ? pool_start(pool + 1) : nr_frames_;
}

bool Frame_allocator::test_bit(unsigned order, uint32_t idx) const
{
    return (bitmap_[bitmap_offset_[order] + idx / 32] >> (idx % 32)) & 1;
}

void Frame_allocator::set_head(uint32_t frame, unsigned order)
{
    uint32_t idx = frame >> order;
    unsigned pool = pool_of(frame);
    bitmap_[bitmap_offset_[order] + idx / 32] |= 1u << (idx % 32);
    ++free_blocks_[pool][order];
    if (idx < hint_[pool][order])
        hint_[pool][order] = idx;
    Page& p = pages_[frame];
    p.state = Frame_state::free;
    p.order = static_cast<uint8_t>(order);
    p.next = 0;
}

void Frame_allocator::clear_head(uint32_t frame, unsigned order)
{
    uint32_t idx = frame >> order;
    bitmap_[bitmap_offset_[order] + idx / 32] &= ~(1u << (idx % 32));
    --free_blocks_[pool_of(frame)][order];
}

// Lowest free block of 'order' in 'pool' whose first 'need' frames end at
// or below frame 'limit' (need <= limit), or nr_frames_ if there is none.
uint32_t Frame_allocator::find_head(unsigned pool, unsigned order, uint32_t limit, uint32_t need)
{
    uint32_t first = hint_[pool][order];
    uint32_t end = (pool_end(pool) + block_frames(order) - 1) >> order;  // in blocks
    uint32_t below = ((limit - need) >> order) + 1;  // blocks starting low enough
    if (below < end)
        end = below;
    const uint32_t* map = bitmap_ + bitmap_offset_[order];
    for (uint32_t w = first / 32; w * 32 < end; ++w) {
        uint32_t bits = map[w];
        if (w == first / 32)
            bits &= ~0u << (first % 32);
        if (bits == 0)
            continue;
        uint32_t idx = w * 32 + static_cast<uint32_t>(__builtin_ctz(bits));
        if (idx >= end)
            break;
        hint_[pool][order] = idx;
        return idx << order;
    }
    return nr_frames_;  // none below the limit (or counts and bitmap disagree)
}

// Puts a block whose frames are all owned by the caller on the free lists,
// merging it with free buddies.
void Frame_allocator::insert_free(uint32_t frame, unsigned order)
{
    free_count_[pool_of(frame)] += block_frames(order);
    while (order < max_order) {
        uint32_t buddy = frame ^ block_frames(order);
        if (buddy + block_frames(order) > nr_frames_ || !test_bit(order, buddy >> order))
            break;
        clear_head(buddy, order);
        pages_[buddy].state = Frame_state::free_tail;
        pages_[frame].state = Frame_state::free_tail;
        frame &= ~block_frames(order);
        ++order;
    }
    set_head(frame, order);
}

// Takes a free block of at least 'order' from 'pool' whose first 2^order
// frames lie below frame 'limit', splits it down (the low part is kept) and
// returns its first frame, or nr_frames_ if the pool has none.
uint32_t Frame_allocator::take_block(unsigned pool, unsigned order, uint32_t limit)
{
    unsigned k = order;
    uint32_t frame = nr_frames_;
    for (; k <= max_order; ++k) {
        if (free_blocks_[pool][k] == 0)
            continue;
        frame = find_head(pool, k, limit, block_frames(order));
        if (frame < nr_frames_)
            break;
    }
    if (frame >= nr_frames_)
        return nr_frames_;
    clear_head(frame, k);
    while (k > order) {
        --k;
        set_head(frame + block_frames(k), k);  // the upper half stays free
    }
    free_count_[pool] -= block_frames(order);
    for (uint32_t i = 0; i < block_frames(order); ++i) {
        Page& p = pages_[frame + i];
        p.state = Frame_state::allocated;
        p.order = i == 0 ? static_cast<uint8_t>(order) : tail_order;
        p.owner = domid_invalid;
        p.next = 0;
    }
    return frame;
}

uint32_t Frame_allocator::add_free(Mfn first, uint32_t count)
{
    Lock_guard<Spinlock> g(lock_);
    uint32_t f = raw(first);
    uint32_t end = f + count < f || f + count > nr_frames_ ? nr_frames_ : f + count;
    uint32_t added = 0;
    while (f < end) {
        if (pages_[f].state != Frame_state::reserved) {
            ++f;
            continue;
        }
        uint32_t run_end = f;
        while (run_end < end && pages_[run_end].state == Frame_state::reserved)
            ++run_end;
        // Largest aligned blocks that fit: alignment of f, room left, max_order.
        while (f < run_end) {
            unsigned k = 0;
            while (k < max_order && (f & block_frames(k)) == 0 && f + block_frames(k + 1) <= run_end)
                ++k;
            for (uint32_t i = 1; i < block_frames(k); ++i)
                pages_[f + i].state = Frame_state::free_tail;
            insert_free(f, k);
            added += block_frames(k);
            f += block_frames(k);
        }
    }
    return added;
}

Mfn Frame_allocator::alloc(unsigned order, Zone z)
{
    uint32_t limit = z == Zone::any ? UINT32_MAX : z == Zone::below_4g ? low_frames : direct_frames;
    return alloc_below(order, limit);
}

Mfn Frame_allocator::alloc_below(unsigned order, uint32_t limit)
{
    if (order > max_order || limit < block_frames(order))
        return invalid_mfn;
    Lock_guard<Spinlock> g(lock_);
    // Highest acceptable pool first, keeping low memory for those who need it.
    for (unsigned p = pools; p-- > 0;) {
        if (pool_start(p) >= limit)
            continue;
        uint32_t frame = take_block(p, order, limit);
        if (frame < nr_frames_)
            return Mfn{frame};
    }
    return invalid_mfn;
}

bool Frame_allocator::block_is_allocated(uint32_t frame, unsigned order) const
{
    const Page& head = pages_[frame];
    if (head.state != Frame_state::allocated || head.order != order)
        return false;
    for (uint32_t i = 1; i < block_frames(order); ++i)
        if (pages_[frame + i].state != Frame_state::allocated ||
            pages_[frame + i].order != tail_order)
            return false;
    return true;
}

bool Frame_allocator::free(Mfn m, unsigned order)
{
    uint32_t frame = raw(m);
    if (order > max_order || frame >= nr_frames_ || (frame & (block_frames(order) - 1)) ||
        block_frames(order) > nr_frames_ - frame)
        return false;
    Lock_guard<Spinlock> g(lock_);
    if (!block_is_allocated(frame, order))
        return false;
    for (uint32_t i = 1; i < block_frames(order); ++i)
        pages_[frame + i].state = Frame_state::free_tail;
    insert_free(frame, order);
    return true;
}

bool Frame_allocator::split(Mfn m, unsigned order)
{
    uint32_t frame = raw(m);
    if (order > max_order || frame >= nr_frames_ || block_frames(order) > nr_frames_ - frame)
        return false;
    Lock_guard<Spinlock> g(lock_);
    if (!block_is_allocated(frame, order))
        return false;
    for (uint32_t i = 0; i < block_frames(order); ++i)
        pages_[frame + i].order = 0;
    return true;
}

uint32_t Frame_allocator::free_frames(Zone z) const
{
    Lock_guard<Spinlock> g(lock_);
    uint32_t n = free_count_[0];
    if (z != Zone::direct)
        n += free_count_[1];
    if (z == Zone::any)
        n += free_count_[2];
    return n;
}

int Frame_allocator::allocated_order(Mfn m) const
{
    uint32_t frame = raw(m);
    if (frame >= nr_frames_)
        return -1;
    Lock_guard<Spinlock> g(lock_);
    const Page& p = pages_[frame];
    if (p.state != Frame_state::allocated || p.order == tail_order)
        return -1;
    return p.order;
}
