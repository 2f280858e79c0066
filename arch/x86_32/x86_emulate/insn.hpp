// A decoded instruction and the opcode-table entry that describes its
// operand forms. Internal to the emulator.
#pragma once
#include <cstdint>

#include "arch/x86_32/x86_emulate/x86_emulate.hpp"

namespace x86emul::detail {

// What executes an opcode (none: its length is known, it is not emulated).
enum class Kind : uint8_t {
    none,
    alu,          // 00-3D: the operation is opcode bits 3-5, the form bits 0-2
    grp1,         // 80-83: alu r/m, imm (operation in ModRM.reg)
    test,         // 84/85, A8/A9, F6/F7 /0 /1
    not_neg,      // F6/F7 /2 /3
    inc_dec,      // FE/FF /0 /1
    xchg,         // 86/87
    mov,          // 88-8B, C6/C7 /0
    mov_moffs,    // A0-A3
    string,       // 6C-6F, A4/A5, AA-AD
    io,           // E4-E7, EC-EF
    cli_sti,      // FA/FB
    hlt,          // F4
    clts,         // 0F 06
    cache,        // 0F 08/09 (invd, wbinvd)
    mov_cr,       // 0F 20/22
    mov_dr,       // 0F 21/23
    msr,          // 0F 30/32 (wrmsr, rdmsr)
    rdtsc,        // 0F 31
    cpuid,        // 0F A2
    msw,          // 0F 01 /4 smsw, /6 lmsw
    bt,           // 0F A3/AB/B3/BB, 0F BA /4-7
    cmpxchg,      // 0F B0/B1
    xadd,         // 0F C0/C1
    cmpxchg8b,    // 0F C7 /1
};

// Operand-form bits of an opcode.
enum Form : uint16_t {
    fm_known = 1u << 0,     // a valid opcode whose length the decoder knows
    fm_modrm = 1u << 1,     // has a ModRM byte (and SIB/displacement)
    fm_byte = 1u << 2,      // operates on bytes
    fm_imm8 = 1u << 3,
    fm_immz = 1u << 4,      // imm16 or imm32 by operand size
    fm_imm16 = 1u << 5,
    fm_moffs = 1u << 6,     // an offset as wide as the address size
    fm_far = 1u << 7,       // ptr16:16 or ptr16:32
    fm_lock = 1u << 8,      // LOCK is legal with a memory destination
    fm_regonly = 1u << 9,   // ModRM.mod is ignored: always a register (mov cr/dr)
    fm_group = 1u << 10,    // ModRM.reg refines the entry (decode.cpp refine)
};

struct Opdesc {
    uint16_t form = 0;
    Kind kind = Kind::none;
};

// The one-byte map and the 0F map (32-bit mode).
Opdesc one_byte_op(uint8_t op);
Opdesc two_byte_op(uint8_t op);

struct Insn {
    uint8_t len = 0;
    uint8_t op = 0;            // the opcode byte (the second one in the 0F map)
    bool twobyte = false;
    Opdesc d;                  // refined by ModRM.reg for groups
    uint8_t modrm = 0, mod = 0, reg = 0, rm = 0;
    uint8_t opsize = 4;        // 2 with 0x66
    uint8_t adsize = 4;        // 2 with 0x67
    bool lock = false;
    bool rep = false;          // F3 or F2 (string instructions other than cmps/scas)
    Seg seg = Seg::ds;         // the memory operand's segment
    bool seg_override = false;
    bool mem = false;          // the ModRM operand (or moffs) is memory
    uint32_t ea = 0;           // its offset, already masked to the address size
    uint32_t imm = 0;          // first immediate, zero-extended
    uint8_t imm_bytes = 0;
    uint32_t imm2 = 0;         // second immediate (enter's imm8, a far pointer's selector)

    unsigned bytes() const { return (d.form & fm_byte) ? 1u : opsize; }
    uint32_t addr_mask() const { return adsize == 4 ? 0xFFFFFFFFu : 0xFFFFu; }
};

// Fetches and decodes the instruction at regs.eip; computes the memory
// operand's offset from the registers. Exceptions: #GP(0) past 15 bytes,
// #UD for LOCK where it is not legal, and whatever the fetch hook raises.
// 'pre' holds the first 'pre_bytes' code bytes when the caller fetched
// them already (emulate's first fetch); the rest are fetched as needed.
Rc decode(Ctxt& c, const arch::Exception_frame& regs, Insn& in, const uint8_t* pre = nullptr,
          unsigned pre_bytes = 0);

// emulate() without its fast paths for page-table writes (x86_emulate.cpp),
// on code bytes fetched already, if any: the path the tests compare the
// fast ones with.
Rc emulate_general(Ctxt& c, arch::Exception_frame& regs, const uint8_t* pre = nullptr,
                   unsigned pre_bytes = 0);

} // namespace x86emul::detail
