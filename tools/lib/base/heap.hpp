// A heap over one fixed range of memory, for a kernel with no other (the
// dom0 kernel's BSS): first fit over a free list kept in address order,
// neighbours merged on release. Blocks carry no header, since an
// Allocator's release is told the size (allocator.hpp); sizes round up to
// 16 bytes. Every operation walks the free list, which stays short while
// the toolstack's allocations are long-lived. Portable and freestanding;
// single-threaded.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/base/allocator.hpp"

namespace toolstack {

class Heap {
public:
    static constexpr size_t granule = 16;

    // [base, base + len): base aligned to granule (the rest is cut off).
    Heap(void* base, size_t len);
    Heap(const Heap&) = delete;
    Heap& operator=(const Heap&) = delete;

    [[nodiscard]] void* alloc(size_t size);
    void release(void* p, size_t size);
    Allocator allocator() { return Allocator{alloc_cb, release_cb, this}; }

    size_t free_bytes() const { return free_; }
    size_t size() const { return len_; }
    // The free list is in address order, within the range, merged, and adds
    // up to free_bytes().
    bool consistent() const;

private:
    struct Free_block {
        Free_block* next;
        size_t size;
    };
    static void* alloc_cb(void* ctx, size_t n) { return static_cast<Heap*>(ctx)->alloc(n); }
    static void release_cb(void* ctx, void* p, size_t n) { static_cast<Heap*>(ctx)->release(p, n); }
    static size_t round(size_t n) { return (n + granule - 1) & ~(granule - 1); }

    uintptr_t base_ = 0;
    size_t len_ = 0;
    size_t free_ = 0;
    Free_block* head_ = nullptr;
};

} // namespace toolstack
