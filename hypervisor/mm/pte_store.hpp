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

// As store(), for MMU_PT_UPDATE_PRESERVE_AD: the accessed and dirty bits
// the entry holds when it changes are kept in 'n', including bits a CPU
// sets while this runs (Xen's update_intpte loops on cmpxchg for this).
// A CPU sets them with a locked operation on the low half, so the first
// change of the low half while the entry is present is atomic and reads
// them. Returns the value stored. Out of line: the callers' common path
// (no PRESERVE_AD) stays small enough to be inlined.
[[gnu::noinline]] inline uint64_t store_keeping_ad(uint64_t* e, uint64_t old, uint64_t n)
{
    constexpr uint32_t ad = 0x60; // accessed, dirty
    auto* half = reinterpret_cast<Half*>(e);
    uint32_t lo = static_cast<uint32_t>(n), hi = static_cast<uint32_t>(n >> 32);
    if ((old & 1) == 0) { // not present: no CPU sets bits in it
        n |= old & ad;
        store(e, old, n);
        return n;
    }
    bool same_hi = static_cast<uint32_t>(old >> 32) == hi;
    // Present on both sides with a new high half: not present for the
    // change (as store()), its last bits read by the exchange to 0.
    uint32_t first = same_hi || (n & 1) == 0 ? lo : 0;
    uint32_t found = static_cast<uint32_t>(old);
    for (;;) {
        uint32_t want = first | (found & ad);
        if (__atomic_compare_exchange_n(&half[0], &found, want, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            break;
    }
    n |= found & ad;
    if (!same_hi) {
        auto* v = reinterpret_cast<volatile Half*>(e);
        v[1] = hi;
        v[0] = static_cast<uint32_t>(n);
    }
    return n;
}

// *e read without the writers' lock, in one atomic 64-bit access: a value
// the entry held at some moment. (Reading the halves and then the low half
// again is not enough: a reader held up between two of its loads, by an
// SMI or by the hypervisor under this one, can see two whole changes go by
// and pair a high half with a low half of different entries.) On i686 that
// access is a locked cmpxchg8b, which stores the value it found back only
// when that value is the 0 it compares with.
inline uint64_t load_consistent(const uint64_t* e)
{
#if defined(__i386__)
    uint32_t lo = 0, hi = 0;
    asm volatile("lock cmpxchg8b %2"
                 : "+a"(lo), "+d"(hi), "+m"(*const_cast<uint64_t*>(e))
                 : "b"(0), "c"(0)
                 : "cc", "memory");
    return uint64_t{hi} << 32 | lo;
#else
    return __atomic_load_n(e, __ATOMIC_SEQ_CST);
#endif
}

} // namespace pte
