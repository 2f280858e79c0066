#include "arch/x86_32/mm/guest_cr3.hpp"

#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/shutdown.hpp"
#include "hypervisor/mm/pte_store.hpp"

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

// v's copy of its L3's entries, read again; false when the L3 cannot be
// mapped. Another CPU may be changing the L3 (its owner's lock is not
// taken: this runs in the flush IPI too), so each entry is read whole.
bool copy_l3(Vcpu& v)
{
    Frame_mapping l3(v.cr3);
    if (!l3)
        return false;
    for (unsigned i = 0; i < 4; ++i)
        v.arch.pdpt[i] = pte::load_consistent(&l3.as<uint64_t>()[i]) & (PTE_ADDR_MASK | PTE_P);
    return true;
}

} // namespace

bool load_guest_cr3(Vcpu& v)
{
    if (!copy_l3(v))
        return false;
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

void flush_this_cpu(Vcpu* current)
{
    uint32_t cr3;
    asm volatile("movl %%cr3, %0" : "=r"(cr3));
    if (current && cr3 == virt_to_phys(current->arch.pdpt) && !copy_l3(*current)) {
        // Never (the map cache has a slot for every nesting level): the
        // guest half of the address space goes rather than staying stale.
        for (unsigned i = 0; i < 3; ++i)
            current->arch.pdpt[i] = 0;
        log::error("d%u v%u: its L3 cannot be mapped: its low 3 GiB unmapped until its next load",
                   current->domain->id, current->id);
    }
    tlb_flush_starts();
    asm volatile("movl %0, %%cr3" ::"r"(cr3) : "memory");
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
