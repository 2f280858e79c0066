// PAE page-table entry bits and the boot page tables the hypervisor keeps as
// its own (idle) address space.
#pragma once
#include <cstdint>

#include "boot/layout.h"

namespace arch {

using pte_t = uint64_t;

enum Pte_bits : uint64_t {
    PTE_P = 1u << 0,
    PTE_RW = 1u << 1,
    PTE_US = 1u << 2,
    PTE_PWT = 1u << 3,
    PTE_PCD = 1u << 4,
    PTE_A = 1u << 5,
    PTE_D = 1u << 6,
    PTE_PS = 1u << 7,
    PTE_G = 1u << 8,
};
constexpr uint64_t PTE_ADDR_MASK = 0x000FFFFFFFFFF000ull;

constexpr uint32_t l2_slot(uint32_t va) { return (va >> 21) & 511; }
constexpr uint32_t l1_slot(uint32_t va) { return (va >> 12) & 511; }

inline uint32_t virt_to_phys(const void* p)
{
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p) - HV_DIRECTMAP_START);
}
template <typename T = void>
T* phys_to_virt(uint32_t phys)
{
    return reinterpret_cast<T*>(phys + HV_DIRECTMAP_START);
}

inline void invlpg(const volatile void* va) { asm volatile("invlpg (%0)" ::"r"(va) : "memory"); }

} // namespace arch

// Defined in boot/entry.S. boot_l2_high maps 0xC0000000-0xFFFFFFFF; its
// hypervisor slots are the template copied into every guest's top L2.
extern "C" arch::pte_t boot_l2_high[512];
extern "C" arch::pte_t boot_l2_low[512];
extern "C" arch::pte_t boot_l3[4];
