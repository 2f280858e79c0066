// Writing and reading a 64-bit page-table entry that a CPU may be walking,
// or another CPU reading without the table owner's lock, at the same time.
// On i686 a 64-bit store is two 32-bit stores: an entry changed from one
// present frame to another whose address differs in both halves would be
// seen for a moment as a present entry naming neither frame, with bits of
// each (above 4 GiB the high half holds address bits). Xen writes such
// entries through their present bit in the same order (x86_32 pte_write).
// Portable (little-endian); writers hold the owner's mm_lock.
#pragma once
#include <cstdint>

namespace pte {

// A 32-bit half of an entry: may alias the uint64_t, so that the compiler
// does not keep the entry's old value across a store through a half.
using Half = uint32_t __attribute__((may_alias));

// *e (which held 'old', apart from accessed and dirty bits a CPU may have
// set since) becomes 'n'; every view in between is 'old', 'n' or not
// present: one store when a half is unchanged, else the present bit is
// cleared before the high half changes and set after.
// The change of both halves, out of line: rare below 4 GiB, and kept out
// of the callers so that they stay small enough to be inlined.
[[gnu::noinline]] inline void store_both_halves(volatile Half* half, uint64_t old, uint64_t n)
{
    uint32_t lo = static_cast<uint32_t>(n), hi = static_cast<uint32_t>(n >> 32);
    if ((old & 1) == 0) { // not present: the high half first, P last
        half[1] = hi;
        half[0] = lo;
    } else if ((n & 1) == 0) { // to not present: P goes first
        half[0] = lo;
        half[1] = hi;
    } else {
        half[0] = 0;
        half[1] = hi;
        half[0] = lo;
    }
}

inline void store(uint64_t* e, uint64_t old, uint64_t n)
{
    auto* half = reinterpret_cast<volatile Half*>(e);
    if (static_cast<uint32_t>(old >> 32) == static_cast<uint32_t>(n >> 32))
        half[0] = static_cast<uint32_t>(n);
    else
        store_both_halves(half, old, n);
}

// *e read without the writers' lock: a value store() held at some moment
// (the low half again after the high one, until both reads agree, so a
// change made between them is read whole).
inline uint64_t load_consistent(const uint64_t* e)
{
    auto* half = reinterpret_cast<const volatile Half*>(e);
    for (;;) {
        uint32_t lo = half[0];
        uint32_t hi = half[1];
        if (half[0] == lo)
            return uint64_t{hi} << 32 | lo;
    }
}

} // namespace pte
