// System instructions, each through its hook: port I/O, cli/sti, hlt,
// clts, invd/wbinvd, moves to and from control and debug registers,
// rdmsr/wrmsr, rdtsc, cpuid, lmsw/smsw. Those that need CPL 0 raise #GP(0)
// unless the caller runs a kernel (Ctxt::kernel); the hooks apply policy.
#include "arch/x86_32/x86_emulate/exec.hpp"
#include "arch/x86_32/x86_emulate/regs.hpp"

namespace x86emul::detail {
namespace {

constexpr uint32_t cr0_pe = 1u << 0, cr0_ts = 1u << 3;

// E4-E7 with an imm8 port, EC-EF with DX; even opcodes are the byte forms.
Rc port_io(Exec& e)
{
    const Ops& o = *e.c.ops;
    const Insn& in = e.in;
    unsigned n = in.bytes();
    uint16_t port = static_cast<uint16_t>((in.op & 8) ? e.r.edx : in.imm);
    bool is_in = (in.op & 2) == 0;
    if (is_in ? o.read_io == nullptr : o.write_io == nullptr)
        return Rc::unhandleable;
    if (!is_in)
        return o.write_io(e.c, port, n, get_reg(e.r, reg_eax, n));
    uint32_t v;
    Rc rc = o.read_io(e.c, port, n, v);
    if (rc == Rc::okay)
        set_reg(e.r, reg_eax, n, v);
    return rc;
}

Rc read_cr(Exec& e, unsigned n, uint32_t& v)
{
    return e.c.ops->read_cr == nullptr ? Rc::unhandleable : e.c.ops->read_cr(e.c, n, v);
}

Rc write_cr(Exec& e, unsigned n, uint32_t v)
{
    return e.c.ops->write_cr == nullptr ? Rc::unhandleable : e.c.ops->write_cr(e.c, n, v);
}

// 0F 20 (mov CRn -> r32) / 0F 22 (r32 -> CRn); ModRM.mod is ignored.
// CR1 and CR5-7 do not exist: #UD.
Rc move_cr(Exec& e)
{
    const Insn& in = e.in;
    if (in.reg == 1 || in.reg > 4)
        return raise_ud(e.c);
    if (in.op == 0x22)
        return write_cr(e, in.reg, gpr(e.r, in.rm));
    uint32_t v;
    Rc rc = read_cr(e, in.reg, v);
    if (rc == Rc::okay)
        gpr(e.r, in.rm) = v;
    return rc;
}

// 0F 21 (mov DRn -> r32) / 0F 23 (r32 -> DRn). The hooks own DR4/5.
Rc move_dr(Exec& e)
{
    const Ops& o = *e.c.ops;
    const Insn& in = e.in;
    if (o.read_dr == nullptr || o.write_dr == nullptr)
        return Rc::unhandleable;
    if (in.op == 0x23)
        return o.write_dr(e.c, in.reg, gpr(e.r, in.rm));
    uint32_t v;
    Rc rc = o.read_dr(e.c, in.reg, v);
    if (rc == Rc::okay)
        gpr(e.r, in.rm) = v;
    return rc;
}

Rc clts(Exec& e)
{
    uint32_t cr0;
    Rc rc = read_cr(e, 0, cr0);
    return rc == Rc::okay ? write_cr(e, 0, cr0 & ~cr0_ts) : rc;
}

// 0F 01 /4 smsw r/m (a register gets all of CR0 with a 32-bit operand
// size, memory its low word); /6 lmsw r/m16: PE, MP, EM, TS from the
// source, and PE can be set but not cleared.
Rc machine_status_word(Exec& e)
{
    const Insn& in = e.in;
    uint32_t cr0;
    if (in.reg == 4) {
        Rc rc = read_cr(e, 0, cr0);
        if (rc != Rc::okay)
            return rc;
        return write_loc(e, rm_operand(in, in.mem ? 2 : in.opsize), cr0);
    }
    if (Rc rc = need_kernel(e); rc != Rc::okay)
        return rc;
    uint32_t src;
    if (Rc rc = read_loc(e, rm_operand(in, 2), src); rc != Rc::okay)
        return rc;
    if (Rc rc = read_cr(e, 0, cr0); rc != Rc::okay)
        return rc;
    return write_cr(e, 0, (cr0 & ~0xFu) | (src & 0xFu) | (cr0 & cr0_pe));
}

// rdmsr, wrmsr (CPL 0) and rdtsc (a read of the TSC MSR).
Rc model_specific(Exec& e)
{
    const Ops& o = *e.c.ops;
    bool is_write = e.in.d.kind == Kind::msr && e.in.op == 0x30;
    if (is_write) {
        if (o.write_msr == nullptr)
            return Rc::unhandleable;
        return o.write_msr(e.c, e.r.ecx, (uint64_t{e.r.edx} << 32) | e.r.eax);
    }
    if (o.read_msr == nullptr)
        return Rc::unhandleable;
    uint64_t v;
    Rc rc = o.read_msr(e.c, e.in.d.kind == Kind::rdtsc ? msr_tsc : e.r.ecx, v);
    if (rc == Rc::okay) {
        e.r.eax = static_cast<uint32_t>(v);
        e.r.edx = static_cast<uint32_t>(v >> 32);
    }
    return rc;
}

Rc cpu_id(Exec& e)
{
    if (e.c.ops->cpuid == nullptr)
        return Rc::unhandleable;
    Cpuid_leaf l{};
    Rc rc = e.c.ops->cpuid(e.c, e.r.eax, e.r.ecx, l);
    if (rc == Rc::okay) {
        e.r.eax = l.eax;
        e.r.ebx = l.ebx;
        e.r.ecx = l.ecx;
        e.r.edx = l.edx;
    }
    return rc;
}

bool needs_cpl0(Kind k)
{
    return k == Kind::hlt || k == Kind::clts || k == Kind::cache || k == Kind::mov_cr ||
           k == Kind::mov_dr || k == Kind::msr;
}

} // namespace

Rc exec_system(Exec& e)
{
    const Ops& o = *e.c.ops;
    Kind k = e.in.d.kind;
    if (needs_cpl0(k))
        if (Rc rc = need_kernel(e); rc != Rc::okay)
            return rc;
    switch (k) {
    case Kind::io: return port_io(e);
    case Kind::cli_sti: return o.set_if == nullptr ? Rc::unhandleable : o.set_if(e.c, e.in.op == 0xFB);
    case Kind::hlt: return o.hlt == nullptr ? Rc::unhandleable : o.hlt(e.c);
    case Kind::cache: return o.wbinvd == nullptr ? Rc::unhandleable : o.wbinvd(e.c);
    case Kind::clts: return clts(e);
    case Kind::mov_cr: return move_cr(e);
    case Kind::mov_dr: return move_dr(e);
    case Kind::msw: return machine_status_word(e);
    case Kind::msr:
    case Kind::rdtsc: return model_specific(e);
    case Kind::cpuid: return cpu_id(e);
    default: return Rc::unhandleable;
    }
}

} // namespace x86emul::detail
