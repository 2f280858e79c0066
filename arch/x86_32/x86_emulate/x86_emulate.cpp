// The emulator's entry: decode, check the caller accepts the instruction's
// class, execute on a copy of the registers, commit.
#include "arch/x86_32/x86_emulate/x86_emulate.hpp"

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

// The first fetch: as many bytes as the fast path below reads at most, in
// eip's page (never past it, as the decoder's own fetches). The general
// decoder goes on from them, fetching more only for a longer instruction.
constexpr unsigned first_fetch = 6;

// The store a PV kernel writes its page tables with (Linux's set_pte is
// two of them), decoded without the general tables: mov r32 to m32
// (89 /r), no prefix, a base register with an 8- or 32-bit displacement
// or none (no SIB, no absolute address). The general path gives the same
// result for these (tests/unit: X86FastStore compares the two); anything
// else is left to it. A trapped page-table write spent a fifth of its
// instructions in the general decoder. False: not this form.
bool fast_store(Ctxt& c, arch::Exception_frame& regs, const uint8_t* b, unsigned n, Rc& rc)
{
    if (n < 2 || b[0] != 0x89 || !(c.allow & cls_mem) || c.ops->write == nullptr)
        return false;
    unsigned mod = b[1] >> 6, reg = (b[1] >> 3) & 7, rm = b[1] & 7;
    if (mod == 3 || rm == detail::reg_esp || (mod == 0 && rm == detail::reg_ebp))
        return false;
    unsigned len = mod == 0 ? 2 : mod == 1 ? 3 : 6;
    if (len > n)
        return false; // cut by the page's end: the decoder fetches the rest
    uint32_t disp = mod == 1   ? detail::sign_extend(b[2], 1)
                    : mod == 2 ? static_cast<uint32_t>(detail::load_le(b + 2, 4))
                               : 0;
    uint8_t val[4];
    detail::store_le(val, 4, detail::gpr(regs, reg));
    c.insn_len = static_cast<uint8_t>(len);
    Seg seg = rm == detail::reg_ebp ? Seg::ss : Seg::ds;
    rc = c.ops->write(c, seg, detail::gpr(regs, rm) + disp, val, 4);
    if (rc == Rc::okay)
        regs.eip += len;
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
    if (Rc rc; fast_store(c, regs, b, n, rc))
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
