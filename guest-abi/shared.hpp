// Guest runtime state: start_info, the shared-info page and frame helpers.
#pragma once
#include "public/xen.h"

#include <cstdint>

// Where the image is linked (guest.ld, VIRT_BASE note); pfn 0 is mapped here.
constexpr uint32_t guest_virt_base = 0xC0000000u;
constexpr uint32_t guest_page_size = 4096;
// PAE PTE bits a guest uses for its own mappings.
constexpr uint64_t pte_present = 1u << 0;
constexpr uint64_t pte_rw = 1u << 1;
constexpr uint64_t pte_accessed = 1u << 5;
constexpr uint64_t pte_dirty = 1u << 6;
constexpr uint64_t pte_kernel_rw = pte_present | pte_rw | pte_accessed | pte_dirty;

// The start_info Xen passed in %esi.
start_info_t* guest_start_info();
// The shared-info page, or nullptr when mapping it failed.
shared_info_t* guest_shared_info();
vcpu_info_t* vcpu0_info();

// Maps the shared-info page over a reserved page of the image (the way
// Mini-OS does): update_va_mapping with its machine address.
[[nodiscard]] bool map_shared_info(start_info_t* si);

// Guest pfn of an address in the initial mapping, and its machine frame
// from the p2m list (start_info.mfn_list).
uint32_t virt_to_pfn(const void* va);
uint32_t pfn_to_mfn(uint32_t pfn);
void set_p2m(uint32_t pfn, uint32_t mfn);

// The TSC (a compiler barrier too, so timed code stays between reads).
inline uint64_t guest_rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t{hi} << 32) | lo;
}

// System time in ns from vcpu_info.time (last update, no TSC extrapolation).
uint64_t system_time_ns();
// System time now, as a kernel computes it (public/xen.h vcpu_time_info):
// vCPU 'vcpu''s record extrapolated with the TSC of the CPU it runs on.
uint64_t system_time_now_ns(unsigned vcpu);

// The test entry point each guest defines.
void guest_main(start_info_t* si);
