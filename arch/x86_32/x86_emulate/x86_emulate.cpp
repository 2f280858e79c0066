// The emulator's entry: decode, check the caller accepts the instruction's
// class, execute on a copy of the registers, commit.
#include "arch/x86_32/x86_emulate/x86_emulate.hpp"

#include "arch/x86_32/x86_emulate/exec.hpp"

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

Rc emulate(Ctxt& c, arch::Exception_frame& regs)
{
    c.event = Event{};
    c.insn_len = 0;
    if (c.ops == nullptr)
        return Rc::unhandleable;
    detail::Insn in;
    if (Rc rc = detail::decode(c, regs, in); rc != Rc::okay)
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

} // namespace x86emul
