// The debug registers of this CPU: a vCPU's breakpoints (set_debugreg) are
// loaded while it runs and cleared while anything else does.
#pragma once
#include <cstdint>

#include "hypervisor/lib/xen_errno.hpp"
#include "public/xen.h"

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

// The reset values (Xen's X86_DR6_DEFAULT, DR7's fixed bit 10), and DR7's
// local and global enables of the four breakpoints.
constexpr uint32_t dr6_reset = 0xFFFF0FF0u;
constexpr uint32_t dr7_reset = 0x400u;
constexpr uint32_t dr7_enables = 0xFF;

inline uint32_t read_dr6()
{
    uint32_t v;
    asm volatile("movl %%db6, %0" : "=r"(v));
    return v;
}

// DR6 as the last #DB left it (the CPU never clears its status bits), the
// register back at its reset value.
inline uint32_t take_dr6()
{
    uint32_t v = read_dr6();
    load_debugreg(6, dr6_reset);
    return v;
}

// DR0-3 and DR7 from a vCPU's copy (DR7 last: no breakpoint is armed on an
// old address). DR6 stays at its reset value on the CPU: a #DB's status
// goes into the vCPU's copy, which is what get_debugreg(6) reads.
inline void load_debugregs(const uint32_t (&dr)[8])
{
    load_debugreg(7, dr7_reset);
    for (unsigned r = 0; r < 4; ++r)
        load_debugreg(r, dr[r]);
    load_debugreg(7, dr[7]);
}

// A CPU loads a vCPU's breakpoints only when it has some enabled, and
// disarms those of the last one when the next has none: DR0-3 are never
// looked at while DR7 enables nothing (Xen's activate_debugregs). A write
// to a debug register costs as much as a serialising instruction, and a
// switch used to make six. 'armed' is the CPU's: DR7 enables breakpoints.
inline void switch_debugregs(bool& armed, const uint32_t (&dr)[8])
{
    if (dr[7] & dr7_enables) {
        load_debugregs(dr);
        armed = true;
    } else if (armed) {
        load_debugreg(7, dr7_reset);
        armed = false;
    }
}

// A guest's value for debug register 'reg' (set_debugreg, VCPUOP_initialise)
// made safe, as Xen's set_debugreg: 0, -EINVAL for DR4/5 and others, or
// -EPERM for a breakpoint in the hypervisor, general detect, or an I/O
// breakpoint (CR4.DE is the hypervisor's).
inline long sanitize_debugreg(unsigned reg, uint32_t& value)
{
    switch (reg) {
    case 0: case 1: case 2: case 3:
        // A breakpoint address inside the hypervisor would fire in ring 0.
        return value > HYPERVISOR_VIRT_START - 4 ? -XEN_EPERM : 0;
    case 6:
        value = (value & 0x0000E00Fu) | dr6_reset;
        return 0;
    case 7:
        if (value & (1u << 13)) // GD: general detect would trap the hypervisor
            return -XEN_EPERM;
        for (unsigned i = 0; i < 4; ++i) {
            uint32_t rw = (value >> (16 + 4 * i)) & 3;
            bool enabled = (value >> (2 * i)) & 3;
            if (enabled && rw == 2) // I/O breakpoints need CR4.DE
                return -XEN_EPERM;
        }
        value = (value & 0xFFFF23FFu) | 0x400u;
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

} // namespace arch
