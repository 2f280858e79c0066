#include "arch/x86_32/mm/guest_cr3.hpp"

#include "arch/x86_32/include/irq_flags.hpp"
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

// The L3 change count (note_l3_change), 64 bits wide so that no run of
// changes brings it back to a value a copy was taken at. Starts at 1: a
// vCPU's record of 0 never matches.
uint64_t l3_epoch = 1;

// The count as it was at some moment: it only grows, so a low half read
// between two equal high halves belongs with them.
uint64_t read_l3_epoch()
{
    auto* half = reinterpret_cast<const volatile pte::Half*>(&l3_epoch);
    for (;;) {
        uint32_t hi = half[1];
        uint32_t lo = half[0];
        if (half[1] == hi)
            return uint64_t{hi} << 32 | lo;
    }
}

// v's copy of its L3's entries, read again unless it is of v's L3 and no
// L3 changed since; false when the L3 cannot be mapped. Another CPU may be
// changing the L3 (its owner's lock is not taken: this runs in the flush
// IPI too), so each entry is read whole, and the count is read before
// the entries: a change made after that read counts after it, and makes
// the next check read them again. Called with interrupts off, so that a
// flush IPI cannot copy in between and be overwritten with older values.
bool copy_l3(Vcpu& v)
{
    uint64_t epoch = read_l3_epoch();
    if (v.arch.pdpt_of == raw(v.cr3) && v.arch.pdpt_epoch == epoch)
        return true;
    Frame_mapping l3(v.cr3);
    if (!l3)
        return false;
    for (unsigned i = 0; i < 4; ++i)
        v.arch.pdpt[i] = pte::load_consistent(&l3.as<uint64_t>()[i]) & (PTE_ADDR_MASK | PTE_P);
    v.arch.pdpt_of = raw(v.cr3);
    v.arch.pdpt_epoch = epoch;
    return true;
}

} // namespace

void note_l3_change()
{
    uint64_t old = read_l3_epoch();
    for (;;) {
        uint64_t n = old + 1;
        bool done;
        asm volatile("lock cmpxchg8b %1"
                     : "+A"(old), "+m"(l3_epoch), "=@ccz"(done)
                     : "b"(static_cast<uint32_t>(n)), "c"(static_cast<uint32_t>(n >> 32))
                     : "memory");
        if (done)
            return;
    }
}

bool load_guest_cr3(Vcpu& v)
{
    uint32_t flags = irq_save();
    if (!copy_l3(v)) {
        irq_restore(flags);
        return false;
    }
    uint32_t pa = virt_to_phys(v.arch.pdpt);
    tlb_flush_starts();
    asm volatile("movl %0, %%cr3" ::"r"(pa) : "memory");
    flush_global();
    irq_restore(flags);
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
    uint32_t flags = irq_save();
    uint32_t cr3;
    asm volatile("movl %%cr3, %0" : "=r"(cr3));
    if (current && cr3 == virt_to_phys(current->arch.pdpt) && !copy_l3(*current)) {
        // Never (the map cache has a slot for every nesting level): the
        // guest half of the address space goes rather than staying stale.
        for (unsigned i = 0; i < 3; ++i)
            current->arch.pdpt[i] = 0;
        current->arch.pdpt_of = ~0u;
        log::error("d%u v%u: its L3 cannot be mapped: its low 3 GiB unmapped until its next load",
                   current->domain->id, current->id);
    }
    tlb_flush_starts();
    asm volatile("movl %0, %%cr3" ::"r"(cr3) : "memory");
    flush_global();
    irq_restore(flags);
}

void flush_guest_tlb(Vcpu& v)
{
    if (!load_guest_cr3(v)) {
        log::error("d%u v%u: its L3 cannot be mapped: cannot run", v.domain->id, v.id);
        domain_crash(*v.domain, nullptr);
    }
}

} // namespace arch
