#include "arch/x86_32/acpi/fadt.hpp"

namespace acpi {
namespace {

// FADT field offsets, ACPI 6.5 Table 5.9.
constexpr uint32_t off_dsdt = 40;
constexpr uint32_t off_smi_cmd = 48;
constexpr uint32_t off_acpi_enable = 52;
constexpr uint32_t off_pm1a_cnt = 64;
constexpr uint32_t off_pm1b_cnt = 68;
constexpr uint32_t off_pm_tmr = 76;
constexpr uint32_t off_pm1_cnt_len = 89;
constexpr uint32_t off_pm_tmr_len = 91;
constexpr uint32_t off_iapc_boot_arch = 109;
constexpr uint32_t off_flags = 112;
constexpr uint32_t off_reset_reg = 116;
constexpr uint32_t off_reset_value = 128;
constexpr uint32_t off_x_dsdt = 140;
constexpr uint32_t off_x_pm1a_cnt = 172;
constexpr uint32_t off_x_pm1b_cnt = 184;
constexpr uint32_t off_x_pm_tmr = 208;
constexpr uint32_t gas_len = 12;

Gas read_gas(const uint8_t* p)
{
    return {p[0], p[1], p[2], p[3], rd64(p + 4)};
}

Gas io_block(uint32_t port, uint8_t len_bytes)
{
    Gas g;
    if (port) {
        g.space = Gas::io;
        g.bit_width = static_cast<uint8_t>(len_bytes * 8);
        g.address = port;
    }
    return g;
}

// The 64-bit block wins when the table has it and it is filled in.
Gas pick(const Table& t, uint32_t x_off, const Gas& legacy)
{
    if (t.length >= x_off + gas_len) {
        Gas x = read_gas(t.data + x_off);
        if (x.present())
            return x;
    }
    return legacy;
}

// AML opcodes, ACPI 6.5 §20.3.
enum Aml : uint8_t {
    zero_op = 0x00,
    one_op = 0x01,
    name_op = 0x08,
    byte_prefix = 0x0A,
    word_prefix = 0x0B,
    dword_prefix = 0x0C,
    package_op = 0x12,
    root_char = 0x5C,
    ones_op = 0xFF,
};

// PkgLength (§20.2.4): bits 7-6 of the lead byte count the bytes that
// follow; with none, bits 5-0 are the length, else bits 3-0 are its low
// nibble. The length includes the PkgLength bytes themselves.
bool pkg_length(const uint8_t* p, uint32_t avail, uint32_t& len, uint32_t& used)
{
    if (avail < 1)
        return false;
    uint32_t follow = p[0] >> 6;
    if (avail < 1 + follow)
        return false;
    if (follow == 0) {
        len = p[0] & 0x3F;
    } else {
        len = p[0] & 0x0F;
        for (uint32_t i = 0; i < follow; ++i)
            len |= static_cast<uint32_t>(p[1 + i]) << (4 + 8 * i);
    }
    used = 1 + follow;
    return len >= used;
}

// One ComputationalData integer; returns false on anything else.
bool integer(const uint8_t* p, uint32_t avail, uint64_t& v, uint32_t& used)
{
    if (avail < 1)
        return false;
    uint32_t size;
    switch (p[0]) {
    case zero_op: v = 0; used = 1; return true;
    case one_op: v = 1; used = 1; return true;
    case ones_op: v = ~0ull; used = 1; return true;
    case byte_prefix: size = 1; break;
    case word_prefix: size = 2; break;
    case dword_prefix: size = 4; break;
    default: return false;
    }
    if (avail < 1 + size)
        return false;
    v = 0;
    for (uint32_t i = 0; i < size; ++i)
        v |= static_cast<uint64_t>(p[1 + i]) << (8 * i);
    used = 1 + size;
    return true;
}

// 'p' points at PackageOp; 'avail' bytes remain in the AML.
bool parse_s5_package(const uint8_t* p, uint32_t avail, Sleep_type& out)
{
    uint32_t len, used;
    if (avail < 2 || p[0] != package_op || !pkg_length(p + 1, avail - 1, len, used))
        return false;
    if (len > avail - 1 || len < used + 1)
        return false;
    const uint8_t* q = p + 1 + used;       // NumElements
    uint32_t left = len - used;
    uint8_t count = q[0];
    ++q;
    --left;
    uint64_t v[2] = {};
    unsigned got = 0;
    for (; got < 2 && got < count; ++got) {
        uint32_t n;
        if (!integer(q, left, v[got], n))
            return false;
        q += n;
        left -= n;
    }
    if (got == 0)
        return false;
    // A one-element package is the pre-ACPI-2 form with SLP_TYPa in bits
    // 0-7 and SLP_TYPb in bits 8-15 of one integer.
    uint64_t a = got == 2 ? v[0] : v[0] & 0xFF;
    uint64_t b = got == 2 ? v[1] : (v[0] >> 8) & 0xFF;
    if (a > 7 || b > 7)
        return false;                      // SLP_TYP is a 3-bit field
    out.a = static_cast<uint8_t>(a);
    out.b = static_cast<uint8_t>(b);
    return true;
}

} // namespace

bool parse_fadt(const Table& t, Fadt& out)
{
    // The ACPI 1.0 FADT ends at the Flags field.
    if (!t.has_signature("FACP") || t.length < off_flags + 4)
        return false;
    Fadt f;
    f.revision = t.data[8];
    f.flags = rd32(t.data + off_flags);
    f.dsdt = rd32(t.data + off_dsdt);
    if (t.length >= off_x_dsdt + 8 && rd64(t.data + off_x_dsdt))
        f.dsdt = rd64(t.data + off_x_dsdt);
    f.smi_cmd = rd32(t.data + off_smi_cmd);
    f.acpi_enable = t.data[off_acpi_enable];
    uint8_t cnt_len = t.data[off_pm1_cnt_len];
    f.pm1a_cnt = pick(t, off_x_pm1a_cnt, io_block(rd32(t.data + off_pm1a_cnt), cnt_len));
    f.pm1b_cnt = pick(t, off_x_pm1b_cnt, io_block(rd32(t.data + off_pm1b_cnt), cnt_len));
    f.pm_tmr = pick(t, off_x_pm_tmr, io_block(rd32(t.data + off_pm_tmr), t.data[off_pm_tmr_len]));
    // IAPC_BOOT_ARCH and the reset register arrived with ACPI 2.0.
    if (f.revision >= 2 && t.length >= off_reset_value + 1) {
        f.iapc_boot_arch = rd16(t.data + off_iapc_boot_arch);
        f.reset_reg = read_gas(t.data + off_reset_reg);
        f.reset_value = t.data[off_reset_value];
    } else {
        f.flags &= ~Fadt::reset_reg_sup;
    }
    out = f;
    return true;
}

bool find_s5(const uint8_t* aml, uint32_t len, Sleep_type& out)
{
    for (uint32_t i = 1; i + 5 <= len; ++i) {
        if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_')
            continue;
        bool named = aml[i - 1] == name_op || (aml[i - 1] == root_char && i >= 2 && aml[i - 2] == name_op);
        if (named && parse_s5_package(aml + i + 4, len - i - 4, out))
            return true;
    }
    return false;
}

} // namespace acpi
