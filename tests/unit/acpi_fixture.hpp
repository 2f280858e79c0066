// Shared by the ACPI tests: physical memory made of captured QEMU firmware
// tables (or synthetic ones), writable so tests can corrupt it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "arch/x86_32/acpi/tables.hpp"

struct Captured_region {
    uint64_t phys;
    const uint8_t* data;
    size_t len;
};

#include "data/qemu_pc_acpi.inc"
#include "data/qemu_q35_acpi.inc"

class Fake_memory final : public acpi::Memory {
public:
    template <size_t N>
    explicit Fake_memory(const Captured_region (&regions)[N])
    {
        for (const Captured_region& r : regions)
            add(r.phys, std::vector<uint8_t>(r.data, r.data + r.len));
    }
    Fake_memory() = default;

    void add(uint64_t phys, std::vector<uint8_t> bytes) { regions_.push_back({phys, std::move(bytes)}); }

    const uint8_t* map(uint64_t phys, size_t len) override
    {
        ++maps;
        for (Region& r : regions_)
            if (phys >= r.phys && phys - r.phys <= r.bytes.size() && len <= r.bytes.size() - (phys - r.phys))
                return r.bytes.data() + (phys - r.phys);
        return nullptr;
    }

    uint8_t* at(uint64_t phys) { return const_cast<uint8_t*>(map(phys, 1)); }

    // Finds the first valid table with this signature by scanning the
    // regions (the same four letters also occur inside AML).
    uint64_t phys_of(const char* sig)
    {
        for (Region& r : regions_)
            for (size_t i = 0; i + 4 <= r.bytes.size(); ++i)
                if (std::memcmp(r.bytes.data() + i, sig, 4) == 0 && acpi::load_table(*this, r.phys + i).valid())
                    return r.phys + i;
        return 0;
    }

    // The 128 KiB BIOS area 0xE0000-0xFFFFF as firmware would leave it,
    // holding whatever regions fall inside it.
    std::vector<uint8_t> bios_area()
    {
        std::vector<uint8_t> area(0x20000);
        for (Region& r : regions_)
            if (r.phys >= 0xE0000 && r.phys + r.bytes.size() <= 0x100000)
                std::memcpy(area.data() + (r.phys - 0xE0000), r.bytes.data(), r.bytes.size());
        return area;
    }

    unsigned maps = 0;

private:
    struct Region {
        uint64_t phys;
        std::vector<uint8_t> bytes;
    };
    std::vector<Region> regions_;
};

inline void put32(uint8_t* p, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}

inline void put64(uint8_t* p, uint64_t v)
{
    put32(p, static_cast<uint32_t>(v));
    put32(p + 4, static_cast<uint32_t>(v >> 32));
}

// Sets byte 'at' so the 'len' bytes at 'p' sum to zero.
inline void fix_checksum(uint8_t* p, size_t len, size_t at)
{
    p[at] = 0;
    p[at] = static_cast<uint8_t>(0 - acpi::checksum(p, len));
}

// A description table: header with 'sig', then 'body', checksum fixed.
inline std::vector<uint8_t> make_table(const char* sig, uint8_t revision, const std::vector<uint8_t>& body)
{
    std::vector<uint8_t> t(acpi::header_len + body.size());
    std::memcpy(t.data(), sig, 4);
    t[8] = revision;
    std::memcpy(t.data() + 10, "XENITH", 6);
    for (size_t i = 0; i < body.size(); ++i)
        t[acpi::header_len + i] = body[i];
    put32(t.data() + 4, static_cast<uint32_t>(t.size()));
    fix_checksum(t.data(), t.size(), 9);
    return t;
}

// Re-validates a table in place after a test edited it.
inline void refresh_checksum(uint8_t* table)
{
    uint32_t len = acpi::rd32(table + 4);
    fix_checksum(table, len, 9);
}
