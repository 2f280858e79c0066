// The frames a domain holds allocated (Xen's d->page_list): what its
// teardown walks. Add and remove are O(1): each frame's index in the list
// sits in its Page::next (which the frame allocator leaves alone while the
// frame is allocated), and a removal moves the last entry into the hole.
// Storage is a directory of page-sized chunks of frame numbers, taken from
// the allocator it is given. Portable.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/page.hpp"

struct Chunk_allocator {
    void* (*alloc)(void* ctx);          // one zeroed 4 KiB chunk, or nullptr
    void (*free)(void* ctx, void* chunk);
    void* ctx;
};

class Domain_frames {
public:
    static constexpr uint32_t per_chunk = 1024;  // 4-byte entries per 4 KiB chunk
    // Chunk pointers per directory chunk (1024 on i686, 512 on a 64-bit host).
    static constexpr uint32_t per_dir = 4096 / sizeof(uint32_t*);
    // Enough directories for 16 GiB of 4 KiB frames.
    static constexpr uint32_t max_dirs = (1u << 22) / (per_chunk * per_dir);

    Domain_frames() = default;  // no allocator yet: add() fails until set_allocator()
    explicit Domain_frames(const Chunk_allocator& a) : alloc_(a) {}
    void set_allocator(const Chunk_allocator& a) { alloc_ = a; }
    ~Domain_frames() { clear(); }
    Domain_frames(const Domain_frames&) = delete;
    Domain_frames& operator=(const Domain_frames&) = delete;

    // False (nothing changed) when no chunk can be had.
    [[nodiscard]] bool add(Mfn m, Page& pg);
    // Room for 'more' entries beyond count(): the next adds up to that many
    // cannot fail. False when the chunks cannot be had (some may remain).
    [[nodiscard]] bool reserve(uint32_t more);
    // pg must be the descriptor of m, which must be in the list;
    // 'lookup' finds the descriptor of the entry moved into its slot.
    void remove(Mfn m, Page& pg, Page* (*lookup)(void* ctx, Mfn), void* ctx);
    uint32_t count() const { return n_; }
    Mfn at(uint32_t i) const { return Mfn{slot(i)}; }
    // Forgets every entry and gives the chunks back.
    void clear();

private:
    uint32_t& slot(uint32_t i) const
    {
        return dirs_[i / (per_chunk * per_dir)][(i / per_chunk) % per_dir][i % per_chunk];
    }
    // The data chunk holding entry i, allocating it (and its directory) if
    // 'make'; nullptr when absent or when no chunk can be had.
    uint32_t* chunk_for(uint32_t i, bool make);

    Chunk_allocator alloc_{[](void*) -> void* { return nullptr; }, [](void*, void*) {}, nullptr};
    uint32_t** dirs_[max_dirs] = {};
    uint32_t n_ = 0;
};
