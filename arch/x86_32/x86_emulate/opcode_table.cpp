// The operand forms of the one-byte and 0F opcode maps in 32-bit protected
// mode (Intel SDM vol. 2, appendix A). Built once at compile time from
// runs of opcodes that share a form; opcodes left out are unknown to the
// decoder (SSE, x87 beyond its ModRM form, the three-byte maps, ...).
#include "arch/x86_32/x86_emulate/insn.hpp"

namespace x86emul::detail {
namespace {

constexpr uint16_t K = fm_known, M = fm_known | fm_modrm, B = fm_byte, I8 = fm_imm8,
                   IZ = fm_immz, L = fm_lock;

struct Map {
    Opdesc e[256];

    constexpr void set(unsigned first, unsigned last, uint16_t form, Kind kind = Kind::none)
    {
        for (unsigned i = first; i <= last; ++i)
            e[i] = Opdesc{form, kind};
    }
};

// 00-7F.
constexpr void add_low(Map& m)
{
    // The eight ALU blocks: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  eAX,Iz, then
    // push/pop of a segment register, a prefix, or a BCD adjust.
    for (unsigned base = 0; base < 0x40; base += 8) {
        bool cmp = base == 0x38;
        uint16_t lock = cmp ? 0 : L;
        m.set(base + 0, base + 0, M | B | lock, Kind::alu);
        m.set(base + 1, base + 1, M | lock, Kind::alu);
        m.set(base + 2, base + 2, M | B, Kind::alu);
        m.set(base + 3, base + 3, M, Kind::alu);
        m.set(base + 4, base + 4, K | B | I8, Kind::alu);
        m.set(base + 5, base + 5, K | IZ, Kind::alu);
        m.set(base + 6, base + 7, K);
    }
    m.set(0x0F, 0x0F, 0);                 // escape to the 0F map
    m.set(0x26, 0x26, 0);                 // segment prefixes es, cs, ss, ds
    m.set(0x2E, 0x2E, 0);
    m.set(0x36, 0x36, 0);
    m.set(0x3E, 0x3E, 0);
    m.set(0x40, 0x61, K);                 // inc/dec/push/pop reg, pusha, popa
    m.set(0x62, 0x63, M);                 // bound, arpl
    m.set(0x64, 0x67, 0);                 // fs, gs, operand and address size prefixes
    m.set(0x68, 0x68, K | IZ);            // push Iz
    m.set(0x69, 0x69, M | IZ);            // imul Gv,Ev,Iz
    m.set(0x6A, 0x6A, K | I8);            // push Ib
    m.set(0x6B, 0x6B, M | I8);            // imul Gv,Ev,Ib
    m.set(0x6C, 0x6C, K | B, Kind::string);  // insb
    m.set(0x6D, 0x6D, K, Kind::string);      // insw/d
    m.set(0x6E, 0x6E, K | B, Kind::string);  // outsb
    m.set(0x6F, 0x6F, K, Kind::string);      // outsw/d
    m.set(0x70, 0x7F, K | I8);            // jcc rel8
}

// 80-BF.
constexpr void add_middle(Map& m)
{
    m.set(0x80, 0x80, M | B | I8 | fm_group, Kind::grp1);
    m.set(0x81, 0x81, M | IZ | fm_group, Kind::grp1);
    m.set(0x82, 0x82, M | B | I8 | fm_group, Kind::grp1);  // alias of 80 outside 64-bit mode
    m.set(0x83, 0x83, M | I8 | fm_group, Kind::grp1);
    m.set(0x84, 0x84, M | B, Kind::test);
    m.set(0x85, 0x85, M, Kind::test);
    m.set(0x86, 0x86, M | B | L, Kind::xchg);
    m.set(0x87, 0x87, M | L, Kind::xchg);
    m.set(0x88, 0x88, M | B, Kind::mov);
    m.set(0x89, 0x89, M, Kind::mov);
    m.set(0x8A, 0x8A, M | B, Kind::mov);
    m.set(0x8B, 0x8B, M, Kind::mov);
    m.set(0x8C, 0x8F, M);                 // mov Ev,Sw; lea; mov Sw,Ew; pop Ev
    m.set(0x90, 0x99, K);                 // xchg eAX,reg; cwde; cdq
    m.set(0x9A, 0x9A, K | fm_far);        // call far
    m.set(0x9B, 0x9F, K);                 // fwait, pushf, popf, sahf, lahf
    m.set(0xA0, 0xA0, K | B | fm_moffs, Kind::mov_moffs);
    m.set(0xA1, 0xA1, K | fm_moffs, Kind::mov_moffs);
    m.set(0xA2, 0xA2, K | B | fm_moffs, Kind::mov_moffs);
    m.set(0xA3, 0xA3, K | fm_moffs, Kind::mov_moffs);
    m.set(0xA4, 0xA4, K | B, Kind::string);  // movsb
    m.set(0xA5, 0xA5, K, Kind::string);      // movsw/d
    m.set(0xA6, 0xA6, K | B);                // cmpsb
    m.set(0xA7, 0xA7, K);                    // cmpsw/d
    m.set(0xA8, 0xA8, K | B | I8, Kind::test);
    m.set(0xA9, 0xA9, K | IZ, Kind::test);
    m.set(0xAA, 0xAA, K | B, Kind::string);  // stosb
    m.set(0xAB, 0xAB, K, Kind::string);      // stosw/d
    m.set(0xAC, 0xAC, K | B, Kind::string);  // lodsb
    m.set(0xAD, 0xAD, K, Kind::string);      // lodsw/d
    m.set(0xAE, 0xAE, K | B);                // scasb
    m.set(0xAF, 0xAF, K);                    // scasw/d
    m.set(0xB0, 0xB7, K | B | I8);        // mov r8, Ib
    m.set(0xB8, 0xBF, K | IZ);            // mov r, Iv
}

// C0-FF.
constexpr void add_high(Map& m)
{
    m.set(0xC0, 0xC0, M | B | I8);        // shift group, Ib
    m.set(0xC1, 0xC1, M | I8);
    m.set(0xC2, 0xC2, K | fm_imm16);      // ret Iw
    m.set(0xC3, 0xC3, K);
    m.set(0xC4, 0xC5, M);                 // les, lds
    m.set(0xC6, 0xC6, M | B | I8 | fm_group, Kind::mov);
    m.set(0xC7, 0xC7, M | IZ | fm_group, Kind::mov);
    m.set(0xC8, 0xC8, K | fm_imm16 | I8); // enter Iw, Ib
    m.set(0xC9, 0xC9, K);
    m.set(0xCA, 0xCA, K | fm_imm16);      // retf Iw
    m.set(0xCB, 0xCC, K);
    m.set(0xCD, 0xCD, K | I8);            // int Ib
    m.set(0xCE, 0xCF, K);
    m.set(0xD0, 0xD3, M);                 // shift group by 1 / CL
    m.set(0xD4, 0xD5, K | I8);            // aam, aad
    m.set(0xD6, 0xD7, K);                 // salc, xlat
    m.set(0xD8, 0xDF, M);                 // x87
    m.set(0xE0, 0xE3, K | I8);            // loop*, jcxz
    m.set(0xE4, 0xE4, K | B | I8, Kind::io);
    m.set(0xE5, 0xE5, K | I8, Kind::io);
    m.set(0xE6, 0xE6, K | B | I8, Kind::io);
    m.set(0xE7, 0xE7, K | I8, Kind::io);
    m.set(0xE8, 0xE9, K | IZ);            // call, jmp rel16/32
    m.set(0xEA, 0xEA, K | fm_far);        // jmp far
    m.set(0xEB, 0xEB, K | I8);            // jmp rel8
    m.set(0xEC, 0xEC, K | B, Kind::io);
    m.set(0xED, 0xED, K, Kind::io);
    m.set(0xEE, 0xEE, K | B, Kind::io);
    m.set(0xEF, 0xEF, K, Kind::io);
    m.set(0xF0, 0xF0, 0);                 // lock
    m.set(0xF1, 0xF1, K);                 // int1
    m.set(0xF2, 0xF3, 0);                 // repne, rep
    m.set(0xF4, 0xF4, K, Kind::hlt);
    m.set(0xF5, 0xF5, K);                 // cmc
    m.set(0xF6, 0xF6, M | B | fm_group);  // group 3: refined by ModRM.reg
    m.set(0xF7, 0xF7, M | fm_group);
    m.set(0xF8, 0xF9, K);                 // clc, stc
    m.set(0xFA, 0xFB, K, Kind::cli_sti);
    m.set(0xFC, 0xFD, K);                 // cld, std
    m.set(0xFE, 0xFE, M | B | fm_group);  // group 4
    m.set(0xFF, 0xFF, M | fm_group);      // group 5
}

constexpr Map build_one_byte()
{
    Map m{};
    add_low(m);
    add_middle(m);
    add_high(m);
    return m;
}

constexpr Map build_two_byte()
{
    Map m{};
    m.set(0x00, 0x00, M);                 // group 6 (sldt, str, lldt, ltr, verr, verw)
    m.set(0x01, 0x01, M | fm_group);      // group 7: smsw, lmsw, lgdt, ...
    m.set(0x02, 0x03, M);                 // lar, lsl
    m.set(0x06, 0x06, K, Kind::clts);
    m.set(0x08, 0x09, K, Kind::cache);    // invd, wbinvd
    m.set(0x0B, 0x0B, K);                 // ud2
    m.set(0x0D, 0x0D, M);                 // prefetch
    m.set(0x18, 0x1F, M);                 // hint nops
    m.set(0x20, 0x20, M | fm_regonly, Kind::mov_cr);
    m.set(0x21, 0x21, M | fm_regonly, Kind::mov_dr);
    m.set(0x22, 0x22, M | fm_regonly, Kind::mov_cr);
    m.set(0x23, 0x23, M | fm_regonly, Kind::mov_dr);
    m.set(0x30, 0x30, K, Kind::msr);      // wrmsr
    m.set(0x31, 0x31, K, Kind::rdtsc);
    m.set(0x32, 0x32, K, Kind::msr);      // rdmsr
    m.set(0x33, 0x35, K);                 // rdpmc, sysenter, sysexit
    m.set(0x40, 0x4F, M);                 // cmovcc
    m.set(0x80, 0x8F, K | IZ);            // jcc rel16/32
    m.set(0x90, 0x9F, M);                 // setcc
    m.set(0xA0, 0xA1, K);                 // push/pop fs
    m.set(0xA2, 0xA2, K, Kind::cpuid);
    m.set(0xA3, 0xA3, M, Kind::bt);
    m.set(0xA4, 0xA4, M | I8);            // shld Ib
    m.set(0xA5, 0xA5, M);                 // shld cl
    m.set(0xA8, 0xA9, K);                 // push/pop gs
    m.set(0xAB, 0xAB, M | L, Kind::bt);
    m.set(0xAC, 0xAC, M | I8);            // shrd Ib
    m.set(0xAD, 0xAD, M);                 // shrd cl
    m.set(0xAF, 0xAF, M);                 // imul Gv,Ev
    m.set(0xB0, 0xB0, M | B | L, Kind::cmpxchg);
    m.set(0xB1, 0xB1, M | L, Kind::cmpxchg);
    m.set(0xB2, 0xB2, M);                 // lss
    m.set(0xB3, 0xB3, M | L, Kind::bt);
    m.set(0xB4, 0xB7, M);                 // lfs, lgs, movzx
    m.set(0xBA, 0xBA, M | I8 | fm_group, Kind::bt);
    m.set(0xBB, 0xBB, M | L, Kind::bt);
    m.set(0xBC, 0xBF, M);                 // bsf, bsr, movsx
    m.set(0xC0, 0xC0, M | B | L, Kind::xadd);
    m.set(0xC1, 0xC1, M | L, Kind::xadd);
    m.set(0xC7, 0xC7, M | fm_group);      // group 9: cmpxchg8b
    m.set(0xC8, 0xCF, K);                 // bswap
    return m;
}

constexpr Map one_byte = build_one_byte();
constexpr Map two_byte = build_two_byte();

} // namespace

Opdesc one_byte_op(uint8_t op) { return one_byte.e[op]; }
Opdesc two_byte_op(uint8_t op) { return two_byte.e[op]; }

} // namespace x86emul::detail
