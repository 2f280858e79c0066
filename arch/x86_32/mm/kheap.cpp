// The hypervisor heap over direct-mapped frames (Zone::direct).
#include "arch/x86_32/mm/kheap.hpp"

#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/mm/heap.hpp"
#include "hypervisor/mm/mm.hpp"

namespace arch {
namespace {

constinit Heap heap;

bool in_direct_map(const void* p)
{
    auto a = reinterpret_cast<uintptr_t>(p);
    return a >= HV_DIRECTMAP_START && a - HV_DIRECTMAP_START < HV_DIRECTMAP_SIZE;
}

void* frames_alloc(void*, unsigned order)
{
    Mfn m = alloc_frames(order, Zone::direct);
    if (m == invalid_mfn)
        return nullptr;
    return phys_to_virt<void>(static_cast<uint32_t>(mfn_to_paddr(m)));
}

bool frames_free(void*, void* p, unsigned order)
{
    return in_direct_map(p) && free_frames(paddr_to_mfn(virt_to_phys(p)), order);
}

int frames_order(void*, const void* p)
{
    if (!in_direct_map(p))
        return -1;
    return frame_allocator().allocated_order(paddr_to_mfn(virt_to_phys(p)));
}

} // namespace

void heap_init() { heap.init({frames_alloc, frames_free, frames_order, nullptr}); }

size_t heap_bytes_in_use() { return heap.bytes_in_use(); }

} // namespace arch

void* heap_alloc(size_t size) { return arch::heap.alloc(size); }

void heap_free(void* p)
{
    if (!arch::heap.free(p))
        log::error("heap_free: %p was not handed out by heap_alloc (or is already free)", p);
}
