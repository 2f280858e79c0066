// The emulator's entry: decode, check the caller accepts the instruction's
// class, execute on a copy of the registers, commit.
#include "arch/x86_32/x86_emulate/x86_emulate.hpp"

#include "arch/x86_32/x86_emulate/alu.hpp"
#include "arch/x86_32/x86_emulate/exec.hpp"
#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul {
namespace {

using detail::Kind;

uint32_t class_of(const detail::Insn& in)
{
    switch (in.d.kind) {
    case Kind::alu: case Kind::grp1: case Kind::test: case Kind::not_neg:
    case Kind::inc_dec: case Kind::xchg: case Kind::mov: case Kind::mov_moffs:
    case Kind::bt: case Kind::cmpxchg: case Kind::xadd: case Kind::cmpxchg8b:
        return cls_mem;
    case Kind::string: return in.op < 0x70 ? cls_io : cls_mem; // 6C-6F: ins/outs
    case Kind::io: return cls_io;
    case Kind::cli_sti: return cls_irq;
    case Kind::hlt: return cls_hlt;
    case Kind::clts: case Kind::mov_cr: case Kind::msw: return cls_cr;
    case Kind::cache: return cls_cache;
    case Kind::mov_dr: return cls_dr;
    case Kind::msr: case Kind::rdtsc: return cls_msr;
    case Kind::cpuid: return cls_cpuid;
    case Kind::none: return 0;
    }
    return 0;
}

Rc execute(detail::Exec& e)
{
    switch (class_of(e.in)) {
    case cls_mem:
        if (e.in.d.kind == Kind::string)
            return detail::exec_string(e);
        return e.in.d.kind == Kind::bt ? detail::exec_bit_test(e) : detail::exec_integer(e);
    case cls_io:
        return e.in.d.kind == Kind::string ? detail::exec_string(e) : detail::exec_system(e);
    default: return detail::exec_system(e);
    }
}

// A mov to memory: the store is its only effect (no register, no flag).
bool store_only(const detail::Insn& in)
{
    if (!in.mem || (in.d.kind != Kind::mov && in.d.kind != Kind::mov_moffs))
        return false;
    switch (in.op) {
    case 0x88: case 0x89: case 0xC6: case 0xC7: case 0xA2: case 0xA3: return true;
    default: return false;
    }
}

} // namespace

Rc raise(Ctxt& c, uint8_t vector, bool has_error_code, uint32_t error_code)
{
    c.event = Event{vector, has_error_code, has_error_code ? error_code : 0, 0};
    return Rc::exception;
}

Rc raise_pf(Ctxt& c, uint32_t addr, uint32_t error_code)
{
    c.event = Event{vec_pf, true, error_code, addr};
    return Rc::exception;
}

namespace {

// The first fetch: as many bytes as the fast paths below read at most, in
// eip's page (never past it, as the decoder's own fetches). The general
// decoder goes on from them, fetching more only for a longer instruction.
constexpr unsigned first_fetch = 8;

// The memory operand of a fast form, from its ModRM byte at b[at]: a base
// register with an 8- or 32-bit displacement or none (no SIB, no absolute
// address; anything else is the general decoder's). 'len' is the
// instruction's length up to the operand's end.
struct Base_operand {
    unsigned reg; // ModRM.reg
    Seg seg;
    uint32_t ea;
    unsigned len;
};

[[gnu::always_inline]] inline bool base_operand(const arch::Exception_frame& regs, const uint8_t* b,
                                                unsigned n, unsigned at, bool ds_override,
                                                Base_operand& m)
{
    if (at >= n)
        return false;
    unsigned mod = b[at] >> 6, rm = b[at] & 7;
    if (mod == 3 || rm == detail::reg_esp || (mod == 0 && rm == detail::reg_ebp))
        return false;
    unsigned len = at + 1 + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
    if (len > n)
        return false; // cut by the page's end: the decoder fetches the rest
    uint32_t disp = mod == 1   ? detail::sign_extend(b[at + 1], 1)
                    : mod == 2 ? static_cast<uint32_t>(detail::load_le(b + at + 1, 4))
                               : 0;
    Seg seg = rm == detail::reg_ebp && !ds_override ? Seg::ss : Seg::ds;
    m = {(b[at] >> 3) & 7u, seg, detail::gpr(regs, rm) + disp, len};
    return true;
}

// The page-table writes PV kernels trap on, decoded without the general
// tables (a trapped write spent a fifth of its instructions there):
//   - mov r32 to m32 (89 /r), no prefix: a 32-bit PTE store;
//   - cmpxchg8b m64 (0F C7 /1), bare, with LOCK, or with the DS prefix a
//     uniprocessor Linux patches its LOCK prefixes into: the write a Linux
//     PAE PV kernel traps on most (ptep_get_and_clear's atomic64_xchg,
//     twice a clear; set_pte_atomic).
// The general path gives the same result for these (tests/unit:
// X86FastPteWrite compares the two); anything else is left to it. False:
// not one of these forms.
bool fast_pte_write(Ctxt& c, arch::Exception_frame& regs, const uint8_t* b, unsigned n, Rc& rc)
{
    if (n < 2 || !(c.allow & cls_mem))
        return false;
    Base_operand m;
    if (b[0] == 0x89) {
        if (c.ops->write == nullptr || !base_operand(regs, b, n, 1, false, m))
            return false;
        uint8_t val[4];
        detail::store_le(val, 4, detail::gpr(regs, m.reg));
        c.insn_len = static_cast<uint8_t>(m.len);
        rc = c.ops->write(c, m.seg, m.ea, val, 4);
        if (rc == Rc::okay)
            regs.eip += m.len;
        return true;
    }
    unsigned p = b[0] == 0xF0 || b[0] == 0x3E ? 1 : 0;
    if (n < p + 3 || b[p] != 0x0F || b[p + 1] != 0xC7 || c.ops->read == nullptr ||
        c.ops->cmpxchg == nullptr || !base_operand(regs, b, n, p + 2, b[0] == 0x3E, m) ||
        m.reg != 1)
        return false;
    c.insn_len = static_cast<uint8_t>(m.len);
    uint8_t cur[8];
    if (rc = c.ops->read(c, m.seg, m.ea, cur, 8); rc != Rc::okay)
        return true;
    uint64_t old = detail::load_le(cur, 8);
    if (old == ((uint64_t{regs.edx} << 32) | regs.eax)) {
        uint8_t val[8];
        detail::store_le(val, 8, (uint64_t{regs.ecx} << 32) | regs.ebx);
        if (rc = c.ops->cmpxchg(c, m.seg, m.ea, cur, val, 8); rc != Rc::okay)
            return true;
        regs.eflags |= detail::fl_zf;
    } else {
        regs.eax = static_cast<uint32_t>(old);
        regs.edx = static_cast<uint32_t>(old >> 32);
        regs.eflags &= ~detail::fl_zf;
    }
    regs.eip += m.len;
    return true;
}

} // namespace

Rc emulate(Ctxt& c, arch::Exception_frame& regs)
{
    c.event = Event{};
    c.insn_len = 0;
    if (c.ops == nullptr || c.ops->fetch == nullptr)
        return Rc::unhandleable;
    unsigned room = 4096 - (regs.eip & 4095);
    unsigned n = room < first_fetch ? room : first_fetch;
    uint8_t b[first_fetch];
    // A fault here is the one the decoder's first fetch would raise.
    if (Rc rc = c.ops->fetch(c, regs.eip, b, n); rc != Rc::okay)
        return rc;
    if (Rc rc; fast_pte_write(c, regs, b, n, rc))
        return rc;
    return detail::emulate_general(c, regs, b, n);
}

namespace detail {

Rc emulate_general(Ctxt& c, arch::Exception_frame& regs, const uint8_t* pre, unsigned pre_bytes)
{
    c.event = Event{};
    c.insn_len = 0;
    if (c.ops == nullptr)
        return Rc::unhandleable;
    detail::Insn in;
    if (Rc rc = detail::decode(c, regs, in, pre, pre_bytes); rc != Rc::okay)
        return rc;
    c.insn_len = in.len;
    uint32_t cls = class_of(in);
    if (cls == 0 || (c.allow & cls) == 0)
        return Rc::unhandleable;
    // A store changes no register, so it runs on the caller's frame: the
    // two copies below were a fifth of a trapped page-table write.
    if (store_only(in)) {
        detail::Exec e{c, in, regs};
        Rc rc = execute(e);
        if (rc == Rc::okay)
            regs.eip += in.len;
        return rc;
    }
    // The instruction runs on a copy: one that faults part-way leaves the
    // registers as they were.
    arch::Exception_frame r;
    arch::copy_frame(&r, &regs);
    detail::Exec e{c, in, r};
    Rc rc = execute(e);
    if (rc != Rc::okay)
        return rc;
    if (e.complete)
        r.eip = regs.eip + in.len;
    arch::copy_frame(&regs, &r);
    return Rc::okay;
}

} // namespace detail

} // namespace x86emul
