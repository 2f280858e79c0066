#include "arch/x86_32/pv/guest_cr4.hpp"

#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/pv/cpuid_policy.hpp"
#include "hypervisor/domain/vcpu.hpp"

namespace arch {
namespace {

constexpr uint32_t cr4_tsd = 1u << 2;

uint32_t policy(uint32_t requested)
{
    Cpuid host = cpuid(1);
    uint32_t hv_cr4 = read_cr4() & ~cr4_tsd;
    return guest_cr4(requested, hv_cr4, Cpuid_regs{host.eax, host.ebx, host.ecx, host.edx});
}

} // namespace

void guest_cr4_init(Vcpu& v) { v.arch.cr4 = policy(0); }

void guest_cr4_set(Vcpu& v, uint32_t requested) { v.arch.cr4 = policy(requested); }

void guest_cr4_write(Vcpu& v, uint32_t requested)
{
    v.arch.cr4 = policy(requested);
    guest_cr4_load(v);
}

// At every switch: a write to CR4 serialises the CPU, so it is made only
// when TSD (the one bit a guest's CR4 sets here) changes.
void guest_cr4_load(const Vcpu& v)
{
    uint32_t now = read_cr4();
    uint32_t cr4 = (now & ~cr4_tsd) | (v.arch.cr4 & cr4_tsd);
    if (cr4 != now)
        asm volatile("movl %0, %%cr4" ::"r"(cr4) : "memory");
}

} // namespace arch
