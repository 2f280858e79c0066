// ACPI root tables: RSDP, RSDT/XSDT and lookup of a table by signature, every
// table checked (length against what is mapped, checksum) before anyone reads
// it. Portable: physical memory is reached through the Memory interface, so
// the host tests feed captured firmware tables and hostile variants.
#pragma once
#include <cstddef>
#include <cstdint>

namespace acpi {

// Reads little-endian fields at any alignment (tables are byte-packed).
inline uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
inline uint32_t rd32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
           static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
inline uint64_t rd64(const uint8_t* p) { return rd32(p) | static_cast<uint64_t>(rd32(p + 4)) << 32; }

uint8_t checksum(const uint8_t* p, size_t len);

// Physical memory as the parser sees it. map() returns 'len' readable bytes
// at 'phys' or nullptr when that range is not available; the pointer stays
// valid for the life of the Memory object.
class Memory {
public:
    virtual const uint8_t* map(uint64_t phys, size_t len) = 0;

protected:
    ~Memory() = default;
};

// ACPI 6.5 §5.2.6: every description table starts with this 36-byte header.
constexpr uint32_t header_len = 36;
// Refuse absurd lengths before mapping: real DSDTs stay far below this.
constexpr uint32_t max_table_len = 4u << 20;

struct Table {
    const uint8_t* data = nullptr; // the whole table, header included
    uint32_t length = 0;
    uint64_t phys = 0;
    bool valid() const { return data != nullptr; }
    bool has_signature(const char sig[4]) const;
};

struct Rsdp {
    uint64_t phys = 0;
    uint8_t revision = 0;  // 0: ACPI 1.0 (RSDT only); 2+: XSDT too
    char oem_id[7] = {};
    uint32_t rsdt = 0;
    uint64_t xsdt = 0;
};

// Validates an RSDP candidate at 'p' (with 'avail' readable bytes): the
// signature, the v1 checksum over 20 bytes and, for revision 2+, the length
// and the extended checksum over the whole structure.
[[nodiscard]] bool parse_rsdp(const uint8_t* p, size_t avail, uint64_t phys, Rsdp& out);

// Scans 'len' bytes at 16-byte boundaries, as ACPI 6.5 §5.2.5.1 requires.
[[nodiscard]] bool scan_rsdp(const uint8_t* area, size_t len, uint64_t area_phys, Rsdp& out);

// Maps the table at 'phys': length within [header, max_table_len] and fully
// mappable, checksum zero, and the signature when 'sig' is given.
[[nodiscard]] Table load_table(Memory& mem, uint64_t phys, const char* sig = nullptr);

class Root {
public:
    // Prefers the XSDT when the RSDP has one and it validates, else the RSDT.
    [[nodiscard]] bool init(Memory& mem, const Rsdp& rsdp);
    bool uses_xsdt() const { return entry_size_ == 8; }
    const Table& table() const { return root_; }
    uint32_t entries() const;
    uint64_t entry(uint32_t i) const;
    // The n-th valid table with that signature; entries that fail validation
    // are skipped (a corrupt table must not hide a good one).
    Table find(const char sig[4], unsigned n = 0) const;

private:
    Memory* mem_ = nullptr;
    Table root_;
    uint32_t entry_size_ = 0;
};

} // namespace acpi
