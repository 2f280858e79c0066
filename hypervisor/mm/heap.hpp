// The hypervisor's heap for its own objects (domains, vCPUs, tables).
//
// Small sizes come from slabs: one frame per slab, a header at its start,
// objects of one size class after it, an allocation bitmap in the header
// (which also catches double frees). Sizes above the largest class take a
// whole block of frames from the frame source; such pointers, and only
// those, are frame-aligned, which is how free() tells them apart.
//
// Memory is returned zeroed. Alignment: 16 bytes for slab objects, 4 KiB
// for whole-frame allocations. The frame source must hand out frames
// reachable through a permanent mapping (the direct map in the hypervisor).
// Lock order: the heap's lock is taken before the frame source's.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hypervisor/lib/spinlock.hpp"

struct Frame_source {
    // 2^order frames, contiguous and frame-aligned, or nullptr.
    void* (*alloc)(void* ctx, unsigned order);
    // Returns a block alloc() gave out; false if 'p' is not one.
    bool (*free)(void* ctx, void* p, unsigned order);
    // The order of the block alloc() gave out at 'p', or -1.
    int (*order_of)(void* ctx, const void* p);
    void* ctx;
};

class Heap {
public:
    static constexpr size_t frame_bytes = 4096;
    static constexpr size_t header_bytes = 128;
    static constexpr unsigned classes = 8;
    static constexpr size_t class_size[classes] = {16, 32, 64, 128, 256, 512, 1024, 1984};
    static constexpr size_t largest_small = 1984;
    static constexpr unsigned max_order = 11;

    constexpr Heap() = default;
    Heap(const Heap&) = delete;
    Heap& operator=(const Heap&) = delete;

    void init(const Frame_source& src) { src_ = src; }

    // nullptr for size 0 or when memory is exhausted.
    [[nodiscard]] void* alloc(size_t size);
    // nullptr is accepted. Anything not handed out by alloc() (wrong
    // address, already freed) is refused with false and changes nothing.
    [[nodiscard]] bool free(void* p);

    size_t bytes_in_use() const { return in_use_; }
    uint32_t slab_frames() const { return slab_frames_; }

private:
    struct Slab;
    void* alloc_small(unsigned cls);
    void* alloc_large(size_t size);
    bool free_small(Slab* s, void* p);
    void unlink(Slab* s);

    Frame_source src_{};
    Slab* partial_[classes] = {};  // slabs of each class with a free object
    size_t in_use_ = 0;
    uint32_t slab_frames_ = 0;
    Spinlock lock_;
};

// The hypervisor's heap (arch side sets it up; see arch/x86_32/boot/mm_boot.hpp).
[[nodiscard]] void* heap_alloc(size_t size);
void heap_free(void* p);
