#include "arch/x86_32/include/m2p.hpp"

#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/mm/mm.hpp"

namespace arch {
namespace {

constexpr uint32_t entries_per_chunk = (2u << 20) / 4;
constexpr unsigned max_chunks = (HV_M2P_END - HV_M2P_START) >> 21;

Mfn chunks[max_chunks];
unsigned nr_chunks;
uint32_t* chunk_va[max_chunks];

} // namespace

bool m2p_init()
{
    uint32_t frames = max_mfn();
    nr_chunks = (frames + entries_per_chunk - 1) / entries_per_chunk;
    if (nr_chunks > max_chunks)
        nr_chunks = max_chunks;
    for (unsigned i = 0; i < nr_chunks; ++i) {
        Mfn m = alloc_frames(9, Zone::direct);
        if (m == invalid_mfn) {
            log::error("M2P: cannot allocate 2 MiB of direct-mapped memory for chunk %u", i);
            return false;
        }
        for (uint32_t f = 0; f < 512; ++f)
            mfn_to_page(m + f)->owner = 0x7FF2; // DOMID_XEN
        chunks[i] = m;
        chunk_va[i] = phys_to_virt<uint32_t>(static_cast<uint32_t>(mfn_to_paddr(m)));
        for (uint32_t e = 0; e < entries_per_chunk; ++e)
            chunk_va[i][e] = m2p_invalid;
        // Read-only, user-accessible 2 MiB page: ring 1 reads it through the
        // flat segments; CR0.WP keeps it read-only for ring 1 as well.
        boot_l2_high[l2_slot(HV_M2P_START) + i] = mfn_to_paddr(m) | PTE_P | PTE_US | PTE_PS | PTE_A;
    }
    log::info("M2P: %u KiB for %u frames, read-only at %#x", nr_chunks * 2048, frames, HV_M2P_START);
    return true;
}

void m2p_set(Mfn m, uint32_t gfn)
{
    uint32_t i = raw(m) / entries_per_chunk;
    if (i < nr_chunks)
        __atomic_store_n(&chunk_va[i][raw(m) % entries_per_chunk], gfn, __ATOMIC_RELAXED);
}

uint32_t m2p_get(Mfn m)
{
    uint32_t i = raw(m) / entries_per_chunk;
    return i < nr_chunks ? chunk_va[i][raw(m) % entries_per_chunk] : m2p_invalid;
}

bool is_m2p_frame(Mfn m)
{
    for (unsigned i = 0; i < nr_chunks; ++i)
        if (raw(m) >= raw(chunks[i]) && raw(m) < raw(chunks[i]) + 512)
            return true;
    return false;
}

unsigned m2p_chunks() { return nr_chunks; }
Mfn m2p_chunk(unsigned i) { return i < nr_chunks ? chunks[i] : invalid_mfn; }

} // namespace arch
