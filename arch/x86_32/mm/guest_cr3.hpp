// Loading a vCPU's address space. The CPU never runs on the guest's L3
// itself: PAE's CR3 holds a 32-bit physical address (an L3 above 4 GiB,
// VMASST_TYPE_pae_extended_cr3, could not be named), and a PDPTE has RW,
// US, A and D reserved where Xen lets a 32-bit guest set them. Each vCPU
// runs on its own copy of the four entries (Arch_vcpu::pdpt, below 4 GiB
// in the direct map), holding only address and present bit, checked at
// every load and at every flush of a CPU running on it, its own or asked
// for by another CPU, and read again when its L3 is another frame or any
// L3 changed since it was read (so a change to a live L3 takes effect at
// the flush that follows it, on every CPU).
// Every load also flushes global TLB entries, which guests may create in
// their L1s.
#pragma once
#include <cstdint>

#include "arch/x86_32/mm/mapcache.hpp"
#include "hypervisor/domain/vcpu.hpp"

namespace arch {

// Loads v's current L3 on this CPU and flushes the whole TLB. Returns false
// when the L3 could not be mapped to be copied.
[[nodiscard]] bool load_guest_cr3(Vcpu& v);

// After a change to v's page tables: the same full flush, with the L3's
// entries re-read (PAE caches them at CR3 load).
void flush_guest_tlb(Vcpu& v);
// The same full flush when no L3 changed: the copy of the L3's entries is
// kept. v is this CPU's vCPU.
void flush_guest_tlb_keep_l3(Vcpu& v);

// Some L3's entries changed, or a frame became an L3 (the page-type core,
// through Frame_space::l3_changed): every vCPU's copy is taken again at
// its next load or flush. One machine-wide 64-bit count, so it never
// wraps back to a value a copy was taken at.
void note_l3_change();

// A full flush of this CPU's TLB by the TLB-flush clock (its IPI, or a
// stale frame's check here), wherever this CPU is: 'current' is its
// current vCPU or nullptr. If the CPU runs on current's copy of its L3's
// entries, the copy is read again first: the L3 may have changed on another
// CPU, and a flush that kept the old copy would let this CPU go on walking
// an L2 the L3 no longer holds, which may since have become writable.
void flush_this_cpu(Vcpu* current);

// The L1 that maps 'va' in v's current tables (update_va_mapping, the
// writable page-table fault), or false when an entry on the way is not
// present or maps a large page. The L3 step reads the copy of its entries
// the CPU translates v's addresses with, the L2 step goes through this
// CPU's L2 window (mapcache.hpp); whatever it finds the caller checks
// again as an L1 of the domain. Inline: both callers are hot paths.
inline bool find_l1(const Vcpu& v, uint32_t va, Mfn& l1)
{
    if (v.cr3 == invalid_mfn)
        return false;
    uint64_t l3e = v.arch.pdpt[va >> 30];
    // The flags are tested in the low halves: a 64-bit test was two
    // instructions each.
    if (!(static_cast<uint32_t>(l3e) & PTE_P))
        return false;
    uint64_t l2e = map_l2_window(va >> 30, paddr_to_mfn(l3e & PTE_ADDR_MASK))[(va >> 21) & 511];
    if ((static_cast<uint32_t>(l2e) & (PTE_P | PTE_PS)) != PTE_P)
        return false;
    l1 = paddr_to_mfn(l2e & PTE_ADDR_MASK);
    return true;
}

} // namespace arch
