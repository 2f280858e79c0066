// What a vCPU holds of the x86 machine beyond the core's view of it (Xen's
// struct arch_vcpu): its virtual CR4 and its FPU/SSE register state.
#pragma once
#include <cstdint>

namespace arch {

struct Arch_vcpu {
    // The PDPT the CPU runs on: a copy of the guest's L3 with only address
    // and present bit (arch/x86_32/mm/guest_cr3.cpp). Vcpus live in the
    // hypervisor's direct map, below 4 GiB, where CR3 can name it.
    alignas(32) uint64_t pdpt[4]{};
    // Whose entries pdpt holds (a raw frame number, ~0: none) and the
    // L3 change count when they were read (guest_cr3.cpp): the copy is
    // taken again only when either differs.
    uint32_t pdpt_of = ~0u;
    uint64_t pdpt_epoch = 0;
    // The CR4 the guest reads (Xen's ctrlreg[4], pv_fixup_guest_cr4()).
    uint32_t cr4 = 0;
    // The x87/MMX/SSE state while another vCPU owns the FPU: an FXSAVE
    // image (FNSAVE's on CPUs without FXSR). Until the vCPU first uses the
    // FPU, fpu_used is false and it starts from the reset state.
    bool fpu_used = false;
    alignas(16) uint8_t fpu[512]{};
};

} // namespace arch
