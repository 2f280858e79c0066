// String instructions: movs, stos, lods, ins, outs, with rep (F3, and F2
// which acts the same on them). The source is seg:ESI (DS unless
// overridden), the destination always ES:EDI; ESI/EDI move by the operand
// size, down when EFLAGS.DF is set; with a 16-bit address size only
// SI/DI/CX take part. cmps and scas are not emulated.
//
// Each call runs up to Ctxt::max_reps iterations. An iteration is complete
// (its registers updated) once its store succeeded; when a later one
// cannot be done the result is still okay, eip stays on the instruction
// and the failing iteration faults again when the guest re-executes it.
#include "arch/x86_32/x86_emulate/alu.hpp"
#include "arch/x86_32/x86_emulate/exec.hpp"
#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul::detail {
namespace {

enum class Str : uint8_t { movs, stos, lods, ins, outs };

Str which(uint8_t op)
{
    switch (op) {
    case 0xA4: case 0xA5: return Str::movs;
    case 0xAA: case 0xAB: return Str::stos;
    case 0xAC: case 0xAD: return Str::lods;
    case 0x6C: case 0x6D: return Str::ins;
    default: return Str::outs;
    }
}

Rc read_io(Exec& e, unsigned n, uint32_t& v)
{
    if (e.c.ops->read_io == nullptr)
        return Rc::unhandleable;
    return e.c.ops->read_io(e.c, static_cast<uint16_t>(e.r.edx), n, v);
}

Rc write_io(Exec& e, unsigned n, uint32_t v)
{
    if (e.c.ops->write_io == nullptr)
        return Rc::unhandleable;
    return e.c.ops->write_io(e.c, static_cast<uint16_t>(e.r.edx), n, v);
}

// One element: read it (memory, port or accumulator), then store it.
Rc iteration(Exec& e, Str s, unsigned n, uint32_t src, uint32_t dst)
{
    uint8_t b[4];
    uint32_t v = 0;
    Rc rc = Rc::okay;
    if (s == Str::movs || s == Str::lods || s == Str::outs) {
        rc = mem_read(e, e.in.seg, src, b, n);
        v = static_cast<uint32_t>(load_le(b, n));
    } else if (s == Str::ins) {
        rc = read_io(e, n, v);
    } else {
        v = get_reg(e.r, reg_eax, n);
    }
    if (rc != Rc::okay)
        return rc;
    store_le(b, n, v);
    switch (s) {
    case Str::lods: set_reg(e.r, reg_eax, n, v); return Rc::okay;
    case Str::outs: return write_io(e, n, v);
    default: return mem_write(e, Seg::es, dst, b, n);
    }
}

void step(uint32_t& reg, uint32_t mask, uint32_t delta)
{
    reg = (reg & ~mask) | ((reg + delta) & mask);
}

} // namespace

Rc exec_string(Exec& e)
{
    const Insn& in = e.in;
    Str s = which(in.op);
    unsigned n = in.bytes();
    uint32_t mask = in.addr_mask();
    uint32_t count = in.rep ? e.r.ecx & mask : 1;
    uint32_t limit = e.c.max_reps == 0 ? 1 : e.c.max_reps;
    uint32_t delta = (e.r.eflags & fl_df) ? 0u - n : n;
    bool uses_src = s == Str::movs || s == Str::lods || s == Str::outs;
    bool uses_dst = s == Str::movs || s == Str::stos || s == Str::ins;
    for (uint32_t done = 0; count != 0 && done < limit; ++done) {
        Rc rc = iteration(e, s, n, e.r.esi & mask, e.r.edi & mask);
        if (rc != Rc::okay) {
            if (done == 0)
                return rc;
            break;
        }
        if (uses_src)
            step(e.r.esi, mask, delta);
        if (uses_dst)
            step(e.r.edi, mask, delta);
        --count;
        if (in.rep)
            step(e.r.ecx, mask, 0xFFFFFFFFu);
    }
    e.complete = count == 0;
    return Rc::okay;
}

} // namespace x86emul::detail
