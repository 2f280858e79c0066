// One x86 instruction decoder and emulator for every caller that has to
// finish an instruction the CPU refused to (Xen's x86_emulate model): the
// writable page tables (a ring-1 store to a read-only mapped L1) and the
// privileged-instruction path (#GP from ring 1/3). Each caller supplies
// hooks for memory, ports and system registers and says which classes of
// instruction it accepts; everything else is "unhandleable" and the caller
// delivers the original fault.
//
// Decode then execute: the instruction is fetched and decoded completely,
// its class and lock prefix checked, and only then executed on a copy of
// the register frame. The caller's frame changes (registers, flags, eip +
// exact length) only when the result is okay; a hook that writes memory
// is always the last side effect of an instruction. Rep string
// instructions run at most max_reps iterations per call; when the count is
// not exhausted the registers reflect the iterations done and eip stays on
// the instruction, which the guest then executes again.
//
// Assumes a 32-bit code segment (default operand and address size 32) and
// passes segment:offset to the hooks, which decide what the segment means.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/exception_frame.hpp"

namespace x86emul {

enum class Seg : uint8_t { es, cs, ss, ds, fs, gs };

enum class Rc : uint8_t {
    okay,          // done: the frame holds the new state
    exception,     // Ctxt::event is to be delivered; nothing changed
    unhandleable,  // not ours: deliver the original fault; nothing changed
    retry,         // state moved under us (a failed compare-exchange): re-execute
};

// An exception for the guest (a hook's, or the emulator's own #UD/#GP).
struct Event {
    uint8_t vector = 0;
    bool has_error_code = false;
    uint32_t error_code = 0;
    uint32_t cr2 = 0;  // #PF only: the faulting linear address
};

constexpr uint8_t vec_ud = 6, vec_gp = 13, vec_pf = 14;
// #PF error code bits.
constexpr uint32_t pfec_present = 1u << 0, pfec_write = 1u << 1, pfec_user = 1u << 2;

// Instruction classes a caller may accept (Ctxt::allow).
enum Cls : uint32_t {
    cls_mem = 1u << 0,    // integer forms: mov, alu, test, inc/dec, not/neg, xchg,
                          // xadd, cmpxchg, cmpxchg8b, bt*, stos/movs/lods
    cls_io = 1u << 1,     // in, out, ins, outs
    cls_cr = 1u << 2,     // mov to/from CR, clts, lmsw, smsw
    cls_dr = 1u << 3,     // mov to/from DR
    cls_msr = 1u << 4,    // rdmsr, wrmsr, rdtsc (as a read of MSR 0x10)
    cls_cpuid = 1u << 5,  // cpuid
    cls_hlt = 1u << 6,    // hlt
    cls_cache = 1u << 7,  // wbinvd, invd
    cls_irq = 1u << 8,    // cli, sti
};

constexpr uint32_t msr_tsc = 0x10;

struct Cpuid_leaf {
    uint32_t eax, ebx, ecx, edx;
};

struct Ctxt;

// Every hook returns okay, or raises (raise_*) and returns exception, or
// returns unhandleable / retry. Hooks of a class the caller does not allow
// are never called and may be null.
struct Ops {
    // Code bytes at cs:eip (n <= 15, never crossing a page).
    Rc (*fetch)(Ctxt&, uint32_t eip, uint8_t* buf, unsigned n);
    Rc (*read)(Ctxt&, Seg, uint32_t off, void* buf, unsigned n);
    Rc (*write)(Ctxt&, Seg, uint32_t off, const void* buf, unsigned n);
    // Atomically: if the n bytes (1, 2, 4, 8) at seg:off equal *old, store
    // *val (okay); if they differ, retry. Locked read-modify-writes,
    // xchg with memory, cmpxchg and cmpxchg8b use it.
    Rc (*cmpxchg)(Ctxt&, Seg, uint32_t off, const void* old, const void* val, unsigned n);
    Rc (*read_io)(Ctxt&, uint16_t port, unsigned bytes, uint32_t& val);
    Rc (*write_io)(Ctxt&, uint16_t port, unsigned bytes, uint32_t val);
    Rc (*read_cr)(Ctxt&, unsigned n, uint32_t& val);
    Rc (*write_cr)(Ctxt&, unsigned n, uint32_t val);
    Rc (*read_dr)(Ctxt&, unsigned n, uint32_t& val);
    Rc (*write_dr)(Ctxt&, unsigned n, uint32_t val);
    Rc (*read_msr)(Ctxt&, uint32_t msr, uint64_t& val);
    Rc (*write_msr)(Ctxt&, uint32_t msr, uint64_t val);
    Rc (*cpuid)(Ctxt&, uint32_t leaf, uint32_t subleaf, Cpuid_leaf& out);
    Rc (*set_if)(Ctxt&, bool enable);  // cli (false) / sti (true); checks IOPL
    Rc (*hlt)(Ctxt&);
    Rc (*wbinvd)(Ctxt&);
};

struct Ctxt {
    const Ops* ops = nullptr;
    void* data = nullptr;     // the caller's, for its hooks
    uint32_t allow = 0;       // Cls bits
    bool kernel = false;      // CPL-0 instructions allowed (a PV guest's ring 1)
    uint32_t max_reps = 1;    // rep iterations per call (>= 1)
    // Results.
    Event event;              // valid when exception was returned
    uint8_t insn_len = 0;     // valid once decoding succeeded
};

// Emulates the instruction at regs.cs:regs.eip.
[[nodiscard]] Rc emulate(Ctxt& c, arch::Exception_frame& regs);

// For hooks: record the exception and return Rc::exception.
Rc raise(Ctxt& c, uint8_t vector, bool has_error_code, uint32_t error_code);
inline Rc raise_gp0(Ctxt& c) { return raise(c, vec_gp, true, 0); }
inline Rc raise_ud(Ctxt& c) { return raise(c, vec_ud, false, 0); }
Rc raise_pf(Ctxt& c, uint32_t addr, uint32_t error_code);

} // namespace x86emul
