#include "hypervisor/mm/domain_frames.hpp"

uint32_t* Domain_frames::chunk_for(uint32_t i, bool make)
{
    uint32_t d = i / (per_chunk * per_dir), c = (i / per_chunk) % per_dir;
    if (d >= max_dirs)
        return nullptr;
    if (!dirs_[d]) {
        if (!make)
            return nullptr;
        dirs_[d] = static_cast<uint32_t**>(alloc_.alloc(alloc_.ctx));
        if (!dirs_[d])
            return nullptr;
    }
    if (!dirs_[d][c] && make)
        dirs_[d][c] = static_cast<uint32_t*>(alloc_.alloc(alloc_.ctx));
    return dirs_[d][c];
}

bool Domain_frames::add(Mfn m, Page& pg)
{
    uint32_t* chunk = chunk_for(n_, true);
    if (!chunk)
        return false;
    chunk[n_ % per_chunk] = raw(m);
    pg.next = n_++;
    return true;
}

bool Domain_frames::reserve(uint32_t more)
{
    uint64_t end = uint64_t{n_} + more;
    for (uint64_t i = n_; i < end; i += per_chunk - i % per_chunk)
        if (i >= uint64_t{max_dirs} * per_dir * per_chunk || !chunk_for(static_cast<uint32_t>(i), true))
            return false;
    return true;
}

void Domain_frames::remove(Mfn m, Page& pg, Page* (*lookup)(void* ctx, Mfn), void* ctx)
{
    uint32_t i = pg.next;
    if (i >= n_ || at(i) != m)
        return; // not in the list: nothing to undo
    uint32_t last = --n_;
    if (i != last) {
        Mfn moved = at(last);
        slot(i) = raw(moved);
        if (Page* mp = lookup(ctx, moved))
            mp->next = i;
    }
    pg.next = 0;
}

void Domain_frames::clear()
{
    for (uint32_t**& dir : dirs_) {
        if (!dir)
            continue;
        for (uint32_t c = 0; c < per_dir; ++c)
            if (dir[c])
                alloc_.free(alloc_.ctx, dir[c]);
        alloc_.free(alloc_.ctx, dir);
        dir = nullptr;
    }
    n_ = 0;
}
