#include "arch/x86_32/cpu/fpu.hpp"

#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "hypervisor/domain/vcpu.hpp"

namespace arch {
namespace {

constexpr uint32_t cr0_mp = 1u << 1, cr0_ts = 1u << 3, cr0_ne = 1u << 5;
constexpr uint32_t cr4_osfxsr = 1u << 9, cr4_osxmmexcpt = 1u << 10;
constexpr uint32_t edx_fxsr = 1u << 24, edx_sse = 1u << 25;
constexpr uint32_t mxcsr_reset = 0x1F80; // all exceptions masked

// Identical on every CPU: set by the boot CPU before the others start.
uint32_t cr4_bits;

// One owner per CPU: whose state the registers hold (nullptr: nobody's).
Vcpu* owner[max_cpus];

void write_cr0(uint32_t v) { asm volatile("movl %0, %%cr0" ::"r"(v) : "memory"); }
void clts() { asm volatile("clts" ::: "memory"); }

void save(Vcpu& v)
{
    if (cr4_bits & cr4_osfxsr)
        asm volatile("fxsave %0" : "=m"(v.arch.fpu));
    else
        asm volatile("fnsave %0; fwait" : "=m"(v.arch.fpu)); // fnsave reinitialises
    v.arch.fpu_used = true;
}

void restore(Vcpu& v)
{
    if (!v.arch.fpu_used) {
        // Reset state, as a CPU comes up (FNINIT; MXCSR's power-on value).
        asm volatile("fninit" ::: "memory");
        if (cr4_bits & cr4_osxmmexcpt) {
            uint32_t mxcsr = mxcsr_reset;
            asm volatile("ldmxcsr %0" ::"m"(mxcsr));
        }
        return;
    }
    if (cr4_bits & cr4_osfxsr)
        asm volatile("fxrstor %0" ::"m"(v.arch.fpu));
    else
        asm volatile("frstor %0" ::"m"(v.arch.fpu));
}

} // namespace

void fpu_init_cpu(unsigned cpu)
{
    if (cpu == 0) {
        uint32_t edx = cpuid(1).edx;
        cr4_bits = (edx & edx_fxsr) ? cr4_osfxsr : 0;
        if ((edx & edx_fxsr) && (edx & edx_sse))
            cr4_bits |= cr4_osxmmexcpt;
    }
    // Native #MF for x87 errors (NE), WAIT/FWAIT honour TS (MP); TS set so
    // the first guest use of the FPU on this CPU is seen.
    write_cr0(read_cr0() | cr0_mp | cr0_ne | cr0_ts);
    uint32_t cr4 = read_cr4() | cr4_bits;
    asm volatile("movl %0, %%cr4" ::"r"(cr4) : "memory");
    // Some CPUs (and emulators) keep OSFXSR clear without SSE: what stuck
    // on the boot CPU is what every CPU uses.
    if (cpu == 0)
        cr4_bits &= read_cr4();
}

uint32_t fpu_cr4_bits() { return cr4_bits; }

void fpu_take(Vcpu& v)
{
    unsigned cpu = this_cpu().index;
    clts();
    if (owner[cpu] == &v)
        return;
    if (owner[cpu])
        save(*owner[cpu]);
    restore(v);
    owner[cpu] = &v;
}

void fpu_switch_to(Vcpu& v)
{
    uint32_t cr0 = read_cr0();
    bool ts = owner[this_cpu().index] != &v || v.fpu_ts;
    uint32_t want = ts ? cr0 | cr0_ts : cr0 & ~cr0_ts;
    // A CR0 write serialises the CPU: at a switch TS is usually set already
    // (the last vCPU did not touch the FPU since its own switch).
    if (want != cr0)
        write_cr0(want);
}

void fpu_save_leaving(Vcpu& v)
{
    unsigned cpu = this_cpu().index;
    if (owner[cpu] != &v)
        return;
    clts();
    save(v);
    owner[cpu] = nullptr;
}

void fpu_idle() { write_cr0(read_cr0() | cr0_ts); }

void fpu_forget(Vcpu& v)
{
    for (Vcpu*& o : owner)
        if (o == &v)
            o = nullptr;
}

} // namespace arch
