#include "hypervisor/grant/host_pte.hpp"

#include "boot/layout.h"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pte_check.hpp"
#include "hypervisor/mm/pte_store.hpp"
#include "public/grant_table.h"

namespace grant {
namespace {

constexpr uint32_t avail_shift = 9; // PTE bits 11..9 (Xen's _PAGE_AVAIL)

struct Slot {
    Mfn l1 = invalid_mfn;
    uint32_t index = 0;
};

// An L1 the domain may have a grant PTE written into: its own, in use as
// an L1 and validated (Xen: get_page_from_mfn, page_lock, PGT_l1_page_table).
bool usable_l1(Frame_space& fs, const Domain& ld, Mfn l1)
{
    const Page* pg = fs.page(l1);
    if (pg == nullptr || !fs.is_ram(l1) || fs.is_hypervisor(l1) || pg->owner != ld.id ||
        pgc::count(pg->count_info) == 0)
        return false;
    uint32_t ti = pg->type_info;
    return pgt::type(ti) == Page_type::l1 && pgt::count(ti) != 0 && pgt::is_validated(ti);
}

bool slot_of_maddr(uint64_t maddr, Slot& s)
{
    if (maddr % sizeof(uint64_t) != 0 || (maddr >> page_shift) > 0xFFFFFFFFull)
        return false;
    s.l1 = paddr_to_mfn(maddr);
    s.index = static_cast<uint32_t>(maddr & (page_size - 1)) / sizeof(uint64_t);
    return true;
}

// The L1 entry for linear address va in v's current address space.
bool slot_of_va(Frame_space& fs, const Vcpu& v, uint64_t va, Slot& s)
{
    if (va >= HV_VIRT_START || v.cr3 == invalid_mfn)
        return false;
    uint64_t l3e, l2e;
    {
        Table_map l3(fs, v.cr3);
        if (!l3)
            return false;
        l3e = l3[static_cast<uint32_t>(va >> 30)];
    }
    if (!pte::present(l3e))
        return false;
    {
        Table_map l2(fs, pte::mfn(l3e));
        if (!l2)
            return false;
        l2e = l2[static_cast<uint32_t>(va >> 21) & (entries_per_table - 1)];
    }
    if (!pte::present(l2e) || (pte::flags(l2e) & pte::PSE))
        return false;
    s.l1 = pte::mfn(l2e);
    s.index = static_cast<uint32_t>(va >> page_shift) & (entries_per_table - 1);
    return true;
}

bool find_slot(Frame_space& fs, const Vcpu& v, uint64_t addr, uint32_t map_flags, Slot& s)
{
    if (map_flags & GNTMAP_contains_pte)
        return slot_of_maddr(addr, s) && usable_l1(fs, *v.domain, s.l1);
    return slot_of_va(fs, v, addr, s) && usable_l1(fs, *v.domain, s.l1);
}

// Slot s (of an L1 usable_l1 accepted) is about to hold a present entry:
// its block is marked for teardown (pgt's present blocks).
void note_present(Frame_space& fs, const Slot& s)
{
    if (Page* pg = fs.page_of(s.l1))
        pgt::note_present(pg->type_info, s.index);
}

// Does PTE e map 'frame' present and writable exactly as 'grant_flags' say?
bool maps_grant(uint64_t e, Mfn frame, uint32_t grant_flags)
{
    return pte::mfn(e) == frame && ((pte::flags(e) ^ grant_flags) & (pte::P | pte::RW)) == 0;
}

} // namespace

uint32_t grant_pte_flags(Frame_space& fs, uint32_t map_flags)
{
    uint32_t f = pte::P | pte::A | pte::D;
    if (fs.nx_enabled())
        f |= pte::NX;
    if (map_flags & GNTMAP_application_map)
        f |= pte::US;
    if (!(map_flags & GNTMAP_readonly))
        f |= pte::RW;
    f |= ((map_flags >> _GNTMAP_guest_avail0) << avail_shift) & pte::AVAIL;
    return f;
}

int16_t create_host_mapping(Grant_env& env, Vcpu& v, uint64_t addr, uint32_t map_flags, Mfn frame,
                            uint64_t& where)
{
    Frame_space& fs = env.frames();
    Domain& ld = *v.domain;
    Lock_guard<Spinlock> g(ld.mm_lock);
    Slot s;
    if (!find_slot(fs, v, addr, map_flags, s))
        return GNTST_general_error;
    uint64_t old;
    {
        Table_map t(fs, s.l1);
        if (!t)
            return GNTST_general_error;
        old = t[s.index];
        note_present(fs, s);
        pte::store(&t[s.index], old, pte::make(frame, grant_pte_flags(fs, map_flags)));
    }
    Mm_ctx c{fs, ld.mm};
    put_l1e(c, old);
    where = mfn_to_paddr(s.l1) + s.index * sizeof(uint64_t);
    return GNTST_okay;
}

int16_t replace_host_mapping(Grant_env& env, Vcpu& v, uint64_t addr, uint32_t map_flags, Mfn frame,
                             uint64_t new_addr, Pte_move& moved)
{
    Frame_space& fs = env.frames();
    Domain& ld = *v.domain;
    bool by_pte = (map_flags & GNTMAP_contains_pte) != 0;
    if (by_pte ? new_addr != 0 : (addr >> 32 != 0 || new_addr >> 32 != 0))
        return GNTST_general_error;
    Lock_guard<Spinlock> g(ld.mm_lock);
    Mm_ctx c{fs, ld.mm};
    // The replacement is taken first (Xen's steal_linear_address): its
    // entry, with the references it holds, moves into the grant's slot.
    uint64_t taken = 0;
    Slot n;
    if (new_addr != 0) {
        if (!find_slot(fs, v, new_addr, map_flags & ~GNTMAP_contains_pte, n))
            return GNTST_general_error;
        Table_map t(fs, n.l1);
        if (!t)
            return GNTST_general_error;
        taken = t[n.index];
        pte::store(&t[n.index], taken, 0);
    }
    int16_t rc = GNTST_general_error;
    Slot s;
    if (find_slot(fs, v, addr, map_flags, s)) {
        Table_map t(fs, s.l1);
        if (t && maps_grant(t[s.index], frame, grant_pte_flags(fs, map_flags))) {
            if (pte::present(taken))
                note_present(fs, s);
            pte::store(&t[s.index], t[s.index], taken);
            rc = GNTST_okay;
        }
    }
    // Failed: the stolen entry is ours to release (Xen does the same).
    if (rc != GNTST_okay)
        put_l1e(c, taken);
    else if (new_addr != 0)
        moved = Pte_move{mfn_to_paddr(n.l1) + n.index * sizeof(uint64_t),
                         mfn_to_paddr(s.l1) + s.index * sizeof(uint64_t)};
    return rc;
}

bool clear_host_mapping(Grant_env& env, Domain& ld, uint64_t where, uint32_t map_flags, Mfn frame)
{
    Frame_space& fs = env.frames();
    Lock_guard<Spinlock> g(ld.mm_lock);
    Slot s;
    if (where == 0 || !slot_of_maddr(where, s) || !usable_l1(fs, ld, s.l1))
        return false;
    Table_map t(fs, s.l1);
    if (!t || !maps_grant(t[s.index], frame, grant_pte_flags(fs, map_flags)))
        return false;
    pte::store(&t[s.index], t[s.index], 0);
    return true;
}

} // namespace grant
