// What the executors share: the instruction being executed on a working
// copy of the registers, operand locations, and the memory hooks wrapped
// so a missing hook is "unhandleable". Internal to the emulator.
#pragma once
#include <cstdint>

#include "arch/x86_32/x86_emulate/insn.hpp"

namespace x86emul::detail {

struct Exec {
    Ctxt& c;
    const Insn& in;
    arch::Exception_frame& r;  // the working copy, committed only on okay
    bool complete = true;      // false: a rep string instruction is not finished
};

// A register or memory operand of 1, 2 or 4 bytes.
struct Loc {
    bool mem = false;
    Seg seg = Seg::ds;
    uint32_t off = 0;
    unsigned reg = 0;
    unsigned bytes = 4;
};

// The ModRM r/m operand (or the moffs location).
Loc rm_operand(const Insn& in, unsigned bytes);
Loc reg_operand(unsigned reg, unsigned bytes);

Rc mem_read(Exec& e, Seg s, uint32_t off, void* buf, unsigned n);
Rc mem_write(Exec& e, Seg s, uint32_t off, const void* buf, unsigned n);
Rc mem_cmpxchg(Exec& e, Seg s, uint32_t off, uint64_t old, uint64_t val, unsigned n);

Rc read_loc(Exec& e, const Loc& l, uint32_t& v);
Rc write_loc(Exec& e, const Loc& l, uint32_t v);
// The store of a read-modify-write whose operand read 'old': compare-
// exchanged when 'atomic' (LOCK, or xchg) and in memory, else written.
Rc commit_rmw(Exec& e, const Loc& l, uint32_t old, uint32_t v, bool atomic);

// A CPL-0 instruction: #GP(0) unless the caller runs a kernel.
Rc need_kernel(Exec& e);

// One per family; each returns okay with the working copy updated.
Rc exec_integer(Exec& e);
Rc exec_bit_test(Exec& e);
Rc exec_string(Exec& e);
Rc exec_system(Exec& e);

} // namespace x86emul::detail
