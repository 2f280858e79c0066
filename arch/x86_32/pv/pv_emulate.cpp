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

namespace arch {
namespace {

constexpr uint8_t forced_prefix[] = {0x0F, 0x0B, 'x', 'e', 'n', 0x0F, 0xA2};

unsigned ring(const Exception_frame& f) { return f.cs & 3; }

bool do_io(Vcpu& v, Exception_frame& f, bool in, uint32_t port, unsigned size)
{
    if (!io_privileged(v, f))
        return false;
    // The port wraps at 64 KiB as the hardware's does.
    port &= 0xFFFF;
    Domain& d = *v.domain;
    if (in) {
        uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
        f.eax = (f.eax & ~mask) | (guest_io_read(d, port, size) & mask);
    } else {
        guest_io_write(d, port, size, f.eax);
    }
    return true;
}

// MSR reads a PV kernel may make; anything else raises #GP in the guest.
bool read_msr(uint32_t msr, uint64_t& val)
{
    switch (msr) {
    case 0x10: val = rdtsc(); return true;                    // TSC
    case 0x1A0: val = rdmsr(msr) & ((1u << 0) | (1u << 11) | (1u << 12)); return true; // MISC_ENABLE
    case 0xFE: case 0x2FF: val = 0; return true;              // MTRRs hidden
    case 0x277: val = rdmsr(msr); return true;                // PAT
    default: return false;
    }
}

bool write_msr(uint32_t msr, uint64_t val)
{
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
        return (cr0 & ~8u) | (v.fpu_ts ? 8u : 0u);
    }
    case 2: return v.info->arch.cr2;
    case 3: return xen_pfn_to_cr3(raw(v.cr3));
    case 4: return v.arch.cr4;
    default: ok = false; return 0;
    }
}

bool mov_cr(Vcpu& v, Exception_frame& f, const uint8_t* insn, bool to_cr)
{
    uint8_t modrm = insn[0];
    if ((modrm >> 6) != 3)
        return false;
    unsigned cr = (modrm >> 3) & 7;
    uint32_t* regs[8] = {&f.eax, &f.ecx, &f.edx, &f.ebx, &f.esp, &f.ebp, &f.esi, &f.edi};
    uint32_t* reg = regs[modrm & 7];
    if (!to_cr) {
        bool ok;
        uint32_t val = read_cr(v, cr, ok);
        if (ok)
            *reg = val;
        return ok;
    }
    if (cr == 4) {
        guest_cr4_write(v, *reg);
        return true;
    }
    if (cr != 0)
        return false;
    // Only CR0.TS may change: it is the lazy-FPU switch.
    bool ok;
    uint32_t cur = read_cr(v, 0, ok);
    if ((cur ^ *reg) & ~8u)
        return false;
    Hypercall_args a{{(*reg & 8u) ? 1u : 0u, 0, 0, 0, 0}};
    return do_fpu_taskswitch(v, a) == 0;
}

// Decodes one instruction at f.eip; returns its length if emulated, 0 if not.
unsigned emulate_one(Vcpu& v, Exception_frame& f, const uint8_t* b)
{
    unsigned i = 0;
    bool opsize16 = false;
    for (; i < 4; ++i) {
        if (b[i] == 0x66)
            opsize16 = true;
        else if (b[i] != 0x26 && b[i] != 0x2E && b[i] != 0x36 && b[i] != 0x3E &&
                 b[i] != 0x64 && b[i] != 0x65)
            break;
    }
    unsigned wide = opsize16 ? 2 : 4;
    uint8_t op = b[i];
    bool kernel = ring(f) == 1;
    switch (op) {
    case 0xE4: return do_io(v, f, true, b[i + 1], 1) ? i + 2 : 0;
    case 0xE5: return do_io(v, f, true, b[i + 1], wide) ? i + 2 : 0;
    case 0xE6: return do_io(v, f, false, b[i + 1], 1) ? i + 2 : 0;
    case 0xE7: return do_io(v, f, false, b[i + 1], wide) ? i + 2 : 0;
    case 0xEC: return do_io(v, f, true, f.edx & 0xFFFF, 1) ? i + 1 : 0;
    case 0xED: return do_io(v, f, true, f.edx & 0xFFFF, wide) ? i + 1 : 0;
    case 0xEE: return do_io(v, f, false, f.edx & 0xFFFF, 1) ? i + 1 : 0;
    case 0xEF: return do_io(v, f, false, f.edx & 0xFFFF, wide) ? i + 1 : 0;
    case 0xFA: case 0xFB:
        // CLI/STI: the guest's "interrupts" are event upcalls.
        if (ring(f) > v.iopl)
            return 0;
        v.info->evtchn_upcall_mask = op == 0xFA ? 1 : 0;
        return i + 1;
    case 0xF4:
        if (!kernel)
            return 0;
        // HLT waits for an event, exactly as SCHEDOP_block (as Xen); the
        // upcall it waited for is delivered on the way out, after eip moved.
        (void)vcpu_block(v);
        return i + 1;

    case 0x0F: break;
    default: return 0;
    }
    if (!kernel)
        return 0;
    uint8_t op2 = b[i + 1];
    switch (op2) {
    case 0x06: { // CLTS
        Hypercall_args a{{0, 0, 0, 0, 0}};
        return do_fpu_taskswitch(v, a) == 0 ? i + 2 : 0;
    }
    case 0x08: case 0x09: // INVD/WBINVD: only the privileged domain's caches matter
        if (v.domain->privileged)
            asm volatile("wbinvd" ::: "memory");
        return i + 2;
    case 0x20: return mov_cr(v, f, b + i + 2, false) ? i + 3 : 0;
    case 0x22: return mov_cr(v, f, b + i + 2, true) ? i + 3 : 0;
    case 0x30: {
        uint64_t val = (uint64_t{f.edx} << 32) | f.eax;
        return write_msr(f.ecx, val) ? i + 2 : 0;
    }
    case 0x32: {
        uint64_t val;
        if (!read_msr(f.ecx, val))
            return 0;
        f.eax = static_cast<uint32_t>(val);
        f.edx = static_cast<uint32_t>(val >> 32);
        return i + 2;
    }
    default: return 0;
    }
}

} // namespace

bool emulate_forced_cpuid(Vcpu&, Exception_frame& f)
{
    uint8_t b[sizeof forced_prefix];
    if (copy_from_guest_raw(b, f.eip, sizeof b) != 0)
        return false;
    for (unsigned i = 0; i < sizeof b; ++i)
        if (b[i] != forced_prefix[i])
            return false;
    Cpuid host = cpuid(f.eax, f.ecx);
    Cpuid_regs r = guest_cpuid(f.eax, f.ecx, Cpuid_regs{host.eax, host.ebx, host.ecx, host.edx}, 4, 0);
    f.eax = r.eax;
    f.ebx = r.ebx;
    f.ecx = r.ecx;
    f.edx = r.edx;
    f.eip += sizeof forced_prefix;
    return true;
}

bool emulate_privileged(Vcpu& v, Exception_frame& f)
{
    if (f.error_code != 0)
        return false;
    uint8_t b[16];
    if (copy_from_guest_raw(b, f.eip, sizeof b) != 0)
        return false;
    unsigned len = emulate_one(v, f, b);
    if (len == 0)
        return false;
    f.eip += len;
    return true;
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
