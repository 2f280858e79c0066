#include "launch_arena.hpp"

#include <cstdint>

namespace launch {
namespace {

alignas(8) uint8_t arena[128 * 1024];
size_t used;

void* arena_alloc(void*, size_t n)
{
    n = (n + 7) & ~size_t{7};
    if (n > sizeof arena - used)
        return nullptr;
    void* p = arena + used;
    used += n;
    return p;
}

void arena_release(void*, void* p, size_t n)
{
    n = (n + 7) & ~size_t{7};
    if (static_cast<uint8_t*>(p) + n == arena + used)
        used -= n;
}

} // namespace

toolstack::Allocator arena_allocator()
{
    return toolstack::Allocator{arena_alloc, arena_release, nullptr};
}

size_t arena_used()
{
    return used;
}

} // namespace launch
