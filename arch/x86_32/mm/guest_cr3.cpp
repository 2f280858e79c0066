#include "arch/x86_32/mm/guest_cr3.hpp"

#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/domain/shutdown.hpp"

namespace arch {
namespace {

constexpr uint32_t low_frames = 0x100000; // 4 GiB
constexpr uint32_t cr4_pge = 1u << 7;

void flush_global()
{
    uint32_t cr4;
    asm volatile("movl %%cr4, %0" : "=r"(cr4));
    if (cr4 & cr4_pge) {
        asm volatile("movl %0, %%cr4" ::"r"(cr4 & ~cr4_pge) : "memory");
        asm volatile("movl %0, %%cr4" ::"r"(cr4) : "memory");
    }
}

} // namespace

bool load_guest_cr3(Vcpu& v)
{
    uint32_t pa;
    if (raw(v.cr3) < low_frames) {
        pa = static_cast<uint32_t>(mfn_to_paddr(v.cr3));
    } else {
        if (v.l3_shadow == invalid_mfn) {
            // Direct-mapped, so it is written without a mapping; owned by
            // the hypervisor, so no guest can map it.
            v.l3_shadow = alloc_frames(0, Zone::direct);
            if (v.l3_shadow == invalid_mfn)
                return false;
            mfn_to_page(v.l3_shadow)->owner = 0x7FF2; // DOMID_XEN
        }
        pa = static_cast<uint32_t>(mfn_to_paddr(v.l3_shadow));
        auto* copy = phys_to_virt<uint64_t>(pa);
        Frame_mapping l3(v.cr3);
        for (unsigned i = 0; i < 4; ++i)
            copy[i] = l3.as<uint64_t>()[i];
    }
    asm volatile("movl %0, %%cr3" ::"r"(pa) : "memory");
    flush_global();
    return true;
}

void flush_guest_tlb(Vcpu& v)
{
    if (!load_guest_cr3(v)) {
        log::error("d%u v%u: no frame below 4 GiB for its L3: cannot run", v.domain->id, v.id);
        domain_crash(*v.domain, nullptr);
    }
}

} // namespace arch
