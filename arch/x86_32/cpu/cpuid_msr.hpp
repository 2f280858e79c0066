// CPUID, MSR and TSC access for the platform code (timers, APIC).
#pragma once
#include <cstdint>

namespace arch {

struct Cpuid {
    uint32_t eax, ebx, ecx, edx;
};

inline Cpuid cpuid(uint32_t leaf, uint32_t subleaf = 0)
{
    Cpuid r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return static_cast<uint64_t>(hi) << 32 | lo;
}

inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(v)), "d"(static_cast<uint32_t>(v >> 32))
                 : "memory");
}

inline uint64_t rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return static_cast<uint64_t>(hi) << 32 | lo;
}

// Architectural MSRs and CPUID bits (Intel SDM vol. 4 and vol. 2A, CPUID).
constexpr uint32_t msr_apic_base = 0x1B;
constexpr uint32_t msr_sysenter_cs = 0x174;
constexpr uint32_t msr_sysenter_esp = 0x175;
constexpr uint32_t msr_sysenter_eip = 0x176;
constexpr uint32_t msr_tsc_deadline = 0x6E0;
constexpr uint32_t msr_pat = 0x277;
constexpr uint32_t msr_efer = 0xC0000080;
constexpr uint64_t efer_nxe = 1u << 11;
constexpr uint32_t cpuid1_edx_pat = 1u << 16;
constexpr uint32_t ext1_edx_nx = 1u << 20;
constexpr uint32_t cpuid1_edx_tsc = 1u << 4;
constexpr uint32_t cpuid1_edx_msr = 1u << 5;
constexpr uint32_t cpuid1_edx_apic = 1u << 9;
constexpr uint32_t cpuid1_ecx_x2apic = 1u << 21;
constexpr uint32_t cpuid1_ecx_tsc_deadline = 1u << 24;

} // namespace arch
