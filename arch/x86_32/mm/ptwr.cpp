// Writable page tables (VMASST_TYPE_writable_pagetables). A ring-1 write
// that faults (present + write) on a read-only mapping of one of the
// domain's own in-use L1 tables is emulated by the one instruction
// emulator (arch/x86_32/x86_emulate) with memory instructions only; its
// store is validated by the page-type core (ptwr_emulated_write) and
// completed, and eip moves past the instruction. Anything else, or a
// store that does not validate, is left for the caller to bounce to the
// guest as the #PF it was (Xen's ptwr_do_page_fault / ptwr_emulated_update).
//
// The store must land inside the 8-byte entry that faulted, naturally
// aligned: a 1- or 2-byte store (andb $0xfd, movw) and any compare-
// exchange (locked read-modify-writes, xchg, cmpxchg, cmpxchg8b) are
// merged into the whole entry and validated as an 8-byte write; a plain
// 4-byte store goes to the core as a half, which keeps its rule for an
// upper half written first. A compare-exchange whose entry changed since
// the emulator read it is retried by the guest.
#include "arch/x86_32/mm/ptwr.hpp"

#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/mm/guest_cr3.hpp"

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

using x86emul::Rc;
using x86emul::Seg;

constexpr uint32_t pf_present = 1u << 0, pf_write = 1u << 1, pf_user = 1u << 2,
                   pf_reserved = 1u << 3;

struct Ptwr {
    Domain& d;
    Mfn table;       // the L1 the faulting address maps (checked: ours, in use)
    uint32_t cr2;
};

Ptwr& ptwr(x86emul::Ctxt& c) { return *static_cast<Ptwr*>(c.data); }

// The L1 entry that maps 'va' in v's current tables (0 if none): the
// CPU faulted through it (find_l1).
uint64_t l1e_of(const Vcpu& v, uint32_t va)
{
    Mfn l1;
    if (!find_l1(v, va, l1))
        return 0;
    Frame_mapping m(l1);
    return m ? m.as<uint64_t>()[(va >> 12) & 511] : 0;
}

// Segment bases are not looked up: a PV kernel's data segments are flat,
// FS and GS are not (per-CPU areas, stack protector), so those are refused.
bool flat(Seg s) { return s != Seg::fs && s != Seg::gs; }

Rc fetch(x86emul::Ctxt&, uint32_t eip, uint8_t* buf, unsigned n)
{
    return copy_from_guest_raw(buf, eip, n) == 0 ? Rc::okay : Rc::unhandleable;
}

Rc read(x86emul::Ctxt& c, Seg s, uint32_t off, void* buf, unsigned n)
{
    if (!flat(s))
        return Rc::unhandleable;
    size_t left = copy_from_guest_raw(buf, off, n);
    return left == 0 ? Rc::okay : x86emul::raise_pf(c, off + static_cast<uint32_t>(n - left), 0);
}

// Under the domain's mm lock: the store of n bytes at byte 'off' of the
// table, or a compare-exchange when 'expect' is given.
Rc store(Ptwr& p, uint32_t off, unsigned n, uint64_t val, const uint64_t* expect)
{
    Lock_guard<Spinlock> g(p.d.mm_lock);
    // One mapping of the table for the read and the validated write.
    Held_table held(pv_frame_space());
    Mm_ctx ctx{pv_frame_space(), p.d.mm, &held};
    uint32_t slot = off / 8, shift = (off & 7) * 8;
    uint64_t* t = held.get(p.table);
    if (t == nullptr)
        return Rc::unhandleable;
    uint64_t old = t[slot];
    uint64_t mask = n == 8 ? ~0ull : ((1ull << (8 * n)) - 1) << shift;
    if (expect && (old & mask) != ((*expect << shift) & mask))
        return Rc::retry;
    int rc;
    if (n == 4 && !expect)
        rc = ptwr_emulated_write(ctx, p.table, off, 4, val);
    else
        rc = ptwr_emulated_write(ctx, p.table, slot * 8, 8, (old & ~mask) | ((val << shift) & mask));
    if (rc != 0)
        return Rc::unhandleable;
    // No TLB flush, as for the same entry written by mmu_update and as in
    // Xen's ptwr_emulated_update: a translation of the replaced entry may
    // stay cached until the guest flushes, as on bare metal (Linux
    // flushes after changing a present PTE). The hypervisor's own safety
    // does not rest on it: a frame whose writable mapping or last
    // reference went is stamped, and CPUs holding older translations
    // flush before it becomes a page table or another domain's
    // (tlb_clock.hpp).
    return Rc::okay;
}

bool in_faulting_entry(const Ptwr& p, Seg s, uint32_t off, unsigned n)
{
    return flat(s) && (off & ~7u) == (p.cr2 & ~7u) && (off & (n - 1)) == 0;
}

uint64_t load(const void* buf, unsigned n)
{
    uint64_t v = 0;
    __builtin_memcpy(&v, buf, n); // little-endian, as the guest stored it
    return v;
}

Rc write(x86emul::Ctxt& c, Seg s, uint32_t off, const void* buf, unsigned n)
{
    Ptwr& p = ptwr(c);
    if (!in_faulting_entry(p, s, off, n))
        return Rc::unhandleable;
    return store(p, off & 0xFFFu, n, load(buf, n), nullptr);
}

Rc cmpxchg(x86emul::Ctxt& c, Seg s, uint32_t off, const void* old, const void* val, unsigned n)
{
    Ptwr& p = ptwr(c);
    if (!in_faulting_entry(p, s, off, n))
        return Rc::unhandleable;
    uint64_t expect = load(old, n);
    return store(p, off & 0xFFFu, n, load(val, n), &expect);
}

const x86emul::Ops ptwr_ops = {
    .fetch = fetch, .read = read, .write = write, .cmpxchg = cmpxchg,
    .read_io = nullptr, .write_io = nullptr, .read_cr = nullptr, .write_cr = nullptr,
    .read_dr = nullptr, .write_dr = nullptr, .read_msr = nullptr, .write_msr = nullptr,
    .cpuid = nullptr, .set_if = nullptr, .hlt = nullptr, .wbinvd = nullptr,
};

} // namespace

x86emul::Rc emulate_pt_write(Vcpu& v, Exception_frame& f, uint32_t cr2, x86emul::Event& ev)
{
    Domain& d = *v.domain;
    if ((f.cs & 3) != 1 || (f.error_code & (pf_present | pf_write | pf_user | pf_reserved)) !=
                               (pf_present | pf_write))
        return Rc::unhandleable;
    if (!(d.vm_assist & (1u << VMASST_TYPE_writable_pagetables)) || cr2 >= HYPERVISOR_VIRT_START)
        return Rc::unhandleable;
    uint64_t l1e = l1e_of(v, cr2);
    if ((l1e & (PTE_P | PTE_RW)) != PTE_P)
        return Rc::unhandleable;
    Mfn table = paddr_to_mfn(l1e & PTE_ADDR_MASK);
    Page* pg = mfn_to_page(table);
    if (!pg || pg->owner != d.id || pgt::type(pg->type_info) != Page_type::l1)
        return Rc::unhandleable;
    Ptwr p{d, table, cr2};
    x86emul::Ctxt c;
    c.ops = &ptwr_ops;
    c.data = &p;
    c.allow = x86emul::cls_mem;
    c.kernel = true;
    // rep stos/movs: the iterations that stay in the faulting entry; the
    // guest's next store faults again for the next one.
    c.max_reps = 8;
    Rc rc = x86emul::emulate(c, f);
    if (rc == Rc::exception)
        ev = c.event;
    return rc;
}

} // namespace arch
