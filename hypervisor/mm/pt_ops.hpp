// Page-table operations PV guests request (mmu_update, mmuext_op, and
// writes to read-only mapped L1s that the hypervisor emulates). Workers on
// kernel values: the hypercall layer copies arguments in, translates
// frames and reports errors. Each returns 0 or a negative Xen errno and
// changes nothing when it fails.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp"

// MMUEXT_PIN_L1_TABLE..MMUEXT_PIN_L3_TABLE: level is 1..3.
// -EINVAL: not the domain's frame (or one it gave back), wrong type, or already pinned; a
// validation failure returns its own errno.
[[nodiscard]] int pin_table(Mm_ctx& c, Mfn mfn, uint32_t level);
// MMUEXT_UNPIN_TABLE: -EINVAL when not the domain's frame or not pinned.
// The table stays validated while anything else still references it.
[[nodiscard]] int unpin_table(Mm_ctx& c, Mfn mfn);

// MMUEXT_NEW_BASEPTR: 'base' is the vCPU's current L3 (invalid_mfn if
// none); on success it holds a general and an L3 type reference on the
// new one and the old one's are dropped.
[[nodiscard]] int new_baseptr(Mm_ctx& c, Mfn mfn, Mfn& base);
// Drop the references a vCPU's base pointer holds (vCPU teardown).
void drop_baseptr(Mm_ctx& c, Mfn& base);

// MMU_NORMAL_PT_UPDATE / MMU_PT_UPDATE_PRESERVE_AD on entry 'slot' of frame
// 'table' (owned by c.dom). Frames the guest maps ('pg_owner') are usually
// c.dom; a privileged caller may name another domain (foreigndom).
// A frame that is not an in-use page table is written as a plain
// writable frame.
[[nodiscard]] int mmu_normal_update(Mm_ctx& c, Mfn table, uint32_t slot, uint64_t val,
                                    bool preserve_ad, const Mm_domain& pg_owner);

// An emulated 4- or 8-byte write at byte 'offset' of L1 'table' (writable
// page tables). Validated like an update of the whole entry; a 4-byte write
// to the upper half that would make an invalid present entry is assumed to
// come before the lower half and is stored with P cleared (mm.c
// ptwr_emulated_update). -EINVAL when 'table' is not an in-use L1 of the
// domain or the access is misaligned.
[[nodiscard]] int ptwr_emulated_write(Mm_ctx& c, Mfn table, uint32_t offset, uint32_t bytes,
                                      uint64_t val);
