// Where the toolstack library gets its memory. The library never calls the
// global operator new or malloc: every object that outlives a call is made
// through an Allocator handed in by whoever hosts the library (the dom0
// kernel's heap, malloc in a Linux program, a counting or failing allocator
// in the tests). Portable and freestanding.
#pragma once
#include <cstddef>
#include <new>

namespace toolstack {

struct Allocator {
    // size bytes aligned to at least 8, or nullptr when out of memory.
    void* (*alloc)(void* ctx, size_t size) = nullptr;
    // Gives back a block from alloc; size is the size it was asked for.
    void (*release)(void* ctx, void* p, size_t size) = nullptr;
    void* ctx = nullptr;

    [[nodiscard]] void* allocate(size_t size) const { return alloc(ctx, size); }
    void free(void* p, size_t size) const
    {
        if (p)
            release(ctx, p, size);
    }
};

// Objects with a destructor, made and unmade through an Allocator.
template <class T, class... Args> [[nodiscard]] T* create(const Allocator& a, Args&&... args)
{
    void* p = a.allocate(sizeof(T));
    return p ? new (p) T(static_cast<Args&&>(args)...) : nullptr;
}

template <class T> void destroy(const Allocator& a, T* p)
{
    if (!p)
        return;
    p->~T();
    a.free(p, sizeof(T));
}

} // namespace toolstack
