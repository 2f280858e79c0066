#include "arch/x86_32/mm/mapcache.hpp"

#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {
namespace {

constexpr uint32_t window_pages = (HV_MAPCACHE_END - HV_MAPCACHE_START) >> page_shift;
constexpr uint32_t l1_tables = window_pages / 512;
static_assert(mapcache_run * max_cpus <= window_pages, "map cache window too small");
static_assert(mapcache_slots_per_cpu <= 32, "slot mask is one word");

alignas(4096) pte_t cache_l1[l1_tables][512];

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

} // namespace

namespace mapcache {
uint32_t in_use[max_cpus];
// Only the owning CPU reads or writes its slots' tags (Xen's x86_32 map
// cache kept recent mappings so too).
Mfn tag[max_cpus * mapcache_run];

namespace {
// Slot 'slot' maps frame 'm' with 'flags' from now on. It may still map
// another frame, perhaps in this CPU's TLB: the new entry replaces it and
// the old translation is flushed.
void retarget(uint32_t slot, Mfn m, pte_t flags)
{
    bool stale = tag[slot] != invalid_mfn;
    if (stale)
        clear_pte(slot);
    set_pte(slot, mfn_to_paddr(m) | flags);
    if (stale)
        invlpg(reinterpret_cast<void*>(slot_va(slot)));
    tag[slot] = m;
}
} // namespace

// The frame's preferred slot is taken or holds another frame. 'i' is the
// preferred slot's index, claimed when 'claimed' (its tag then names
// another frame).
[[gnu::noinline]] void* map_miss(Mfn m, uint32_t i, bool claimed)
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
    uint32_t slot = cpu * mapcache_run + i;
    retarget(slot, m, PTE_P | PTE_RW | PTE_A | PTE_D);
    return reinterpret_cast<void*>(slot_va(slot));
}

[[gnu::noinline]] void window_miss(uint32_t slot, Mfn l2)
{
    retarget(slot, l2, PTE_P | PTE_A); // read-only: walks only read it
}

[[gnu::noinline]] void bad_unmap(const void* va, unsigned cpu)
{
    log::error("unmap_frame: %p is not a map cache slot in use by CPU %u", va, cpu);
}

} // namespace mapcache

using namespace mapcache;

void mapcache_init()
{
    for (Mfn& t : tag)
        t = invalid_mfn;
    for (uint32_t i = 0; i < l1_tables; ++i)
        boot_l2_high[l2_slot(HV_MAPCACHE_START) + i] = virt_to_phys(cache_l1[i]) | PTE_P | PTE_RW;
}

unsigned mapcache_free_slots()
{
    return mapcache_slots_per_cpu -
           static_cast<unsigned>(__builtin_popcount(in_use[this_cpu().index]));
}

} // namespace arch
