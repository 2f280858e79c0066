// Loading a vCPU's address space. PAE's CR3 holds a 32-bit physical
// address, so an L3 above 4 GiB (VMASST_TYPE_pae_extended_cr3, the
// pae_pgdir_above_4gb feature) runs through a per-vCPU copy of its four
// entries in a frame below 4 GiB, refreshed at every load. Every load also
// flushes global TLB entries, which guests may create in their L1s.
#pragma once

struct Vcpu;

namespace arch {

// Loads v's current L3 on this CPU and flushes the whole TLB. Returns false
// when a below-4 GiB copy was needed and no frame could be had.
[[nodiscard]] bool load_guest_cr3(Vcpu& v);

// After a change to v's page tables: the same full flush, with the L3's
// entries re-read (PAE caches them at CR3 load).
void flush_guest_tlb(Vcpu& v);

} // namespace arch
