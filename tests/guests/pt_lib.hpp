// Helpers shared by the page-table test guests (pt_*.cpp, bench_*.cpp):
// free frames to build tables in, windows to fill them through, and thin
// wrappers for the mmu_update / mmuext_op requests the tests make.
#pragma once
#include "hypercall.hpp"
#include "shared.hpp"

#include <cstdint>

namespace pt {

constexpr uint64_t P = 1u << 0, RW = 1u << 1, US = 1u << 2, A = 1u << 5, D = 1u << 6;
// An L2 entry for an L1, an L1 entry for data, an L3 entry (PDPTE: only P).
constexpr uint64_t l2_flags = P | RW | US | A;
constexpr uint64_t data_rw = P | RW | US | A | D;
constexpr uint64_t data_ro = P | US | A;
constexpr uint64_t l3_flags = P;
// Guest-owned L2 slots of the L2 that maps the top GiB (HYPERVISOR_VIRT_START
// 0xF5800000 >> 21 = 428).
constexpr uint32_t guest_top_l2_slots = 428;

inline uint64_t maddr(uint32_t mfn) { return uint64_t{mfn} << 12; }
inline uint64_t entry(uint32_t mfn, uint64_t flags) { return maddr(mfn) | flags; }

// A frame of the domain outside the initial mapping (taken from the top of
// its pseudo-physical memory, never given back).
uint32_t alloc_mfn();

// Three scratch pages of the image whose mapping is swapped to other
// frames. window() maps 'mfn' there (read-only or writable) and returns
// the address; the result is the hypercall's status in *rc when given.
constexpr int nr_windows = 3;
uint64_t* window(int w, uint32_t mfn, bool writable, int32_t* rc = nullptr);
// Puts the window's own frame back (so 'mfn' is no longer mapped).
void unwindow(int w);
uint32_t window_va(int w);

// Zeroes the frame and writes n entries at slots first..first+n-1 (the
// frame must not be a page table in use).
[[nodiscard]] bool fill(uint32_t mfn, uint32_t first, const uint64_t* e, uint32_t n);
[[nodiscard]] bool clear(uint32_t mfn);

// One MMU_NORMAL_PT_UPDATE of entry 'slot' of table 'mfn'.
int32_t set_entry(uint32_t mfn, uint32_t slot, uint64_t val, uint32_t foreigndom = DOMID_SELF);
int32_t ext(uint32_t cmd, uint32_t mfn, uint32_t foreigndom = DOMID_SELF);
inline int32_t pin(uint32_t level, uint32_t mfn) { return ext(MMUEXT_PIN_L1_TABLE + level - 1, mfn); }
inline int32_t unpin(uint32_t mfn) { return ext(MMUEXT_UNPIN_TABLE, mfn); }
inline int32_t new_baseptr(uint32_t mfn) { return ext(MMUEXT_NEW_BASEPTR, mfn); }

// The bootstrap L3 (start_info.pt_base) and the L2 in its slot 3.
uint32_t boot_l3();
uint32_t boot_top_l2();

// A fresh address space: L3 'l3' with slot 3 = a new top L2 that maps the
// guest's image as the bootstrap one does, and slot 1 (0x40000000) = an L2
// whose first entry is the L1 'l1' (empty unless the caller fills it).
struct Space {
    uint32_t l3, top_l2, low_l2, l1;
};
constexpr uint32_t low_va = 0x40000000u;
[[nodiscard]] bool build_space(Space& s);


} // namespace pt
