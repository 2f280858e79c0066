// A PV vCPU's CR4 (Xen's ctrlreg[4]): what the guest reads is the policy of
// cpuid_policy.hpp guest_cr4(); what the CPU runs with is the hypervisor's
// own CR4 plus the bits the guest controls (TSD), as Xen's pv_make_cr4().
#pragma once
#include <cstdint>

struct Vcpu;

namespace arch {

// A new vCPU reads the CR4 a write of 0 would leave (Xen's vcpu set-up).
void guest_cr4_init(Vcpu& v);
// "mov %reg, %cr4" from the guest kernel: always succeeds.
void guest_cr4_write(Vcpu& v, uint32_t requested);
// The same for a vCPU not running here (loaded when it next runs).
void guest_cr4_set(Vcpu& v, uint32_t requested);
// v is about to run on this CPU: the real CR4 gets its controlled bits.
void guest_cr4_load(const Vcpu& v);

} // namespace arch
