// Writable page tables (VMASST_TYPE_writable_pagetables): a guest kernel
// write to one of its own read-only mapped L1 tables faults; the write is
// decoded, validated like an mmu_update of that entry, and completed.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

struct Vcpu;

namespace arch {

// #PF from the guest at 'cr2': true if it was such a write and it has been
// emulated (the guest continues after the instruction).
[[nodiscard]] bool emulate_pt_write(Vcpu& v, Exception_frame& f, uint32_t cr2);

} // namespace arch
