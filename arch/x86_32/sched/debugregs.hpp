// The debug registers of this CPU: a vCPU's breakpoints (set_debugreg) are
// loaded while it runs and cleared while anything else does.
#pragma once
#include <cstdint>

namespace arch {

inline void load_debugreg(unsigned reg, uint32_t value)
{
    switch (reg) {
    case 0: asm volatile("movl %0, %%db0" ::"r"(value)); break;
    case 1: asm volatile("movl %0, %%db1" ::"r"(value)); break;
    case 2: asm volatile("movl %0, %%db2" ::"r"(value)); break;
    case 3: asm volatile("movl %0, %%db3" ::"r"(value)); break;
    case 6: asm volatile("movl %0, %%db6" ::"r"(value)); break;
    case 7: asm volatile("movl %0, %%db7" ::"r"(value)); break;
    default: break;
    }
}

// DR0-3, DR6 and DR7 from a vCPU's copy (DR7 last: no breakpoint is armed
// on an old address).
inline void load_debugregs(const uint32_t (&dr)[8])
{
    load_debugreg(7, 0x400);
    for (unsigned r = 0; r < 4; ++r)
        load_debugreg(r, dr[r]);
    load_debugreg(6, dr[6]);
    load_debugreg(7, dr[7]);
}

} // namespace arch
