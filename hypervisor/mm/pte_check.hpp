// PAE page-table entry validation for PV guests, as strict as Xen's
// 32-bit PAE hypervisor (xen/arch/x86/mm.c, asm-x86/x86_32/page.h).
//
// Entry flags are viewed as Xen does: a 32-bit word made of PTE bits 11..0
// and bits 63..44 (bits 43..12 are the 32-bit frame number).
//
// get_lNe() checks one entry and takes the references it needs; put_lNe()
// drops exactly what get_lNe() took. Both decide from the entry and from
// frame facts that cannot change while references are held, so they stay
// balanced.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"

namespace pte {
constexpr uint32_t P = 1u << 0;
constexpr uint32_t RW = 1u << 1;
constexpr uint32_t US = 1u << 2;
constexpr uint32_t PWT = 1u << 3;
constexpr uint32_t PCD = 1u << 4;
constexpr uint32_t A = 1u << 5;
constexpr uint32_t D = 1u << 6;
constexpr uint32_t PSE = 1u << 7; // PAT in an L1 entry
constexpr uint32_t G = 1u << 8;
constexpr uint32_t AVAIL = 7u << 9;
constexpr uint32_t NX = 1u << 31; // PTE bit 63

constexpr uint64_t addr_mask = 0x00000FFFFFFFF000ull; // PTE bits 43..12

constexpr uint32_t flags(uint64_t e)
{
    return (static_cast<uint32_t>(e >> 32) & ~0xFFFu) | (static_cast<uint32_t>(e) & 0xFFFu);
}
constexpr uint64_t from_flags(uint32_t f)
{
    return (static_cast<uint64_t>(f & ~0xFFFu) << 32) | (f & 0xFFFu);
}
constexpr Mfn mfn(uint64_t e) { return Mfn{static_cast<uint32_t>((e & addr_mask) >> 12)}; }
constexpr uint64_t make(Mfn m, uint32_t f) { return mfn_to_paddr(m) | from_flags(f); }
constexpr bool present(uint64_t e) { return (e & P) != 0; }

static_assert(flags(0x8000000000000003ull) == (NX | RW | P));
static_assert(raw(mfn(make(Mfn{0xFFFFFFFFu}, P))) == 0xFFFFFFFFu);
static_assert(flags(make(Mfn{0xFFFFFFFFu}, P | NX)) == (P | NX));

// Unused flag bits plus PAT/PSE, PCD, PWT and GLOBAL; NX only when enabled.
constexpr uint32_t base_disallow = 0xFFFFF198u;
// PAE L3 entries: what Xen allows a 32-bit PV guest (x86_64 mm.c
// l3_disallow_mask for compat domains, 0xFFFFF198): P, RW, US, A, D and the
// available bits; PWT, PCD, PSE and the rest are refused. A real PAE PDPTE
// has RW, US, A and D reserved, so the CPU never loads the guest's L3
// itself: it runs on a copy holding only address and P (guest_cr3.cpp).
constexpr uint32_t l3_disallow = 0xFFFFF198u;
// Flags that may change without re-checking the entry (Xen's fast path).
constexpr uint32_t fastpath_whitelist = NX | AVAIL | US | A | D;

// Does anything but the whitelisted flags differ?
constexpr bool changed_beyond(uint64_t o, uint64_t n, uint32_t whitelist)
{
    return ((o ^ n) & (addr_mask | from_flags(~whitelist))) != 0;
}

uint32_t l1_disallow(Frame_space& fs, const Mm_domain& d);
uint32_t l2_disallow(Frame_space& fs);
} // namespace pte

// L1 entry: may map a frame of pg_owner (read-only, or writable which takes
// a writable type reference), I/O memory the domain is entitled to, or the
// M2P read-only for a privileged domain. 0 or -EINVAL/-EPERM/-EBUSY.
[[nodiscard]] int get_l1e(Mm_ctx& c, uint64_t e, const Mm_domain& pg_owner);
void put_l1e(Mm_ctx& c, uint64_t e);
// get_l1e with 'disallow' = pte::l1_disallow(c.fs, c.dom) already looked up.
[[nodiscard]] int get_l1e_masked(Mm_ctx& c, uint64_t e, const Mm_domain& pg_owner,
                                 uint32_t disallow);

// L2 entry in table 'table': points to an L1 of the domain, or is a
// read-only linear entry (to itself, or to another validated L2).
[[nodiscard]] int get_l2e(Mm_ctx& c, uint64_t e, Mfn table);
void put_l2e(Mm_ctx& c, uint64_t e, Mfn table);

// L3 entry (slots 0..2): points to an L2 of the domain. No linear L3s.
[[nodiscard]] int get_l3e(Mm_ctx& c, uint64_t e);
void put_l3e(Mm_ctx& c, uint64_t e);

// Whole-table validation (type count 0 -> 1) and devalidation (1 -> 0);
// devalidation is false, having released nothing, when the table cannot
// be mapped. Validation sets 'present' to the present blocks (pgt) of an
// L1 or L2; devalidation skips the blocks type_info does not mark.
[[nodiscard]] int validate_table(Mm_ctx& c, Mfn mfn, uint32_t type_info, uint32_t& present);
[[nodiscard]] bool devalidate_table(Mm_ctx& c, Mfn mfn, uint32_t type_info);

// Slots of an L2 that belong to the guest.
constexpr uint32_t guest_l2_slots(uint32_t type_info)
{
    return pgt::is_xen_l2(type_info) ? first_hypervisor_l2_slot : entries_per_table;
}

// Drops a general reference on m (pg its descriptor): the frame goes back
// when that was the last. Inline: a table entry's change drops one, and
// an out-of-line copy per file (or one LTO would not inline) is a call and
// a frame per entry of a batch.
[[gnu::always_inline]] inline void release_frame(Mm_ctx& c, Mfn m, Page& pg)
{
    if (put_page(pg))
        c.fs.page_released(m);
}
