// The firmware's memory map as the privileged domain sees it
// (XENMEM_machine_memory_map): every range with its E820 type (RAM,
// reserved, ACPI, NVS, unusable, or whatever number the firmware used),
// sorted, without overlaps (where ranges overlap the larger type wins, as
// Linux's and Xen's sanitize_e820_map decide) and with neighbours of the
// same type merged. Portable: built from the multiboot memory-map buffer,
// hostile input included.
#pragma once
#include <cstdint>

struct E820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

class E820_map {
public:
    static constexpr unsigned capacity = 128;

    // From multiboot mmap entries ('size' prefixed, as the loader gives
    // them). Entries beyond capacity, empty or wrapping ones are dropped.
    void build_from_multiboot(const uint8_t* buf, uint32_t length);
    unsigned count() const { return n_; }
    const E820_entry& operator[](unsigned i) const { return e_[i]; }

private:
    void add_raw(uint64_t addr, uint64_t len, uint32_t type);
    void normalise();

    E820_entry e_[capacity]{};
    unsigned n_ = 0;
};
