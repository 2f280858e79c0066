// The register frame every interrupt and exception entry builds. Its layout
// is Xen's x86_32 struct cpu_user_regs (public/arch-x86/xen-x86_32.h), so a
// guest's register state can later be read from and written to it directly.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86_32/cpu/cpu_layout.h"

namespace arch {

struct Exception_frame {
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
    uint32_t esi;
    uint32_t edi;
    uint32_t ebp;
    uint32_t eax;
    uint16_t error_code;
    uint16_t entry_vector;
    uint32_t eip;
    uint16_t cs;
    uint8_t saved_upcall_mask;
    uint8_t pad0;
    uint32_t eflags;
    // The CPU pushes esp/ss only on a privilege change. For an entry from
    // ring 0 the entry code fills them in itself (esp = the interrupted
    // stack pointer, ss = %ss); changing them there has no effect on return.
    uint32_t esp;
    uint16_t ss, pad1;
    uint16_t es, pad2;
    uint16_t ds, pad3;
    uint16_t fs, pad4;
    uint16_t gs, pad5;

    bool from_guest() const { return (cs & 3) != 0; }
};

static_assert(sizeof(Exception_frame) == UREGS_size);
static_assert(offsetof(Exception_frame, ebx) == UREGS_ebx);
static_assert(offsetof(Exception_frame, eax) == UREGS_eax);
static_assert(offsetof(Exception_frame, error_code) == UREGS_error_code);
static_assert(offsetof(Exception_frame, entry_vector) == UREGS_entry_vector);
static_assert(offsetof(Exception_frame, eip) == UREGS_eip);
static_assert(offsetof(Exception_frame, cs) == UREGS_cs);
static_assert(offsetof(Exception_frame, eflags) == UREGS_eflags);
static_assert(offsetof(Exception_frame, esp) == UREGS_esp);
static_assert(offsetof(Exception_frame, ss) == UREGS_ss);
static_assert(offsetof(Exception_frame, es) == UREGS_es);
static_assert(offsetof(Exception_frame, ds) == UREGS_ds);
static_assert(offsetof(Exception_frame, fs) == UREGS_fs);
static_assert(offsetof(Exception_frame, gs) == UREGS_gs);

// Copies a frame, or a vCPU's saved registers (Xen's cpu_user_regs, the
// same 17 words), as words, unrolled: one load and one store each. GCC
// makes a 68-byte copy between pointers it cannot prove aligned, and a
// plain struct assignment, into a loop of five or six instructions a word.
static_assert(sizeof(Exception_frame) % 4 == 0);
inline void copy_frame(void* dst, const void* src)
{
    auto* d = static_cast<uint32_t*>(dst);
    auto* s = static_cast<const uint32_t*>(src);
#pragma GCC unroll 17
    for (uint32_t i = 0; i < sizeof(Exception_frame) / 4; ++i)
        d[i] = s[i];
}

// The frame a guest built when it entered the hypervisor on this CPU.
Exception_frame& guest_frame();

} // namespace arch
