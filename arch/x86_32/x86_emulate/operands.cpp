// Operand locations and the memory hooks as the executors use them.
#include "arch/x86_32/x86_emulate/exec.hpp"
#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul::detail {

Loc rm_operand(const Insn& in, unsigned bytes)
{
    Loc l;
    l.mem = in.mem;
    l.seg = in.seg;
    l.off = in.ea;
    l.reg = in.rm;
    l.bytes = bytes;
    return l;
}

Loc reg_operand(unsigned reg, unsigned bytes)
{
    Loc l;
    l.reg = reg;
    l.bytes = bytes;
    return l;
}

Rc mem_read(Exec& e, Seg s, uint32_t off, void* buf, unsigned n)
{
    if (e.c.ops->read == nullptr)
        return Rc::unhandleable;
    return e.c.ops->read(e.c, s, off, buf, n);
}

Rc mem_write(Exec& e, Seg s, uint32_t off, const void* buf, unsigned n)
{
    if (e.c.ops->write == nullptr)
        return Rc::unhandleable;
    return e.c.ops->write(e.c, s, off, buf, n);
}

Rc mem_cmpxchg(Exec& e, Seg s, uint32_t off, uint64_t old, uint64_t val, unsigned n)
{
    if (e.c.ops->cmpxchg == nullptr)
        return Rc::unhandleable;
    uint8_t o[8], v[8];
    store_le(o, n, old);
    store_le(v, n, val);
    return e.c.ops->cmpxchg(e.c, s, off, o, v, n);
}

Rc read_loc(Exec& e, const Loc& l, uint32_t& v)
{
    if (!l.mem) {
        v = get_reg(e.r, l.reg, l.bytes);
        return Rc::okay;
    }
    uint8_t b[4];
    Rc rc = mem_read(e, l.seg, l.off, b, l.bytes);
    v = rc == Rc::okay ? static_cast<uint32_t>(load_le(b, l.bytes)) : 0;
    return rc;
}

Rc write_loc(Exec& e, const Loc& l, uint32_t v)
{
    if (!l.mem) {
        set_reg(e.r, l.reg, l.bytes, v);
        return Rc::okay;
    }
    uint8_t b[4];
    store_le(b, l.bytes, v);
    return mem_write(e, l.seg, l.off, b, l.bytes);
}

Rc commit_rmw(Exec& e, const Loc& l, uint32_t old, uint32_t v, bool atomic)
{
    if (l.mem && atomic)
        return mem_cmpxchg(e, l.seg, l.off, old, v, l.bytes);
    return write_loc(e, l, v);
}

Rc need_kernel(Exec& e) { return e.c.kernel ? Rc::okay : raise_gp0(e.c); }

} // namespace x86emul::detail
