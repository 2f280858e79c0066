#include "arch/x86_32/pv/descriptor.hpp"

namespace {

constexpr uint32_t seg_p = 1u << 15;
constexpr uint32_t seg_s = 1u << 12;
constexpr uint32_t seg_dpl = 3u << 13;
constexpr uint32_t seg_type = 0xFu << 8;
constexpr uint32_t seg_g = 1u << 23;
constexpr uint32_t call_gate32 = 0xCu << 8;
constexpr unsigned first_reserved_entry = 14 * 512;
constexpr uint16_t flat_ring1_cs = 0xe019, flat_ring3_cs = 0xe02b;

bool gate_selector_ok(uint16_t sel)
{
    if (sel & 4)
        return true; // LDT selector: the LDT is validated as descriptors too
    if ((sel >> 3) < first_reserved_entry)
        return (sel >> 3) != 0;
    return (sel & ~3u) == (flat_ring1_cs & ~3u) || (sel & ~3u) == (flat_ring3_cs & ~3u);
}

bool check_segment(uint32_t& a, uint32_t& b)
{
    uint32_t base = (b & 0xFF000000u) | ((b & 0xFFu) << 16) | (a >> 16);
    uint32_t limit = (b & 0xF0000u) | (a & 0xFFFFu);
    if (b & seg_g)
        limit = (limit << 12) | 0xFFFu;
    bool code = (b & (1u << 11)) != 0;
    bool expand_down = !code && (b & (1u << 10)) != 0;
    if (base >= guest_segment_max_addr - 4096u)
        return false;
    if (expand_down) {
        // Valid offsets are (limit, 0xFFFFFFFF]: the top end always passes
        // the hypervisor, so only harmless (base 0, full 4 GiB) ones could
        // work; Xen refuses expand-down segments that are not empty.
        return limit == 0xFFFFFFFFu;
    }
    uint64_t end = uint64_t{base} + limit + 1;
    if (end > guest_segment_max_addr) {
        uint32_t new_limit = guest_segment_max_addr - base - 1;
        if (b & seg_g)
            new_limit >>= 12;
        a = (a & 0xFFFF0000u) | (new_limit & 0xFFFFu);
        b = (b & ~0xF0000u) | (new_limit & 0xF0000u);
    }
    return true;
}

} // namespace

bool check_descriptor(uint64_t& d)
{
    uint32_t a = static_cast<uint32_t>(d), b = static_cast<uint32_t>(d >> 32);
    if (!(b & seg_p))
        return true;
    if ((b & seg_dpl) == 0)
        b |= 1u << 13;
    if (b & seg_s) {
        if (!check_segment(a, b))
            return false;
    } else if ((b & seg_type) == 0) {
        // the upper half of a call gate: harmless on its own
    } else if ((b & seg_type) == call_gate32) {
        uint16_t sel = static_cast<uint16_t>(a >> 16);
        if (!gate_selector_ok(sel) || (b & 0xFFu) != 0)
            return false;
        if ((sel & 3) == 0)
            a |= 1u << 16; // RPL 1: the gate never leads to ring 0
    } else {
        return false;
    }
    d = (uint64_t{b} << 32) | a;
    return true;
}
