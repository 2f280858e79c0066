#include "arch/x86_32/mm/guest_cr3.hpp"

#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/shutdown.hpp"

namespace arch {
namespace {

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
    {
        Frame_mapping l3(v.cr3);
        if (!l3)
            return false;
        for (unsigned i = 0; i < 4; ++i)
            v.arch.pdpt[i] = l3.as<uint64_t>()[i] & (PTE_ADDR_MASK | PTE_P);
    }
    uint32_t pa = virt_to_phys(v.arch.pdpt);
    tlb_flush_starts();
    asm volatile("movl %0, %%cr3" ::"r"(pa) : "memory");
    flush_global();
    return true;
}

void flush_guest_tlb_keep_l3(Vcpu& v)
{
    uint32_t pa = virt_to_phys(v.arch.pdpt);
    tlb_flush_starts();
    asm volatile("movl %0, %%cr3" ::"r"(pa) : "memory");
    flush_global();
}

void flush_guest_tlb(Vcpu& v)
{
    if (!load_guest_cr3(v)) {
        log::error("d%u v%u: its L3 cannot be mapped: cannot run", v.domain->id, v.id);
        domain_crash(*v.domain, nullptr);
    }
}

} // namespace arch
