#include "hypervisor/mm/heap.hpp"

namespace {

constexpr uint32_t slab_magic = 0x51AB51ABu;
constexpr unsigned map_words = 8;  // enough for (4096 - 128) / 16 = 248 objects

void zero(void* p, size_t bytes)
{
    // Sizes here are multiples of 16; word stores keep it quick without
    // relying on a library memset.
    auto* w = static_cast<uint32_t*>(p);
    for (size_t i = 0; i < bytes / 4; ++i)
        w[i] = 0;
}

uintptr_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

} // namespace

struct Heap::Slab {
    uint32_t magic;
    uint16_t cls;
    uint16_t used;
    Slab* next;  // on partial_[cls] while 0 < free objects
    Slab* prev;
    uint32_t map[map_words];  // bit set = object handed out

    static unsigned capacity(unsigned cls)
    {
        return static_cast<unsigned>((frame_bytes - header_bytes) / class_size[cls]);
    }
    char* object(unsigned i) { return reinterpret_cast<char*>(this) + header_bytes + i * class_size[cls]; }
};

void Heap::unlink(Slab* s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        partial_[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = nullptr;
}

void* Heap::alloc_small(unsigned cls)
{
    Slab* s = partial_[cls];
    if (!s) {
        static_assert(sizeof(Slab) <= header_bytes);
        s = static_cast<Slab*>(src_.alloc(src_.ctx, 0));
        if (!s)
            return nullptr;
        zero(s, header_bytes);
        s->magic = slab_magic;
        s->cls = static_cast<uint16_t>(cls);
        partial_[cls] = s;
        ++slab_frames_;
    }
    unsigned cap = Slab::capacity(cls);
    for (unsigned i = 0; i < cap; ++i) {
        if (s->map[i / 32] & (1u << (i % 32)))
            continue;
        s->map[i / 32] |= 1u << (i % 32);
        if (++s->used == cap)
            unlink(s);
        in_use_ += class_size[cls];
        char* obj = s->object(i);
        zero(obj, class_size[cls]);
        return obj;
    }
    return nullptr;  // a full slab on the partial list: cannot happen
}

void* Heap::alloc_large(size_t size)
{
    size_t frames = (size + frame_bytes - 1) / frame_bytes;
    unsigned order = 0;
    while ((size_t{1} << order) < frames)
        ++order;
    if (order > max_order)
        return nullptr;
    void* p = src_.alloc(src_.ctx, order);
    if (!p)
        return nullptr;
    zero(p, frame_bytes << order);
    in_use_ += frame_bytes << order;
    return p;
}

void* Heap::alloc(size_t size)
{
    if (size == 0 || !src_.alloc)
        return nullptr;
    Lock_guard<Spinlock> g(lock_);
    for (unsigned c = 0; c < classes; ++c)
        if (size <= class_size[c])
            return alloc_small(c);
    return alloc_large(size);
}

bool Heap::free_small(Slab* s, void* p)
{
    if (s->magic != slab_magic || s->cls >= classes)
        return false;
    uintptr_t off = addr(p) - addr(s) - header_bytes;
    unsigned cls = s->cls;
    if (addr(p) < addr(s) + header_bytes || off % class_size[cls] != 0 ||
        off / class_size[cls] >= Slab::capacity(cls))
        return false;
    unsigned i = static_cast<unsigned>(off / class_size[cls]);
    if (!(s->map[i / 32] & (1u << (i % 32))))
        return false;  // double free
    bool was_full = s->used == Slab::capacity(cls);
    s->map[i / 32] &= ~(1u << (i % 32));
    --s->used;
    in_use_ -= class_size[cls];
    if (was_full) {
        s->prev = nullptr;
        s->next = partial_[cls];
        if (s->next)
            s->next->prev = s;
        partial_[cls] = s;
    }
    if (s->used == 0) {
        unlink(s);
        s->magic = 0;  // a stale pointer into the old slab is refused from now on
        --slab_frames_;
        return src_.free(src_.ctx, s, 0);
    }
    return true;
}

bool Heap::free(void* p)
{
    if (!p)
        return true;
    Lock_guard<Spinlock> g(lock_);
    if (addr(p) % frame_bytes == 0) {
        // A slab's own frame is never a valid argument; a large block whose
        // owner wrote the slab magic into its first word is refused too
        // (and leaks), which beats freeing a live slab.
        if (*static_cast<const uint32_t*>(p) == slab_magic)
            return false;
        int order = src_.order_of(src_.ctx, p);
        if (order < 0 || order > static_cast<int>(max_order))
            return false;
        if (!src_.free(src_.ctx, p, static_cast<unsigned>(order)))
            return false;
        in_use_ -= frame_bytes << order;
        return true;
    }
    auto* s = reinterpret_cast<Slab*>(addr(p) & ~(frame_bytes - 1));
    return free_small(s, p);
}
