// TLB coherence between CPUs (Xen's TLB-flush clock, flushtlb.c). Every
// full flush of a CPU's TLB (each guest CR3 load, the idle page tables)
// takes a tick of one machine-wide clock first, so a CPU's time says that
// it holds no translation made before it. A frame whose last writable
// mapping went, or that went back to the allocator, is stamped with the
// clock; before it is validated as a page table or descriptor page, or
// handed out again, every CPU whose time is not later than its stamp
// flushes (an IPI, waited for). Stamps are kept per group of 16 frames,
// which only ever makes a flush happen that was not needed.
//
// A flush request is answered by the target's interrupt handler, or by the
// target itself wherever it spins with interrupts off (spin locks, waits):
// two CPUs waiting on each other's flush never deadlock.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"

struct Domain;

namespace arch {

// Boot: the stamp array for nr_frames frames, from the direct map.
[[nodiscard]] bool tlb_clock_init(uint32_t nr_frames);
// The IPI's handler (boot, after the IDT).
void tlb_flush_ipi_init();

// This CPU is about to flush its whole TLB (call before the flush).
void tlb_flush_starts();
// Frames [first, first + n) may still be reachable through translations
// cached until now.
void tlb_stamp(Mfn first, uint32_t n);

namespace tlb_clock {
// tlb_clock.cpp's state, for the inline stamp below: the clock, and a
// stamp per group of 16 frames (nr_groups is 0 until tlb_clock_init).
constexpr unsigned group_shift = 4;
extern uint32_t clock;
extern uint32_t* stamps;
extern uint32_t nr_groups;
} // namespace tlb_clock
// tlb_stamp(m, 1), inline: the page-type core stamps a frame at every
// drop of its last writable mapping.
inline void tlb_stamp_frame(Mfn m)
{
    uint32_t g = raw(m) >> tlb_clock::group_shift;
    if (g < tlb_clock::nr_groups)
        __atomic_store_n(&tlb_clock::stamps[g],
                         __atomic_load_n(&tlb_clock::clock, __ATOMIC_SEQ_CST), __ATOMIC_RELEASE);
}
// Every CPU that may still cache a translation of those frames made before
// their stamp flushes, this one included; returns when all have.
void tlb_flush_stale(Mfn first, uint32_t n);
// Every other CPU that runs one of d's vCPUs flushes its TLB (guest
// requests for other vCPUs, grant unmaps); waits for them.
void tlb_flush_domain(const Domain& d);
// Answers this CPU's pending flush request, if any (spin loops).
void tlb_service();

} // namespace arch
