#include "arch/x86_32/acpi/tables.hpp"

namespace acpi {
namespace {

bool same_sig(const uint8_t* p, const char* sig, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (p[i] != static_cast<uint8_t>(sig[i]))
            return false;
    return true;
}

// ACPI 6.5 §5.2.5.3: v1 is 20 bytes; revision 2 adds Length at 20, the
// XSDT address at 24 and the extended checksum at 32 (36 bytes in all).
constexpr size_t rsdp_v1_len = 20;
constexpr size_t rsdp_v2_len = 36;

} // namespace

uint8_t checksum(const uint8_t* p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; ++i)
        sum = static_cast<uint8_t>(sum + p[i]);
    return sum;
}

bool Table::has_signature(const char sig[4]) const
{
    return data && same_sig(data, sig, 4);
}

bool parse_rsdp(const uint8_t* p, size_t avail, uint64_t phys, Rsdp& out)
{
    if (avail < rsdp_v1_len || !same_sig(p, "RSD PTR ", 8) || checksum(p, rsdp_v1_len) != 0)
        return false;
    Rsdp r;
    r.phys = phys;
    r.revision = p[15];
    for (int i = 0; i < 6; ++i)
        r.oem_id[i] = static_cast<char>(p[9 + i]);
    r.rsdt = rd32(p + 16);
    if (r.revision >= 2) {
        if (avail < rsdp_v2_len)
            return false;
        uint32_t len = rd32(p + 20);
        if (len < rsdp_v2_len || len > avail || checksum(p, len) != 0)
            return false;
        r.xsdt = rd64(p + 24);
    }
    out = r;
    return true;
}

bool scan_rsdp(const uint8_t* area, size_t len, uint64_t area_phys, Rsdp& out)
{
    for (size_t off = 0; off + rsdp_v1_len <= len; off += 16)
        if (parse_rsdp(area + off, len - off, area_phys + off, out))
            return true;
    return false;
}

Table load_table(Memory& mem, uint64_t phys, const char* sig)
{
    Table t;
    if (phys == 0)
        return t;
    const uint8_t* hdr = mem.map(phys, header_len);
    if (!hdr || (sig && !same_sig(hdr, sig, 4)))
        return t;
    uint32_t len = rd32(hdr + 4);
    if (len < header_len || len > max_table_len)
        return t;
    const uint8_t* all = mem.map(phys, len);
    if (!all || checksum(all, len) != 0)
        return t;
    t.data = all;
    t.length = len;
    t.phys = phys;
    return t;
}

bool Root::init(Memory& mem, const Rsdp& rsdp)
{
    mem_ = &mem;
    if (rsdp.revision >= 2 && rsdp.xsdt) {
        root_ = load_table(mem, rsdp.xsdt, "XSDT");
        entry_size_ = 8;
    }
    if (!root_.valid()) {
        root_ = load_table(mem, rsdp.rsdt, "RSDT");
        entry_size_ = 4;
    }
    if (!root_.valid())
        entry_size_ = 0;
    return root_.valid();
}

uint32_t Root::entries() const
{
    return entry_size_ ? (root_.length - header_len) / entry_size_ : 0;
}

uint64_t Root::entry(uint32_t i) const
{
    if (i >= entries())
        return 0;
    const uint8_t* p = root_.data + header_len + i * entry_size_;
    return entry_size_ == 8 ? rd64(p) : rd32(p);
}

Table Root::find(const char sig[4], unsigned n) const
{
    for (uint32_t i = 0; i < entries(); ++i) {
        Table t = load_table(*mem_, entry(i), sig);
        if (t.valid() && n-- == 0)
            return t;
    }
    return {};
}

} // namespace acpi
