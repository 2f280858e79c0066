// Writable page tables (VMASST_TYPE_writable_pagetables): a guest kernel
// write to one of its own read-only mapped L1 tables faults; the write is
// decoded, validated like an mmu_update of that entry, and completed.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"
#include "arch/x86_32/x86_emulate/x86_emulate.hpp"

struct Vcpu;

namespace arch {

// #PF from the guest at 'cr2'. okay: emulated, the guest continues after
// the instruction (or, retry, executes it again); exception: 'ev' is to be
// delivered instead; unhandleable: not such a write, or it does not
// validate: the #PF is the guest's.
[[nodiscard]] x86emul::Rc emulate_pt_write(Vcpu& v, Exception_frame& f, uint32_t cr2,
                                           x86emul::Event& ev);

} // namespace arch
