// A PV domain's memory being filled in at build time: its frames (the p2m
// kept here until it is written into the guest), the bootstrap page tables,
// start_info, the hypercall page, and vCPU 0's first registers.
#pragma once
#include <cstdint>

#include "hypervisor/boot/boot_layout.hpp"
#include "hypervisor/boot/elf_image.hpp"
#include "hypervisor/mm/frame.hpp"

struct Domain;

namespace arch {

class Guest_image {
public:
    Guest_image(Domain& d, const Boot_layout& l, uint32_t nr_pages);
    ~Guest_image();
    Guest_image(const Guest_image&) = delete;
    Guest_image& operator=(const Guest_image&) = delete;

    // Gives the domain nr_pages zeroed frames; the bootstrap region's come
    // from below 4 GiB (its L3 must be addressable by a 32-bit CR3).
    [[nodiscard]] bool allocate();
    void load_kernel(const Elf_image& img);
    void copy_in(uint32_t va, const uint8_t* src, uint32_t len);
    // Into the frames of pfn, pfn + 1, ... (memory outside the region).
    void copy_to_pfn(uint32_t pfn, const uint8_t* src, uint32_t len);
    void write_p2m();
    void write_start_info(const Elf_image& img, uint32_t mod_len, const char* cmdline, bool dom0);
    void write_hypercall_page(uint32_t va);
    void build_page_tables();
    // Pins the tables, names shared_info in start_info and gives vCPU 0
    // its first registers; false if the tables were refused (a builder
    // bug: they are made here).
    [[nodiscard]] bool start_vcpu0(uint32_t entry);

    Mfn mfn_of_va(uint32_t va) const;

private:
    uint64_t* table(uint32_t va);
    void fill(uint32_t va, const uint8_t* src, uint32_t len);

    Domain& d_;
    Boot_layout l_;
    uint32_t nr_pages_;
    uint32_t* p2m_ = nullptr;
};

} // namespace arch
