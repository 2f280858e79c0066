// The host mappings of map_grant_ref for a PV mapper (Xen's
// create_grant_pv_mapping / replace_grant_pv_mapping,
// xen/arch/x86/pv/grant_table.c), over the page-type core: the PTE lives
// in an L1 of the mapper that is in use (validated), found either by its
// machine address (GNTMAP_contains_pte) or by walking the calling vCPU's
// page tables for a virtual address. Each takes the mapper's mm_lock.
//
// The entry written holds the references the caller took for the mapping
// and is treated as any L1 entry from then on: the entry it replaced is
// released with put_l1e() at once, as mmu_update does.
#pragma once
#include <cstdint>

#include "hypervisor/grant/grant_env.hpp"

struct Domain;
struct Vcpu;

namespace grant {

// The PTE flags of a host mapping made with map flags 'map_flags' (Xen's
// grant_to_pte_flags): present, accessed, dirty, NX when enabled, user
// with GNTMAP_application_map, writable unless GNTMAP_readonly, and the
// guest's GNTMAP_guest_avail bits in the PTE's available bits.
uint32_t grant_pte_flags(Frame_space& fs, uint32_t map_flags);

// Maps 'frame' at 'addr' of v's domain (with the flags of 'map_flags');
// 'where' gets the PTE's machine address. GNTST_okay or
// GNTST_general_error (no such PTE, not in an in-use L1 of the domain,
// misaligned, beyond 32 bits).
[[nodiscard]] int16_t create_host_mapping(Grant_env& env, Vcpu& v, uint64_t addr,
                                          uint32_t map_flags, Mfn frame, uint64_t& where);

// Removes the mapping of 'frame' at 'addr' made with 'map_flags': the PTE
// there must map the frame, present and writable as the grant was made.
// With new_addr (GNTTABOP_unmap_and_replace, virtual addresses only) the
// PTE at new_addr moves there and new_addr is cleared; 'moved' then gets
// the machine addresses of both PTEs (from, to), so a mapping recorded at
// the first can be found at the second. The grant PTE's references become
// the caller's to drop after a TLB flush. GNTST_okay or
// GNTST_general_error.
struct Pte_move {
    uint64_t from = 0;
    uint64_t to = 0;
};
[[nodiscard]] int16_t replace_host_mapping(Grant_env& env, Vcpu& v, uint64_t addr,
                                           uint32_t map_flags, Mfn frame, uint64_t new_addr,
                                           Pte_move& moved);

// Teardown: clears the PTE at machine address 'where' in ld's tables if it
// still maps 'frame' as the grant made it (true: its references are the
// caller's to drop); false when the guest replaced or freed it meanwhile
// (its references went with it).
[[nodiscard]] bool clear_host_mapping(Grant_env& env, Domain& ld, uint64_t where,
                                      uint32_t map_flags, Mfn frame);

} // namespace grant
