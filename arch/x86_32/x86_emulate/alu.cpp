#include "arch/x86_32/x86_emulate/alu.hpp"

#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul::detail {
namespace {

uint32_t sign_bit(unsigned bytes) { return 1u << (8 * bytes - 1); }

// ZF, SF and PF (even parity of the low byte) of a masked result.
uint32_t zsp(uint32_t r, unsigned bytes)
{
    uint32_t f = 0;
    if (r == 0)
        f |= fl_zf;
    if (r & sign_bit(bytes))
        f |= fl_sf;
    if ((__builtin_popcount(r & 0xFFu) & 1) == 0)
        f |= fl_pf;
    return f;
}

uint32_t add_flags(uint32_t a, uint32_t b, uint32_t carry_in, unsigned bytes, uint32_t& r)
{
    uint32_t m = width_mask(bytes);
    uint64_t wide = uint64_t{a} + b + carry_in;
    r = static_cast<uint32_t>(wide) & m;
    uint32_t f = zsp(r, bytes);
    if (wide > m)
        f |= fl_cf;
    if ((a ^ r) & (b ^ r) & sign_bit(bytes))
        f |= fl_of;
    if ((a ^ b ^ r) & 0x10u)
        f |= fl_af;
    return f;
}

uint32_t sub_flags(uint32_t a, uint32_t b, uint32_t borrow_in, unsigned bytes, uint32_t& r)
{
    uint32_t m = width_mask(bytes);
    r = (a - b - borrow_in) & m;
    uint32_t f = zsp(r, bytes);
    if (uint64_t{a} < uint64_t{b} + borrow_in)
        f |= fl_cf;
    if ((a ^ b) & (a ^ r) & sign_bit(bytes))
        f |= fl_of;
    if ((a ^ b ^ r) & 0x10u)
        f |= fl_af;
    return f;
}

} // namespace

uint32_t alu(Alu op, uint32_t a, uint32_t b, unsigned bytes, uint32_t& eflags)
{
    uint32_t m = width_mask(bytes);
    a &= m;
    b &= m;
    uint32_t cf = eflags & fl_cf;
    uint32_t r = 0, f = 0;
    switch (op) {
    case Alu::add: f = add_flags(a, b, 0, bytes, r); break;
    case Alu::adc: f = add_flags(a, b, cf, bytes, r); break;
    case Alu::sub:
    case Alu::cmp: f = sub_flags(a, b, 0, bytes, r); break;
    case Alu::sbb: f = sub_flags(a, b, cf, bytes, r); break;
    case Alu::or_: r = a | b; f = zsp(r, bytes); break;
    case Alu::and_: r = a & b; f = zsp(r, bytes); break;
    case Alu::xor_: r = a ^ b; f = zsp(r, bytes); break;
    }
    eflags = (eflags & ~fl_arith) | f;
    return r;
}

uint32_t inc_dec(bool dec, uint32_t a, unsigned bytes, uint32_t& eflags)
{
    uint32_t r, f;
    a &= width_mask(bytes);
    f = dec ? sub_flags(a, 1, 0, bytes, r) : add_flags(a, 1, 0, bytes, r);
    eflags = (eflags & ~(fl_arith & ~fl_cf)) | (f & ~fl_cf);
    return r;
}

uint32_t neg(uint32_t a, unsigned bytes, uint32_t& eflags)
{
    uint32_t r;
    uint32_t f = sub_flags(0, a & width_mask(bytes), 0, bytes, r);
    eflags = (eflags & ~fl_arith) | f;
    return r;
}

} // namespace x86emul::detail
