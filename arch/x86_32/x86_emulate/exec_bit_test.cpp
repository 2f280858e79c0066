// bt, bts, btr, btc (0F A3/AB/B3/BB with a register bit offset, 0F BA /4-7
// with an immediate). CF receives the bit; ZF, and on the parts we model
// OF/SF/AF/PF (architecturally undefined), are left alone.
//
// A register bit offset with a memory operand is a signed offset from the
// operand's address (SDM vol. 2, BT: "bit base"): the access moves by
// (offset >> 5) dwords, or (offset >> 4) words with a 16-bit operand size,
// and the bit is offset mod 32 (16) inside it. An immediate offset and a
// register operand take the offset modulo the operand width.
#include "arch/x86_32/x86_emulate/alu.hpp"
#include "arch/x86_32/x86_emulate/exec.hpp"
#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul::detail {
namespace {

enum class Bit_op : uint8_t { test, set, reset, complement };

Bit_op bit_op(const Insn& in)
{
    unsigned sel = in.op == 0xBA ? in.reg & 3u : (in.op >> 3) & 3u; // A3:0 AB:1 B3:2 BB:3
    return static_cast<Bit_op>(sel);
}

} // namespace

Rc exec_bit_test(Exec& e)
{
    const Insn& in = e.in;
    unsigned n = in.opsize, bits = 8 * n;
    bool imm_form = in.op == 0xBA;
    uint32_t offset = imm_form ? in.imm : get_reg(e.r, in.reg, n);
    Loc dst = rm_operand(in, n);
    if (dst.mem && !imm_form) {
        int32_t s = static_cast<int32_t>(sign_extend(offset, n));
        int32_t units = s >> (n == 4 ? 5 : 4); // floor division: negative offsets go down
        dst.off = (dst.off + static_cast<uint32_t>(units) * n) & in.addr_mask();
    }
    unsigned bit = offset & (bits - 1);
    uint32_t a;
    if (Rc rc = read_loc(e, dst, a); rc != Rc::okay)
        return rc;
    uint32_t mask = 1u << bit, v = a;
    switch (bit_op(in)) {
    case Bit_op::test: break;
    case Bit_op::set: v = a | mask; break;
    case Bit_op::reset: v = a & ~mask; break;
    case Bit_op::complement: v = a ^ mask; break;
    }
    if (bit_op(in) != Bit_op::test)
        if (Rc rc = commit_rmw(e, dst, a, v, in.lock); rc != Rc::okay)
            return rc;
    e.r.eflags = (e.r.eflags & ~fl_cf) | ((a & mask) ? fl_cf : 0);
    return Rc::okay;
}

} // namespace x86emul::detail
