// Privileged instructions of PV guests, through the one instruction
// emulator (arch/x86_32/x86_emulate) with hooks that apply Xen's PV
// policy (xen/arch/x86/pv/emul-priv-op.c): port I/O by the port policy
// (io_ports.hpp), cli/sti against the virtual IOPL, hlt as SCHEDOP_block,
// clts and CR0 by the lazy-FPU switch, debug registers by set_debugreg/
// get_debugreg, MSRs by a small policy, wbinvd for the privileged domain.
#include "arch/x86_32/pv/pv_emulate.hpp"

#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/include/guest_copy.hpp"
#include "arch/x86_32/cpu/io.hpp"
#include "arch/x86_32/pv/guest_cr4.hpp"
#include "arch/x86_32/pv/io_ports.hpp"
#include "arch/x86_32/pv/pv_entry.hpp"
#include "arch/x86_32/pv/cpuid_policy.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace arch {
namespace {

using x86emul::Rc;
using x86emul::Seg;

// ud2; .ascii "xen" (Xen's forced emulation prefix), then the instruction.
constexpr uint8_t forced_prefix[] = {0x0F, 0x0B, 'x', 'e', 'n'};
constexpr uint32_t cr0_ts = 1u << 3, cr4_de = 1u << 3;
// Port strings: iterations per trap before the guest re-executes the rest.
constexpr uint32_t max_io_reps = 64;

unsigned ring(const Exception_frame& f) { return f.cs & 3; }

struct Priv {
    Vcpu& v;
    const Exception_frame& f;  // the guest's frame as it trapped (its ring)
};

Priv& priv(x86emul::Ctxt& c) { return *static_cast<Priv*>(c.data); }

constexpr uint32_t msr_ucode_rev = 0x8B; // Intel IA32_BIOS_SIGN_ID, AMD PATCH_LEVEL

// The microcode revision is read by a kernel at boot (Linux's
// intel_get_microcode_revision: write 0, CPUID, read, unguarded). Xen's
// guest_rdmsr gives the real MSR on Intel and AMD CPUs (P6 and K8 on have
// it) and #GP elsewhere; guest_wrmsr discards a write of 0 on Intel, the
// SDM's way to start that read, and refuses anything else. Which CPU this
// is comes from CPUID leaves 0 ("GenuineIntel", "AuthenticAMD") and 1.
struct Ucode_rev {
    bool present; // the MSR exists
    bool intel;   // and the write of 0 is Intel's
};
Ucode_rev ucode_rev_msr()
{
    Cpuid v = cpuid(0), f = cpuid(1);
    uint32_t family = (f.eax >> 8) & 0xF;
    if (family == 0xF)
        family += (f.eax >> 20) & 0xFF;
    bool intel = v.ebx == 0x756E6547 && v.edx == 0x49656E69 && v.ecx == 0x6C65746E;
    bool amd = v.ebx == 0x68747541 && v.edx == 0x69746E65 && v.ecx == 0x444D4163;
    return {(intel && family >= 6) || (amd && family >= 0xF), intel};
}

// MSR reads a PV kernel may make; anything else raises #GP in the guest.
bool read_msr(uint32_t msr, uint64_t& val)
{
    switch (msr) {
    case msr_ucode_rev:
        if (!ucode_rev_msr().present)
            return false;
        val = rdmsr(msr);
        return true;
    case 0x10: val = rdtsc(); return true;                    // TSC
    case 0x1A0: val = rdmsr(msr) & ((1u << 0) | (1u << 11) | (1u << 12)); return true; // MISC_ENABLE
    case 0xFE: case 0x2FF: val = 0; return true;              // MTRRs hidden
    case 0x277: val = rdmsr(msr); return true;                // PAT
    default: return false;
    }
}

bool write_msr(uint32_t msr, uint64_t val)
{
    if (msr == msr_ucode_rev) {
        Ucode_rev u = ucode_rev_msr();
        return val == 0 && u.present && u.intel;
    }
    // Writes are only accepted where they change nothing.
    uint64_t cur;
    return read_msr(msr, cur) && cur == val && msr != 0x10;
}

uint32_t read_cr(Vcpu& v, unsigned n, bool& ok)
{
    ok = true;
    switch (n) {
    case 0: {
        uint32_t cr0;
        asm volatile("movl %%cr0, %0" : "=r"(cr0));
        return (cr0 & ~cr0_ts) | (v.fpu_ts ? cr0_ts : 0u);
    }
    case 2: return v.info->arch.cr2;
    case 3: return xen_pfn_to_cr3(raw(v.cr3));
    case 4: return v.arch.cr4;
    default: ok = false; return 0;
    }
}

// False: the write is refused (#GP for the guest).
bool write_cr(Vcpu& v, unsigned n, uint32_t val)
{
    bool ok;
    switch (n) {
    case 0: {
        // Only CR0.TS may change: it is the lazy-FPU switch.
        uint32_t cur = read_cr(v, 0, ok);
        if ((cur ^ val) & ~cr0_ts)
            return false;
        Hypercall_args a{{(val & cr0_ts) ? 1u : 0u, 0, 0, 0, 0}};
        return do_fpu_taskswitch(v, a) == 0;
    }
    case 2: v.info->arch.cr2 = val; return true; // as Xen: the guest's own CR2
    case 4:
        // Always accepted: the guest controls only what Xen's
        // pv_fixup_guest_cr4 lets it (guest_cr4.hpp).
        guest_cr4_write(v, val);
        return true;
    default: return false; // CR3: new_baseptr, not by mov
    }
}

Rc fetch(x86emul::Ctxt&, uint32_t eip, uint8_t* buf, unsigned n)
{
    return copy_from_guest_raw(buf, eip, n) == 0 ? Rc::okay : Rc::unhandleable;
}

// Segment bases are not looked up (flat data segments); FS/GS are refused.
bool flat(Seg s) { return s != Seg::fs && s != Seg::gs; }

uint32_t pf_user(const Priv& p) { return ring(p.f) == 3 ? x86emul::pfec_user : 0; }

Rc read(x86emul::Ctxt& c, Seg s, uint32_t off, void* buf, unsigned n)
{
    if (!flat(s))
        return Rc::unhandleable;
    size_t left = copy_from_guest_raw(buf, off, n);
    if (left == 0)
        return Rc::okay;
    return x86emul::raise_pf(c, off + static_cast<uint32_t>(n - left), pf_user(priv(c)));
}

Rc write(x86emul::Ctxt& c, Seg s, uint32_t off, const void* buf, unsigned n)
{
    if (!flat(s))
        return Rc::unhandleable;
    size_t left = copy_to_guest_raw(off, buf, n);
    if (left == 0)
        return Rc::okay;
    return x86emul::raise_pf(c, off + static_cast<uint32_t>(n - left),
                             x86emul::pfec_write | pf_user(priv(c)));
}

Rc read_io(x86emul::Ctxt& c, uint16_t port, unsigned bytes, uint32_t& val)
{
    Priv& p = priv(c);
    if (!io_privileged(p.v, p.f))
        return x86emul::raise_gp0(c);
    val = guest_io_read(*p.v.domain, port, bytes);
    return Rc::okay;
}

Rc write_io(x86emul::Ctxt& c, uint16_t port, unsigned bytes, uint32_t val)
{
    Priv& p = priv(c);
    if (!io_privileged(p.v, p.f))
        return x86emul::raise_gp0(c);
    guest_io_write(*p.v.domain, port, bytes, val);
    return Rc::okay;
}

Rc read_cr_hook(x86emul::Ctxt& c, unsigned n, uint32_t& val)
{
    bool ok;
    val = read_cr(priv(c).v, n, ok);
    return ok ? Rc::okay : x86emul::raise_gp0(c);
}

Rc write_cr_hook(x86emul::Ctxt& c, unsigned n, uint32_t val)
{
    return write_cr(priv(c).v, n, val) ? Rc::okay : x86emul::raise_gp0(c);
}

// DR4 and DR5 are DR6 and DR7 unless CR4.DE, when they do not exist
// (Xen's x86emul_read_dr/x86emul_write_dr).
Rc debug_reg(x86emul::Ctxt& c, unsigned& n)
{
    if (n != 4 && n != 5)
        return Rc::okay;
    uint32_t cr4;
    if (Rc rc = read_cr_hook(c, 4, cr4); rc != Rc::okay)
        return rc;
    if (cr4 & cr4_de)
        return x86emul::raise_ud(c);
    n += 2;
    return Rc::okay;
}

Rc read_dr(x86emul::Ctxt& c, unsigned n, uint32_t& val)
{
    if (Rc rc = debug_reg(c, n); rc != Rc::okay)
        return rc;
    // n is 0-3, 6 or 7 here, which get_debugreg always answers; the value
    // is the register's 32 bits (a "negative" long is not an error here).
    Hypercall_args a{{n, 0, 0, 0, 0}};
    val = static_cast<uint32_t>(do_get_debugreg(priv(c).v, a));
    return Rc::okay;
}

Rc write_dr(x86emul::Ctxt& c, unsigned n, uint32_t val)
{
    if (Rc rc = debug_reg(c, n); rc != Rc::okay)
        return rc;
    Hypercall_args a{{n, val, 0, 0, 0}};
    // -EPERM (a breakpoint in the hypervisor, GD, I/O breakpoints): #GP(0).
    return do_set_debugreg(priv(c).v, a) == 0 ? Rc::okay : x86emul::raise_gp0(c);
}

Rc read_msr_hook(x86emul::Ctxt& c, uint32_t msr, uint64_t& val)
{
    return read_msr(msr, val) ? Rc::okay : x86emul::raise_gp0(c);
}

Rc write_msr_hook(x86emul::Ctxt& c, uint32_t msr, uint64_t val)
{
    return write_msr(msr, val) ? Rc::okay : x86emul::raise_gp0(c);
}

Rc cpuid_hook(x86emul::Ctxt&, uint32_t leaf, uint32_t subleaf, x86emul::Cpuid_leaf& out)
{
    Cpuid host = cpuid(leaf, subleaf);
    Cpuid_regs r =
        guest_cpuid(leaf, subleaf, Cpuid_regs{host.eax, host.ebx, host.ecx, host.edx}, 4, 0);
    out = {r.eax, r.ebx, r.ecx, r.edx};
    return Rc::okay;
}

// CLI/STI: the guest's "interrupts" are event upcalls.
Rc set_if(x86emul::Ctxt& c, bool enable)
{
    Priv& p = priv(c);
    if (ring(p.f) > p.v.iopl)
        return x86emul::raise_gp0(c);
    p.v.info->evtchn_upcall_mask = enable ? 0 : 1;
    return Rc::okay;
}

// HLT waits for an event, exactly as SCHEDOP_block (as Xen); the upcall it
// waited for is delivered on the way out, after eip moved.
Rc hlt(x86emul::Ctxt& c)
{
    vcpu_block(priv(c).v);
    return Rc::okay;
}

// INVD/WBINVD: only the privileged domain's caches matter.
Rc wbinvd(x86emul::Ctxt& c)
{
    if (priv(c).v.domain->privileged)
        asm volatile("wbinvd" ::: "memory");
    return Rc::okay;
}

const x86emul::Ops priv_ops = {
    .fetch = fetch, .read = read, .write = write, .cmpxchg = nullptr,
    .read_io = read_io, .write_io = write_io, .read_cr = read_cr_hook, .write_cr = write_cr_hook,
    .read_dr = read_dr, .write_dr = write_dr, .read_msr = read_msr_hook,
    .write_msr = write_msr_hook, .cpuid = cpuid_hook, .set_if = set_if, .hlt = hlt,
    .wbinvd = wbinvd,
};

Rc run(Vcpu& v, Exception_frame& f, uint32_t allow, x86emul::Event& ev)
{
    Priv p{v, f};
    x86emul::Ctxt c;
    c.ops = &priv_ops;
    c.data = &p;
    c.allow = allow;
    c.kernel = ring(f) == 1;
    c.max_reps = max_io_reps;
    // emulate() changes f only when the instruction completes.
    Rc rc = x86emul::emulate(c, f);
    if (rc == Rc::exception)
        ev = c.event;
    return rc;
}

} // namespace

Rc emulate_forced_cpuid(Vcpu& v, Exception_frame& f, x86emul::Event& ev)
{
    uint8_t b[sizeof forced_prefix];
    if (copy_from_guest_raw(b, f.eip, sizeof b) != 0)
        return Rc::unhandleable;
    for (unsigned i = 0; i < sizeof b; ++i)
        if (b[i] != forced_prefix[i])
            return Rc::unhandleable;
    Exception_frame g = f;
    g.eip += sizeof forced_prefix;
    Rc rc = run(v, g, x86emul::cls_cpuid, ev);
    if (rc == Rc::okay)
        f = g;
    return rc;
}

Rc emulate_privileged(Vcpu& v, Exception_frame& f, x86emul::Event& ev)
{
    if (f.error_code != 0)
        return Rc::unhandleable;
    return run(v, f,
               x86emul::cls_io | x86emul::cls_irq | x86emul::cls_hlt | x86emul::cls_cr |
                   x86emul::cls_dr | x86emul::cls_msr | x86emul::cls_cache,
               ev);
}

bool reflect_software_interrupt(Vcpu& v, Exception_frame& f)
{
    // Error code: vector << 3 | IDT flag (bit 1), EXT clear.
    if ((f.error_code & 7) != 2)
        return false;
    uint8_t vector = static_cast<uint8_t>(f.error_code >> 3);
    uint8_t b[2];
    if (copy_from_guest_raw(b, f.eip, sizeof b) != 0)
        return false;
    unsigned len;
    if (b[0] == 0xCD && b[1] == vector)
        len = 2;
    else if ((b[0] == 0xCC && vector == 3) || (b[0] == 0xCE && vector == 4))
        len = 1;
    else
        return false;
    const trap_info& ti = v.traps[vector];
    if (ti.address == 0 || (ti.flags & 3) < ring(f))
        return false; // the guest's gate does not allow it: #GP for the guest
    f.eip += len;
    return bounce_exception(f, vector, false, 0, 0);
}

} // namespace arch
