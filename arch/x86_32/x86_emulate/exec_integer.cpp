// Integer instructions with register or memory operands: mov, the ALU
// operations and test, inc/dec, not/neg, xchg, xadd, cmpxchg, cmpxchg8b.
#include "arch/x86_32/x86_emulate/alu.hpp"
#include "arch/x86_32/x86_emulate/exec.hpp"
#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul::detail {
namespace {

// dst = dst op src (cmp and test only set flags).
Rc alu_into(Exec& e, Alu op, const Loc& dst, uint32_t src, bool write_back)
{
    uint32_t a;
    if (Rc rc = read_loc(e, dst, a); rc != Rc::okay)
        return rc;
    uint32_t fl = e.r.eflags;
    uint32_t v = alu(op, a, src, dst.bytes, fl);
    if (write_back)
        if (Rc rc = commit_rmw(e, dst, a, v, e.in.lock); rc != Rc::okay)
            return rc;
    e.r.eflags = fl;
    return Rc::okay;
}

// 00-3D: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  eAX,Iz.
Rc alu_block(Exec& e)
{
    const Insn& in = e.in;
    Alu op = static_cast<Alu>((in.op >> 3) & 7);
    unsigned n = in.bytes();
    bool write_back = op != Alu::cmp;
    switch (in.op & 7) {
    case 0:
    case 1: return alu_into(e, op, rm_operand(in, n), get_reg(e.r, in.reg, n), write_back);
    case 2:
    case 3: {
        uint32_t src;
        if (Rc rc = read_loc(e, rm_operand(in, n), src); rc != Rc::okay)
            return rc;
        return alu_into(e, op, reg_operand(in.reg, n), src, write_back);
    }
    default: return alu_into(e, op, reg_operand(reg_eax, n), in.imm, write_back);
    }
}

// 80-83 (83: imm8 sign-extended), and test's forms.
Rc group1(Exec& e)
{
    const Insn& in = e.in;
    Alu op = static_cast<Alu>(in.reg);
    uint32_t imm = in.op == 0x83 ? sign_extend(in.imm, 1) : in.imm;
    return alu_into(e, op, rm_operand(in, in.bytes()), imm, op != Alu::cmp);
}

Rc test(Exec& e)
{
    const Insn& in = e.in;
    unsigned n = in.bytes();
    if (in.op == 0x84 || in.op == 0x85)
        return alu_into(e, Alu::and_, rm_operand(in, n), get_reg(e.r, in.reg, n), false);
    if (in.op == 0xA8 || in.op == 0xA9)
        return alu_into(e, Alu::and_, reg_operand(reg_eax, n), in.imm, false);
    return alu_into(e, Alu::and_, rm_operand(in, n), in.imm, false); // F6/F7 /0 /1
}

// F6/F7 /2 not, /3 neg; FE/FF /0 inc, /1 dec.
Rc unary(Exec& e)
{
    const Insn& in = e.in;
    Loc dst = rm_operand(in, in.bytes());
    uint32_t a;
    if (Rc rc = read_loc(e, dst, a); rc != Rc::okay)
        return rc;
    uint32_t fl = e.r.eflags, v;
    if (in.d.kind == Kind::inc_dec)
        v = inc_dec(in.reg == 1, a, dst.bytes, fl);
    else if (in.reg == 2)
        v = ~a & width_mask(dst.bytes);
    else
        v = neg(a, dst.bytes, fl);
    if (Rc rc = commit_rmw(e, dst, a, v, in.lock); rc != Rc::okay)
        return rc;
    e.r.eflags = fl;
    return Rc::okay;
}

// xchg with memory is locked whether or not the prefix is there.
Rc exchange(Exec& e)
{
    const Insn& in = e.in;
    unsigned n = in.bytes();
    Loc dst = rm_operand(in, n);
    uint32_t a, src = get_reg(e.r, in.reg, n);
    if (Rc rc = read_loc(e, dst, a); rc != Rc::okay)
        return rc;
    if (Rc rc = commit_rmw(e, dst, a, src, true); rc != Rc::okay)
        return rc;
    set_reg(e.r, in.reg, n, a);
    return Rc::okay;
}

// 88/89 store, 8A/8B load, C6/C7 /0 store an immediate, A0-A3 moffs.
Rc move(Exec& e)
{
    const Insn& in = e.in;
    unsigned n = in.bytes();
    Loc mem = rm_operand(in, n);
    uint32_t v;
    switch (in.op) {
    case 0x88: case 0x89: return write_loc(e, mem, get_reg(e.r, in.reg, n));
    case 0xC6: case 0xC7: return write_loc(e, mem, in.imm);
    case 0xA2: case 0xA3: return write_loc(e, mem, get_reg(e.r, reg_eax, n));
    default: {
        if (Rc rc = read_loc(e, mem, v); rc != Rc::okay)
            return rc;
        set_reg(e.r, in.op >= 0xA0 ? reg_eax : in.reg, n, v);
        return Rc::okay;
    }
    }
}

// 0F C0/C1: temp = dst + src; src = dst; dst = temp.
Rc exchange_add(Exec& e)
{
    const Insn& in = e.in;
    unsigned n = in.bytes();
    Loc dst = rm_operand(in, n);
    uint32_t a;
    if (Rc rc = read_loc(e, dst, a); rc != Rc::okay)
        return rc;
    uint32_t fl = e.r.eflags;
    uint32_t sum = alu(Alu::add, a, get_reg(e.r, in.reg, n), n, fl);
    if (dst.mem) {
        if (Rc rc = commit_rmw(e, dst, a, sum, in.lock); rc != Rc::okay)
            return rc;
        set_reg(e.r, in.reg, n, a);
    } else {
        set_reg(e.r, in.reg, n, a);
        set_reg(e.r, dst.reg, n, sum);
    }
    e.r.eflags = fl;
    return Rc::okay;
}

// 0F B0/B1: flags of cmp accumulator, dst; equal: dst = src, else
// accumulator = dst. A memory destination is only written when equal.
Rc compare_exchange(Exec& e)
{
    const Insn& in = e.in;
    unsigned n = in.bytes();
    Loc dst = rm_operand(in, n);
    uint32_t a;
    if (Rc rc = read_loc(e, dst, a); rc != Rc::okay)
        return rc;
    uint32_t acc = get_reg(e.r, reg_eax, n);
    uint32_t fl = e.r.eflags;
    alu(Alu::cmp, acc, a, n, fl);
    if (acc == a) {
        if (Rc rc = commit_rmw(e, dst, a, get_reg(e.r, in.reg, n), true); rc != Rc::okay)
            return rc;
    } else {
        set_reg(e.r, reg_eax, n, a);
    }
    e.r.eflags = fl;
    return Rc::okay;
}

// 0F C7 /1: edx:eax against m64; only ZF changes.
Rc compare_exchange8(Exec& e)
{
    const Insn& in = e.in;
    if (!in.mem)
        return raise_ud(e.c);
    uint8_t b[8];
    if (Rc rc = mem_read(e, in.seg, in.ea, b, 8); rc != Rc::okay)
        return rc;
    uint64_t cur = load_le(b, 8);
    uint64_t acc = (uint64_t{e.r.edx} << 32) | e.r.eax;
    if (cur == acc) {
        uint64_t val = (uint64_t{e.r.ecx} << 32) | e.r.ebx;
        if (Rc rc = mem_cmpxchg(e, in.seg, in.ea, cur, val, 8); rc != Rc::okay)
            return rc;
        e.r.eflags |= fl_zf;
    } else {
        e.r.eax = static_cast<uint32_t>(cur);
        e.r.edx = static_cast<uint32_t>(cur >> 32);
        e.r.eflags &= ~fl_zf;
    }
    return Rc::okay;
}

} // namespace

Rc exec_integer(Exec& e)
{
    switch (e.in.d.kind) {
    case Kind::alu: return alu_block(e);
    case Kind::grp1: return group1(e);
    case Kind::test: return test(e);
    case Kind::not_neg:
    case Kind::inc_dec: return unary(e);
    case Kind::xchg: return exchange(e);
    case Kind::mov:
    case Kind::mov_moffs: return move(e);
    case Kind::xadd: return exchange_add(e);
    case Kind::cmpxchg: return compare_exchange(e);
    case Kind::cmpxchg8b: return compare_exchange8(e);
    default: return Rc::unhandleable;
    }
}

} // namespace x86emul::detail
