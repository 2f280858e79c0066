// Bit layouts of Page::count_info and Page::type_info, and the page-type
// state machine (get/put of a type reference). The rules are Xen's (essay
// at the top of xen/arch/x86/mm.c):
//   - a frame has one type at a time; the type changes only while the type
//     count is zero;
//   - whoever takes the type count from 0 to 1 on a frame that is not yet
//     validated validates its contents first (page tables: every entry);
//   - writable and page-table types exclude each other, so a frame mapped
//     writable anywhere is never a page table and vice versa;
//   - when a page table's type count drops to 0 it is devalidated: the
//     references its entries held are dropped.
// Caller holds the owning domain's page-table lock (single writer).
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp" // Mm_ctx
#include "hypervisor/mm/page.hpp"

enum class Page_type : uint32_t {
    none = 0,
    l1 = 1,
    l2 = 2,
    l3 = 3,
    seg_desc = 4,   // GDT/LDT frame: contents are descriptors
    shared = 5,     // shared with the hypervisor or another domain
    writable = 7,   // mapped writable by some L1 entry
};

constexpr bool is_page_table(Page_type t)
{
    return t == Page_type::l1 || t == Page_type::l2 || t == Page_type::l3;
}

// count_info: general reference count plus flags.
//   bit 31      allocated: the owning domain's allocation holds one reference
//   bits 30..21 linear page-table use, signed (Xen's linear_pt_count, XSA-240):
//               > 0: this L2 holds that many linear entries to other L2s;
//               < 0: this L2 is linearly mapped by that many other L2s.
//               Never both, so linear chains are one level deep.
//   bits 20..0  general reference count
namespace pgc {
constexpr uint32_t allocated = 1u << 31;
constexpr uint32_t linear_shift = 21;
constexpr uint32_t linear_bits = 10;
constexpr uint32_t linear_mask = ((1u << linear_bits) - 1) << linear_shift;
constexpr int32_t linear_max = (1 << (linear_bits - 1)) - 1;
constexpr int32_t linear_min = -(1 << (linear_bits - 1));
constexpr uint32_t count_mask = (1u << linear_shift) - 1;

constexpr uint32_t count(uint32_t ci) { return ci & count_mask; }
constexpr bool is_allocated(uint32_t ci) { return (ci & allocated) != 0; }
constexpr int32_t linear(uint32_t ci)
{
    int32_t v = static_cast<int32_t>((ci & linear_mask) >> linear_shift);
    return v > linear_max ? v - (1 << linear_bits) : v;
}
constexpr uint32_t with_linear(uint32_t ci, int32_t v)
{
    uint32_t field = static_cast<uint32_t>(v) & ((1u << linear_bits) - 1);
    return (ci & ~linear_mask) | (field << linear_shift);
}
constexpr uint32_t with_count(uint32_t ci, uint32_t n) { return (ci & ~count_mask) | (n & count_mask); }

static_assert((allocated & linear_mask) == 0 && (linear_mask & count_mask) == 0);
static_assert((allocated | linear_mask | count_mask) == 0xFFFFFFFFu);
static_assert(linear(with_linear(0, -1)) == -1 && linear(with_linear(0, linear_min)) == linear_min);
static_assert(linear(with_linear(allocated | 5, linear_max)) == linear_max);
static_assert(count(with_linear(allocated | 5, -3)) == 5);
} // namespace pgc

// type_info: current type, flags, type count.
//   bits 31..29 Page_type
//   bit 28      pinned (MMUEXT_PIN_*: holds one general and one type reference)
//   bit 27      validated: contents checked for the current type
//   bit 26      pae_xen_l2: this L2 is slot 3 of a PAE L3 and carries the
//               hypervisor's slots; part of the type's identity
//   bits 25..18 present blocks, of a validated L1 or L2: bit b set when
//               entries 64b..64b+63 may hold present entries. Set from the
//               entries by validation and by every store of a present
//               entry (under the owner's lock, as the rest), never cleared
//               while validated: teardown skips the blocks without it.
//   bits 17..0  type count (262 143 references: an L1 is referenced by
//               one L2 entry per address space, a frame mapped writable by
//               one L1 entry per mapping; at the limit a reference is
//               refused, as Xen does at its own)
namespace pgt {
constexpr uint32_t type_shift = 29;
constexpr uint32_t type_mask = 7u << type_shift;
constexpr uint32_t pinned = 1u << 28;
constexpr uint32_t validated = 1u << 27;
constexpr uint32_t pae_xen_l2 = 1u << 26;
constexpr uint32_t present_shift = 18;
constexpr uint32_t present_mask = 0xFFu << present_shift;
constexpr uint32_t count_mask = (1u << present_shift) - 1;
// What must match for a type reference to be shared: the type and the marker.
constexpr uint32_t identity_mask = type_mask | pae_xen_l2;

constexpr uint32_t bits(Page_type t) { return static_cast<uint32_t>(t) << type_shift; }
constexpr Page_type type(uint32_t ti) { return static_cast<Page_type>(ti >> type_shift); }
constexpr uint32_t count(uint32_t ti) { return ti & count_mask; }
constexpr bool is_validated(uint32_t ti) { return (ti & validated) != 0; }
constexpr bool is_pinned(uint32_t ti) { return (ti & pinned) != 0; }
constexpr bool is_xen_l2(uint32_t ti) { return (ti & pae_xen_l2) != 0; }
constexpr uint32_t with_count(uint32_t ti, uint32_t n) { return (ti & ~count_mask) | (n & count_mask); }
// The present-block bits of entries [first, end) (first < end <= 512).
constexpr uint32_t present_blocks(uint32_t first, uint32_t end)
{
    return ((2u << ((end - 1) / 64)) - (1u << (first / 64))) << present_shift;
}
// Entry 'slot' of a validated L1 or L2 becomes present: its block is marked.
inline void note_present(uint32_t& ti, uint32_t slot) { ti |= 1u << (present_shift + slot / 64); }

static_assert((type_mask & (pinned | validated | pae_xen_l2 | present_mask | count_mask)) == 0);
static_assert(((pinned | validated | pae_xen_l2) & (present_mask | count_mask)) == 0);
static_assert((present_mask & count_mask) == 0);
static_assert((type_mask | pinned | validated | pae_xen_l2 | present_mask | count_mask) == 0xFFFFFFFFu);
static_assert(present_blocks(0, 512) == present_mask && present_blocks(64, 65) == 1u << 19);
static_assert(present_blocks(63, 129) == 7u << present_shift);
static_assert(type(bits(Page_type::writable) | validated | 3) == Page_type::writable);
static_assert(count(bits(Page_type::l2) | pae_xen_l2 | 7) == 7);
} // namespace pgt

// Take a type reference. 'type' is pgt::bits(t), optionally | pgt::pae_xen_l2.
// Returns 0, or a negative Xen errno: -EINVAL when the frame currently has
// another type in use (or the count would overflow); a validation failure
// returns the errno of the first bad entry. The caller already holds a
// general reference.
// Out of line (noinline) also in paths that are flattened for speed.
[[nodiscard, gnu::noinline]] int get_page_type_slow(Mm_ctx& c, Mfn mfn, Page& pg, uint32_t type);
// The common case inline: the frame already has this type, validated, so
// the count only goes up (a count of 0 then needs no validation either:
// get_page_type_slow would do exactly this).
[[nodiscard]] inline int get_page_type(Mm_ctx& c, Mfn mfn, Page& pg, uint32_t type)
{
    uint32_t x = pg.type_info;
    if ((x & (pgt::identity_mask | pgt::validated)) == (type | pgt::validated) &&
        pgt::count(x) != pgt::count_mask) {
        pg.type_info = x + 1;
        return 0;
    }
    return get_page_type_slow(c, mfn, pg, type);
}

// Drop a type reference; a page table whose count drops to zero is
// devalidated (its entries' references are dropped).
[[gnu::noinline]] void put_page_type_slow(Mm_ctx& c, Mfn mfn, Page& pg);
// Inline while other type references remain, and for a writable frame's
// last (its stamp: what put_page_type_slow does then; update_va_mapping
// and the L1 paths drop one at every unmapping of a data page).
inline void put_page_type(Mm_ctx& c, Mfn mfn, Page& pg)
{
    uint32_t x = pg.type_info;
    if (pgt::count(x) > 1) {
        pg.type_info = x - 1;
        return;
    }
    if (pgt::count(x) == 1 && pgt::type(x) == Page_type::writable) {
        pg.type_info = x - 1;
        c.fs.note_writable_dropped(mfn);
        return;
    }
    put_page_type_slow(c, mfn, pg);
}
