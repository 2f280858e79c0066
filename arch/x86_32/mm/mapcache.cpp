#include "arch/x86_32/mm/mapcache.hpp"

#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {
namespace {

constexpr uint32_t window_pages = (HV_MAPCACHE_END - HV_MAPCACHE_START) >> page_shift;
constexpr uint32_t l1_tables = window_pages / 512;
static_assert(mapcache_slots_per_cpu * max_cpus <= window_pages, "map cache window too small");
static_assert(mapcache_slots_per_cpu <= 32, "slot mask is one word");

alignas(4096) pte_t cache_l1[l1_tables][512];
uint32_t in_use[max_cpus];  // bit i: slot i of that CPU holds a mapping
// The frame each slot's PTE still maps (invalid_mfn: none). An unmapped
// slot keeps its PTE: mapping the same frame again there costs no PTE
// write and no INVLPG (Xen's x86_32 map cache kept recent mappings so
// too). Only the owning CPU reads or writes its slots' tags.
Mfn tag[max_cpus * mapcache_slots_per_cpu];

// A 64-bit PTE is two 32-bit stores on i686: the half holding the present
// bit goes last when mapping and first when unmapping, so the CPU never
// walks a present entry with a half-written address.
void set_pte(uint32_t slot, pte_t v)
{
    auto* half = reinterpret_cast<volatile uint32_t*>(&cache_l1[slot / 512][slot % 512]);
    half[1] = static_cast<uint32_t>(v >> 32);
    half[0] = static_cast<uint32_t>(v);
}
void clear_pte(uint32_t slot)
{
    auto* half = reinterpret_cast<volatile uint32_t*>(&cache_l1[slot / 512][slot % 512]);
    half[0] = 0;
    half[1] = 0;
}
uintptr_t slot_va(uint32_t slot) { return HV_MAPCACHE_START + (slot << page_shift); }

// A slot is claimed and given back by one bit operation on this CPU's
// mask: one instruction, so an interrupt handler that maps frames too
// (and always unmaps them before it returns) sees the bit either before
// or after, never half-changed, and no masking of interrupts is needed.
// Other CPUs never touch the mask, so no lock prefix either.
bool claim(uint32_t& mask, uint32_t bit)
{
    bool was;
    asm volatile("btsl %2, %0" : "+m"(mask), "=@ccc"(was) : "r"(bit) : "memory");
    return !was;
}
// Whether the slot was in use (clearing a clear bit changes nothing).
bool release(uint32_t& mask, uint32_t bit)
{
    bool was;
    asm volatile("btrl %2, %0" : "+m"(mask), "=@ccc"(was) : "r"(bit) : "memory");
    return was;
}

} // namespace

void mapcache_init()
{
    for (Mfn& t : tag)
        t = invalid_mfn;
    for (uint32_t i = 0; i < l1_tables; ++i)
        boot_l2_high[l2_slot(HV_MAPCACHE_START) + i] = virt_to_phys(cache_l1[i]) | PTE_P | PTE_RW;
}

namespace {

// The slow half of map_frame_slot: the frame's preferred slot is taken or
// holds another frame. 'i' is the preferred slot's index, claimed when
// 'claimed' (its tag then names another frame). The CPU is looked up
// again: a fourth argument, on the stack, made the hit longer.
[[gnu::noinline]] void* map_frame_miss(Mfn m, uint32_t i, bool claimed)
{
    unsigned cpu = this_cpu().index;
    uint32_t& mask = in_use[cpu];
    if (!claimed) {
        for (;;) {
            uint32_t now = __atomic_load_n(&mask, __ATOMIC_RELAXED);
            if (now == (1u << mapcache_slots_per_cpu) - 1) {
                log::warn("map cache: CPU %u has all %u slots in use; cannot map mfn %#x", cpu,
                          mapcache_slots_per_cpu, raw(m));
                return nullptr;
            }
            i = static_cast<uint32_t>(__builtin_ctz(~now));
            if (claim(mask, i)) // else an interrupt took it meanwhile
                break;
        }
    }
    uint32_t slot = cpu * mapcache_slots_per_cpu + i;
    // The slot may still map another frame, perhaps in this CPU's TLB:
    // the new entry replaces it and the old translation is flushed.
    bool stale = tag[slot] != invalid_mfn;
    if (stale)
        clear_pte(slot);
    set_pte(slot, mfn_to_paddr(m) | PTE_P | PTE_RW | PTE_A | PTE_D);
    if (stale)
        invlpg(reinterpret_cast<void*>(slot_va(slot)));
    tag[slot] = m;
    return reinterpret_cast<void*>(slot_va(slot));
}

[[gnu::noinline, gnu::cold]] void bad_unmap(const void* va, unsigned cpu)
{
    log::error("unmap_frame: %p is not a map cache slot in use by CPU %u", va, cpu);
}

} // namespace

// The hit, which is most calls (a table mapped again soon, in its
// preferred slot), is kept short, the miss's PTE work out of line: about
// two thirds of the instructions the whole path took.
void* map_frame_slot(Mfn m)
{
    if (m == invalid_mfn) // any other 32-bit frame number is below 2^52
        return nullptr;
    unsigned cpu = this_cpu().index;
    // Each frame has a preferred slot, where a recent mapping of it may
    // still be: taken as it is when free.
    uint32_t i = raw(m) % mapcache_slots_per_cpu;
    if (!claim(in_use[cpu], i))
        return map_frame_miss(m, i, false);
    uint32_t slot = cpu * mapcache_slots_per_cpu + i;
    if (tag[slot] != m)
        return map_frame_miss(m, i, true);
    return reinterpret_cast<void*>(slot_va(slot));
}

void unmap_frame_slot(const void* va)
{
    uintptr_t a = reinterpret_cast<uintptr_t>(va);
    uint32_t slot = static_cast<uint32_t>(a - HV_MAPCACHE_START) >> page_shift;
    unsigned cpu = this_cpu().index;
    uint32_t bit = slot % mapcache_slots_per_cpu;
    // One test covers another CPU's slot and an address outside the
    // window: below it the subtraction wraps, above it the slot is past
    // the last CPU's (the window holds max_cpus runs of slots). The PTE
    // stays (tag): only this CPU's hypervisor code uses the slot, and only
    // through a later map_frame, which rewrites it first for any other
    // frame.
    if (slot / mapcache_slots_per_cpu != cpu || !release(in_use[cpu], bit))
        bad_unmap(va, cpu);
}

unsigned mapcache_free_slots()
{
    return mapcache_slots_per_cpu -
           static_cast<unsigned>(__builtin_popcount(in_use[this_cpu().index]));
}

} // namespace arch
