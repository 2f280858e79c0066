#include "hypervisor/boot/e820.hpp"

namespace {

uint64_t read_le(const uint8_t* p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < bytes; ++b)
        v |= static_cast<uint64_t>(p[b]) << (8 * b);
    return v;
}

} // namespace

void E820_map::add_raw(uint64_t addr, uint64_t len, uint32_t type)
{
    if (len == 0 || addr + len < addr || n_ == capacity)
        return;
    e_[n_++] = E820_entry{addr, len, type};
}

void E820_map::build_from_multiboot(const uint8_t* buf, uint32_t length)
{
    n_ = 0;
    uint64_t off = 0;
    while (off + 4 <= length) {
        uint32_t size = static_cast<uint32_t>(read_le(buf + off, 4));
        if (size < 20 || off + 4 + size > length)
            break;
        const uint8_t* p = buf + off + 4;
        add_raw(read_le(p, 8), read_le(p + 8, 8), static_cast<uint32_t>(read_le(p + 16, 4)));
        off += 4 + uint64_t{size};
    }
    normalise();
}

// Elementary intervals between every start and end: each takes the largest
// type of the entries covering it; then equal neighbours merge. Quadratic in
// the entry count, which is bounded by capacity.
void E820_map::normalise()
{
    uint64_t points[2 * capacity];
    unsigned np = 0;
    for (unsigned i = 0; i < n_; ++i) {
        points[np++] = e_[i].addr;
        points[np++] = e_[i].addr + e_[i].size;
    }
    for (unsigned i = 1; i < np; ++i)
        for (unsigned j = i; j > 0 && points[j - 1] > points[j]; --j) {
            uint64_t t = points[j];
            points[j] = points[j - 1];
            points[j - 1] = t;
        }
    E820_entry out[capacity];
    unsigned m = 0;
    for (unsigned i = 0; i + 1 < np; ++i) {
        uint64_t a = points[i], b = points[i + 1];
        if (a == b)
            continue;
        uint32_t type = 0;
        for (unsigned k = 0; k < n_; ++k)
            if (e_[k].addr <= a && b <= e_[k].addr + e_[k].size && e_[k].type > type)
                type = e_[k].type;
        if (type == 0)
            continue; // a hole
        if (m > 0 && out[m - 1].type == type && out[m - 1].addr + out[m - 1].size == a)
            out[m - 1].size += b - a;
        else if (m < capacity)
            out[m++] = E820_entry{a, b - a, type};
    }
    for (unsigned i = 0; i < m; ++i)
        e_[i] = out[i];
    n_ = m;
}
