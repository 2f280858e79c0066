// Interrupts off around a short section that an interrupt handler on the
// same CPU must not see half done (a map-cache slot being claimed, a copy
// of a vCPU's L3 entries and the CR3 load that uses it).
#pragma once
#include <cstdint>

namespace arch {

// EFLAGS as they were, with interrupts now off.
inline uint32_t irq_save()
{
    uint32_t flags;
    asm volatile("pushfl; popl %0; cli" : "=r"(flags)::"memory");
    return flags;
}

inline void irq_restore(uint32_t flags) { asm volatile("pushl %0; popfl" ::"r"(flags) : "memory", "cc"); }

} // namespace arch
