// libFuzzer target for the instruction emulator: random instruction bytes,
// registers, caller policy (allowed classes, kernel or user, rep limit)
// and hook behaviour over a fake memory in which every other page faults.
// Checks, beyond ASan/UBSan: a decoded length is at most 15; eip moves by
// exactly that length or not at all; no hook of a class the caller did not
// allow is ever called; any result but okay leaves the registers and the
// memory as they were.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "arch/x86_32/x86_emulate/x86_emulate.hpp"

namespace {

using x86emul::Ctxt;
using x86emul::Rc;
using x86emul::Seg;

struct Input {
    uint32_t regs[8];
    uint32_t eflags;
    uint32_t eip;
    uint8_t policy;   // allowed classes (bits spread over the Cls set), kernel
    uint8_t reps;     // max_reps - 1 (low 3 bits)
    uint8_t faults;   // hook behaviour selectors
    uint8_t pad;
    uint8_t code[16];
};

struct World {
    const Input* in = nullptr;
    uint32_t allow = 0;
    unsigned writes = 0;     // successful memory stores
    uint8_t log[64];         // what the last store wrote (bounded)
};

World* world(Ctxt& c) { return static_cast<World*>(c.data); }

[[noreturn]] void fail() { __builtin_trap(); }

// A hook of a class outside the caller's set was called.
void require(Ctxt& c, uint32_t classes)
{
    if ((world(c)->allow & classes) == 0)
        fail();
}

constexpr uint32_t mem_users = x86emul::cls_mem | x86emul::cls_io | x86emul::cls_cr;

bool page_faults(uint32_t addr) { return ((addr >> 12) & 1) != 0; }

Rc fetch(Ctxt& c, uint32_t eip, uint8_t* buf, unsigned n)
{
    const Input& in = *world(c)->in;
    if (n == 0 || n > 15)
        fail();
    if (((eip ^ (eip + n - 1)) >> 12) != 0)
        fail(); // a fetch never crosses a page
    for (unsigned i = 0; i < n; ++i) {
        uint32_t k = eip + i - in.eip;
        if (k >= sizeof in.code)
            return x86emul::raise_pf(c, eip + i, x86emul::pfec_user);
        buf[i] = in.code[k];
    }
    return Rc::okay;
}

Rc read(Ctxt& c, Seg, uint32_t off, void* buf, unsigned n)
{
    require(c, mem_users);
    if (n == 0 || n > 8)
        fail();
    for (unsigned i = 0; i < n; ++i) {
        if (page_faults(off + i))
            return x86emul::raise_pf(c, off + i, 0);
        static_cast<uint8_t*>(buf)[i] = static_cast<uint8_t>((off + i) * 131u);
    }
    return Rc::okay;
}

Rc write(Ctxt& c, Seg, uint32_t off, const void* buf, unsigned n)
{
    require(c, mem_users);
    if (n == 0 || n > 8)
        fail();
    for (unsigned i = 0; i < n; ++i)
        if (page_faults(off + i))
            return x86emul::raise_pf(c, off + i, x86emul::pfec_write);
    if (world(c)->in->faults & 1)
        return Rc::unhandleable; // the caller refuses the store (ptwr validation)
    std::memcpy(world(c)->log, buf, n);
    ++world(c)->writes;
    return Rc::okay;
}

Rc cmpxchg(Ctxt& c, Seg s, uint32_t off, const void*, const void* val, unsigned n)
{
    require(c, x86emul::cls_mem);
    if (n != 1 && n != 2 && n != 4 && n != 8)
        fail();
    if (world(c)->in->faults & 2)
        return Rc::retry;
    return write(c, s, off, val, n);
}

Rc policy(Ctxt& c, uint32_t cls, unsigned bit)
{
    require(c, cls);
    return (world(c)->in->faults >> bit) & 1 ? x86emul::raise_gp0(c) : Rc::okay;
}

Rc read_io(Ctxt& c, uint16_t, unsigned n, uint32_t& v)
{
    if (n != 1 && n != 2 && n != 4)
        fail();
    v = 0xFFFFFFFFu;
    return policy(c, x86emul::cls_io, 2);
}
Rc write_io(Ctxt& c, uint16_t, unsigned n, uint32_t)
{
    if (n != 1 && n != 2 && n != 4)
        fail();
    return policy(c, x86emul::cls_io, 2);
}
Rc read_cr(Ctxt& c, unsigned n, uint32_t& v)
{
    if (n > 4)
        fail();
    v = 0x80050033u;
    return policy(c, x86emul::cls_cr, 3);
}
Rc write_cr(Ctxt& c, unsigned, uint32_t) { return policy(c, x86emul::cls_cr, 4); }
Rc read_dr(Ctxt& c, unsigned n, uint32_t& v)
{
    if (n > 7)
        fail();
    v = 0x400;
    return policy(c, x86emul::cls_dr, 3);
}
Rc write_dr(Ctxt& c, unsigned, uint32_t) { return policy(c, x86emul::cls_dr, 4); }
Rc read_msr(Ctxt& c, uint32_t, uint64_t& v)
{
    v = 42;
    return policy(c, x86emul::cls_msr, 5);
}
Rc write_msr(Ctxt& c, uint32_t, uint64_t) { return policy(c, x86emul::cls_msr, 5); }
Rc cpuid(Ctxt& c, uint32_t, uint32_t, x86emul::Cpuid_leaf& l)
{
    l = {1, 2, 3, 4};
    return policy(c, x86emul::cls_cpuid, 6);
}
Rc set_if(Ctxt& c, bool) { return policy(c, x86emul::cls_irq, 6); }
Rc hlt(Ctxt& c) { return policy(c, x86emul::cls_hlt, 7); }
Rc wbinvd(Ctxt& c) { return policy(c, x86emul::cls_cache, 7); }

const x86emul::Ops ops = {fetch,    read,     write,    cmpxchg,  read_io,   write_io,
                          read_cr,  write_cr, read_dr,  write_dr, read_msr,  write_msr,
                          cpuid,    set_if,   hlt,      wbinvd};

// The policy byte picks one of the callers' shapes or a random class set.
uint32_t allowed(uint8_t p)
{
    switch (p & 3) {
    case 0: return x86emul::cls_mem; // writable page tables
    case 1: return x86emul::cls_io | x86emul::cls_cr | x86emul::cls_dr | x86emul::cls_msr |
                   x86emul::cls_hlt | x86emul::cls_cache | x86emul::cls_irq; // privileged ops
    case 2: return x86emul::cls_cpuid;
    default: return static_cast<uint32_t>(p >> 3) * 0x21u & 0x1FFu;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Input in{};
    std::memcpy(&in, data, size < sizeof in ? size : sizeof in);
    World w;
    w.in = &in;
    w.allow = allowed(in.policy);
    Ctxt c;
    c.ops = &ops;
    c.data = &w;
    c.allow = w.allow;
    c.kernel = (in.policy & 4) != 0;
    c.max_reps = 1u + (in.reps & 7u);
    arch::Exception_frame regs{};
    regs.eax = in.regs[0];
    regs.ecx = in.regs[1];
    regs.edx = in.regs[2];
    regs.ebx = in.regs[3];
    regs.esp = in.regs[4];
    regs.ebp = in.regs[5];
    regs.esi = in.regs[6];
    regs.edi = in.regs[7];
    regs.eflags = in.eflags;
    regs.eip = in.eip;
    regs.cs = 0xe019;
    arch::Exception_frame before = regs;
    Rc rc = x86emul::emulate(c, regs);
    if (c.insn_len > 15)
        fail();
    if (rc != Rc::okay) {
        if (std::memcmp(&before, &regs, sizeof regs) != 0 || w.writes != 0)
            fail();
        return 0;
    }
    if (c.insn_len == 0)
        fail();
    if (regs.eip != before.eip && regs.eip != before.eip + c.insn_len)
        fail();
    return 0;
}
