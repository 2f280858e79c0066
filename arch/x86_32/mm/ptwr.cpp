// Writable page tables (VMASST_TYPE_writable_pagetables). A ring-1 write
// that faults (present + write) on a read-only mapping of one of the
// domain's own in-use L1 tables is decoded, validated by the page-type core
// (ptwr_emulated_write) and completed; eip moves past the instruction.
// Anything else, or a write that does not validate, is left for the caller
// to bounce to the guest as the #PF it was (mm.c ptwr_do_page_fault).
//
// Decoded: the stores kernels use to write PTEs: mov r32 -> m32 (89),
// mov imm32 -> m32 (C7 /0), xchg (87), lock cmpxchg (0F B1) and lock
// cmpxchg8b (0F C7 /1), after lock and segment prefixes. 8-byte PTE writes
// made as two 4-byte halves are handled by the core (upper half first).
#include "arch/x86_32/mm/ptwr.hpp"

#include "arch/x86_32/mm/guest_cr3.hpp"
#include "arch/x86_32/cpu/percpu.hpp"

#include "arch/x86_32/include/guest_copy.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pt_ops.hpp"
#include "hypervisor/domain/vcpu.hpp"

namespace arch {
namespace {

constexpr uint32_t pf_present = 1u << 0, pf_write = 1u << 1, pf_user = 1u << 2,
                   pf_reserved = 1u << 3;
constexpr uint32_t flag_cf = 1u << 0, flag_pf = 1u << 2, flag_zf = 1u << 6, flag_sf = 1u << 7,
                   flag_of = 1u << 11;
constexpr unsigned max_insn = 15;

enum class Op : uint8_t { mov_reg, mov_imm, xchg, cmpxchg, cmpxchg8b };

struct Insn {
    Op op;
    uint8_t reg;   // ModRM.reg: the source register
    uint8_t len;
    uint32_t imm;
};

class Fetcher {
public:
    explicit Fetcher(uint32_t eip) : eip_(eip) {}
    bool next(uint8_t& b)
    {
        if (n_ >= max_insn || copy_from_guest_raw(&b, eip_ + n_, 1) != 0)
            return false;
        ++n_;
        return true;
    }
    uint8_t count() const { return n_; }

private:
    uint32_t eip_;
    uint8_t n_ = 0;
};

// Skips the SIB byte and displacement of a memory operand; false for a
// register operand (mod 3), which cannot be the faulting store.
bool skip_modrm(Fetcher& f, uint8_t modrm)
{
    uint8_t mod = modrm >> 6, rm = modrm & 7, b;
    if (mod == 3)
        return false;
    unsigned disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (rm == 4) {
        if (!f.next(b))
            return false;
        if (mod == 0 && (b & 7) == 5)
            disp = 4;
    } else if (mod == 0 && rm == 5) {
        disp = 4;
    }
    for (unsigned i = 0; i < disp; ++i)
        if (!f.next(b))
            return false;
    return true;
}

bool decode(uint32_t eip, Insn& in)
{
    Fetcher f(eip);
    uint8_t b;
    do {
        if (!f.next(b))
            return false;
        // lock, and the segment overrides a flat PV guest may carry (FS/GS
        // have other bases: the address is taken from CR2, so harmless).
    } while (b == 0xF0 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x26 || b == 0x64 ||
             b == 0x65);
    uint8_t modrm;
    if (b == 0x0F) {
        if (!f.next(b) || !f.next(modrm))
            return false;
        if (b == 0xB1)
            in.op = Op::cmpxchg;
        else if (b == 0xC7 && ((modrm >> 3) & 7) == 1)
            in.op = Op::cmpxchg8b;
        else
            return false;
    } else {
        if (!f.next(modrm))
            return false;
        if (b == 0x89)
            in.op = Op::mov_reg;
        else if (b == 0x87)
            in.op = Op::xchg;
        else if (b == 0xC7 && ((modrm >> 3) & 7) == 0)
            in.op = Op::mov_imm;
        else
            return false; // 16-bit operands (66), byte stores, everything else
    }
    if (!skip_modrm(f, modrm))
        return false;
    in.reg = (modrm >> 3) & 7;
    in.imm = 0;
    if (in.op == Op::mov_imm)
        for (unsigned i = 0; i < 4; ++i) {
            if (!f.next(b))
                return false;
            in.imm |= uint32_t{b} << (8 * i);
        }
    in.len = f.count();
    return true;
}

uint32_t& gpr(Exception_frame& f, uint8_t r)
{
    switch (r) {
    case 0: return f.eax;
    case 1: return f.ecx;
    case 2: return f.edx;
    case 3: return f.ebx;
    case 4: return f.esp;
    case 5: return f.ebp;
    case 6: return f.esi;
    default: return f.edi;
    }
}

// The flags cmpxchg leaves: those of CMP accumulator, destination.
void set_cmp_flags(Exception_frame& f, uint32_t acc, uint32_t mem)
{
    uint32_t r = acc - mem;
    uint32_t fl = f.eflags & ~(flag_cf | flag_pf | flag_zf | flag_sf | flag_of | (1u << 4));
    if (acc < mem)
        fl |= flag_cf;
    if (r == 0)
        fl |= flag_zf;
    if (r & 0x80000000u)
        fl |= flag_sf;
    if (((acc ^ mem) & (acc ^ r)) & 0x80000000u)
        fl |= flag_of;
    if (!(__builtin_popcount(r & 0xFF) & 1))
        fl |= flag_pf;
    if ((acc ^ mem ^ r) & 0x10)
        fl |= 1u << 4;
    f.eflags = fl;
}

// The L1 entry that maps 'va' in v's current tables (0 if none).
uint64_t l1e_of(const Vcpu& v, uint32_t va)
{
    if (v.cr3 == invalid_mfn)
        return 0;
    uint64_t e;
    {
        Frame_mapping m(v.cr3);
        if (!m)
            return 0;
        e = m.as<uint64_t>()[va >> 30];
    }
    if (!(e & PTE_P))
        return 0;
    {
        Frame_mapping m(paddr_to_mfn(e & PTE_ADDR_MASK));
        if (!m)
            return 0;
        e = m.as<uint64_t>()[(va >> 21) & 511];
    }
    if (!(e & PTE_P) || (e & PTE_PS))
        return 0;
    Frame_mapping m(paddr_to_mfn(e & PTE_ADDR_MASK));
    return m ? m.as<uint64_t>()[(va >> 12) & 511] : 0;
}

// Performs the decoded write on entry bytes 'off' of L1 'table', under the
// domain's mm lock. False when the core refuses it.
bool apply(Domain& d, Exception_frame& f, const Insn& in, Mfn table, uint32_t off)
{
    Lock_guard<Spinlock> g(d.mm_lock);
    Mm_ctx ctx{pv_frame_space(), d.mm};
    Table_map t(ctx.fs, table);
    if (!t)
        return false;
    uint32_t* w = reinterpret_cast<uint32_t*>(t.get()) + off / 4;
    bool wide = in.op == Op::cmpxchg8b;
    if ((wide && (off & 7)) || (!wide && (off & 3)))
        return false;
    uint64_t old = wide ? t[off / 8] : *w;
    bool was_present = (t[off / 8] & PTE_P) != 0;
    uint64_t val;
    switch (in.op) {
    case Op::mov_reg:
    case Op::xchg: val = gpr(f, in.reg); break;
    case Op::mov_imm: val = in.imm; break;
    case Op::cmpxchg:
        set_cmp_flags(f, f.eax, static_cast<uint32_t>(old));
        if (f.eax != old) {
            f.eax = static_cast<uint32_t>(old);
            return true;
        }
        val = gpr(f, in.reg);
        break;
    default: { // cmpxchg8b
        uint64_t acc = (uint64_t{f.edx} << 32) | f.eax;
        if (acc != old) {
            f.eflags &= ~flag_zf;
            f.eax = static_cast<uint32_t>(old);
            f.edx = static_cast<uint32_t>(old >> 32);
            return true;
        }
        f.eflags |= flag_zf;
        val = (uint64_t{f.ecx} << 32) | f.ebx;
    }
    }
    if (ptwr_emulated_write(ctx, table, off, wide ? 8 : 4, val) != 0)
        return false;
    if (in.op == Op::xchg)
        gpr(f, in.reg) = static_cast<uint32_t>(old);
    // A replaced present entry may be cached in this CPU's TLB, which would
    // keep access to a frame whose reference is gone.
    if (was_present)
        flush_guest_tlb(*this_cpu().current);
    return true;
}

} // namespace

bool emulate_pt_write(Vcpu& v, Exception_frame& f, uint32_t cr2)
{
    Domain& d = *v.domain;
    if ((f.cs & 3) != 1 || (f.error_code & (pf_present | pf_write | pf_user | pf_reserved)) !=
                               (pf_present | pf_write))
        return false;
    if (!(d.vm_assist & (1u << VMASST_TYPE_writable_pagetables)) || cr2 >= HYPERVISOR_VIRT_START)
        return false;
    uint64_t l1e = l1e_of(v, cr2);
    if ((l1e & (PTE_P | PTE_RW)) != PTE_P)
        return false;
    Mfn table = paddr_to_mfn(l1e & PTE_ADDR_MASK);
    Page* pg = mfn_to_page(table);
    if (!pg || pg->owner != d.id || pgt::type(pg->type_info) != Page_type::l1)
        return false;
    Insn in;
    if (!decode(f.eip, in))
        return false;
    if (!apply(d, f, in, table, cr2 & 0xFFF))
        return false;
    f.eip += in.len;
    return true;
}

} // namespace arch
