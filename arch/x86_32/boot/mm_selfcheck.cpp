// Boot self-check of the memory set-up on the real machine: what the unit
// tests cannot show (page tables, PAE addresses above 4 GiB, TLB flushes).
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/boot/mm_boot.hpp"
#include "boot/layout.h"
#include "hypervisor/console/console.hpp"
#include "hypervisor/mm/heap.hpp"
#include "hypervisor/mm/mm.hpp"

namespace arch {
namespace {

constexpr unsigned test_frames = 4;

uint32_t pattern(Mfn m, uint32_t word) { return raw(m) * 0x9E3779B1u ^ word * 0x85EBCA77u; }

bool write_and_verify(const Mfn* frames, unsigned n)
{
    // Map all at once (distinct slots), write, unmap; then map again one
    // by one and read back: a stale TLB entry or a truncated PAE address
    // would show up as a mismatch.
    void* va[test_frames] = {};
    for (unsigned i = 0; i < n; ++i) {
        va[i] = map_frame(frames[i]);
        if (!va[i])
            return false;
    }
    for (unsigned i = 0; i < n; ++i) {
        auto* w = static_cast<uint32_t*>(va[i]);
        for (uint32_t k = 0; k < page_size / 4; ++k)
            w[k] = pattern(frames[i], k);
        unmap_frame(va[i]);
    }
    for (unsigned i = 0; i < n; ++i) {
        Frame_mapping map(frames[n - 1 - i]);
        if (!map)
            return false;
        for (uint32_t k = 0; k < page_size / 4; ++k)
            if (map.as<uint32_t>()[k] != pattern(frames[n - 1 - i], k))
                return false;
    }
    return true;
}

bool check_high_memory(uint64_t bytes_above_4g)
{
    if (bytes_above_4g == 0 || frame_allocator().free_in_pool(2) < test_frames) {
        log::info("memory above 4 GiB: none usable");
        return true;
    }
    Mfn frames[test_frames];
    for (auto& f : frames)
        f = alloc_frames(0, Zone::any);
    bool ok = true;
    for (Mfn f : frames)
        ok &= f != invalid_mfn && mfn_to_paddr(f) >= (1ull << 32);
    ok = ok && write_and_verify(frames, test_frames);
    log::info("memory above 4 GiB: %llu MiB usable, test frames at mfn %#x..%#x %s",
              bytes_above_4g >> 20, raw(frames[0]), raw(frames[test_frames - 1]),
              ok ? "ok" : "FAILED");
    for (Mfn f : frames)
        if (f != invalid_mfn && !free_frames(f, 0))
            ok = false;
    return ok;
}

bool check_mapcache_exhaustion()
{
    // Fill this CPU's slots, then expect a clean refusal, not a panic.
    Mfn f = alloc_frames(0, Zone::below_4g);
    if (f == invalid_mfn || mfn_to_paddr(f) < HV_DIRECTMAP_SIZE) {
        if (f != invalid_mfn)
            (void)free_frames(f, 0);
        return true;  // only direct-mapped RAM: nothing to exhaust
    }
    void* va[mapcache_slots_per_cpu];
    unsigned n = 0;
    while (n < mapcache_slots_per_cpu && (va[n] = map_frame(f)) != nullptr)
        ++n;
    log::debug("map cache: expecting one refusal after %u mappings", n);
    bool refused = map_frame(f) == nullptr;
    for (unsigned i = 0; i < n; ++i)
        unmap_frame(va[i]);
    bool ok = n == mapcache_slots_per_cpu && refused &&
              mapcache_free_slots() == mapcache_slots_per_cpu;
    log::debug("map cache: %u slots per CPU, exhaustion %s", n, ok ? "handled" : "MISHANDLED");
    return free_frames(f, 0) && ok;
}

bool check_allocator_and_heap()
{
    Mfn f = alloc_frames(2, Zone::direct);
    bool ok = f != invalid_mfn && free_frames(f, 2) && !free_frames(f, 2);
    void* small = heap_alloc(100);
    void* large = heap_alloc(3 * page_size);
    ok = ok && small && large && *static_cast<uint32_t*>(small) == 0;
    heap_free(small);
    heap_free(large);
    log::debug("allocator and heap: %s", ok ? "ok" : "FAILED");
    return ok;
}

} // namespace

bool memory_self_check(uint64_t bytes_above_4g)
{
    bool ok = check_allocator_and_heap();
    if (console::level() >= Log_level::debug)
        ok &= check_mapcache_exhaustion();
    ok &= check_high_memory(bytes_above_4g);
    if (!ok)
        log::error("memory self-check failed");
    return ok;
}

} // namespace arch
