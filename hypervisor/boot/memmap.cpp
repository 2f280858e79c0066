#include "hypervisor/boot/memmap.hpp"

namespace {

constexpr uint64_t page_mask = 0xFFFull;

constexpr uint64_t round_down(uint64_t v) { return v & ~page_mask; }
constexpr uint64_t round_up(uint64_t v) { return (v + page_mask) & ~page_mask; }

// Clips [addr, addr+len) to [0, 2^52). Returns false when nothing is left.
bool clip(uint64_t addr, uint64_t len, uint64_t& start, uint64_t& end, bool& was_clipped)
{
    was_clipped = false;
    if (len == 0 || addr >= Memory_map::phys_limit)
        return false;
    end = addr + len;
    if (end < addr || end > Memory_map::phys_limit) {  // wrapped past 2^64, or crosses 2^52
        end = Memory_map::phys_limit;
        was_clipped = true;
    }
    start = addr;
    return true;
}

} // namespace

void Memory_map::insert_at(unsigned i, Mem_range r)
{
    for (unsigned j = count_; j > i; --j)
        ranges_[j] = ranges_[j - 1];
    ranges_[i] = r;
    ++count_;
}

void Memory_map::erase(unsigned i, unsigned n)
{
    for (unsigned j = i; j + n < count_; ++j)
        ranges_[j] = ranges_[j + n];
    count_ -= n;
}

void Memory_map::add(uint64_t addr, uint64_t len)
{
    uint64_t s, e;
    bool clipped;
    if (!clip(addr, len, s, e, clipped))
        return;
    // First range that ends at or after s: everything before stays apart.
    unsigned i = 0;
    while (i < count_ && ranges_[i].end < s)
        ++i;
    // Absorb every range that overlaps or touches [s, e).
    unsigned j = i;
    while (j < count_ && ranges_[j].start <= e) {
        if (ranges_[j].start < s)
            s = ranges_[j].start;
        if (ranges_[j].end > e)
            e = ranges_[j].end;
        ++j;
    }
    if (j > i) {
        ranges_[i] = {s, e};
        erase(i + 1, j - i - 1);
        return;
    }
    if (count_ == capacity) {
        truncated_ = true;  // losing RAM is safe; the reverse is not
        return;
    }
    insert_at(i, {s, e});
}

void Memory_map::remove(uint64_t addr, uint64_t len)
{
    uint64_t s, e;
    bool clipped;
    if (!clip(addr, len, s, e, clipped))
        return;
    s = round_down(s);
    e = round_up(e);
    for (unsigned i = 0; i < count_;) {
        Mem_range& r = ranges_[i];
        if (r.end <= s || r.start >= e) {
            ++i;
            continue;
        }
        bool keep_left = r.start < s;
        bool keep_right = r.end > e;
        if (keep_left && keep_right) {
            Mem_range right{e, r.end};
            r.end = s;
            if (count_ < capacity) {
                insert_at(i + 1, right);
            } else {
                truncated_ = true;
                if (right.size() > r.size())
                    r = right;
            }
            return;  // ranges are disjoint: nothing further overlaps
        }
        if (keep_left) {
            r.end = s;
            ++i;
        } else if (keep_right) {
            r.start = e;
            ++i;
        } else {
            erase(i, 1);
        }
    }
}

void Memory_map::finalise()
{
    for (unsigned i = 0; i < count_;) {
        uint64_t s = round_up(ranges_[i].start);
        uint64_t e = round_down(ranges_[i].end);
        if (s >= e) {
            erase(i, 1);
            continue;
        }
        ranges_[i] = {s, e};
        ++i;
    }
}

uint64_t Memory_map::take(uint64_t bytes, uint64_t align, uint64_t limit)
{
    if (bytes == 0 || (bytes & page_mask) || align == 0 || (align & (align - 1)))
        return no_addr;
    for (unsigned i = count_; i-- > 0;) {
        const Mem_range& r = ranges_[i];
        uint64_t top = r.end < limit ? r.end : limit;
        if (top < r.start || top - r.start < bytes)
            continue;
        uint64_t start = (top - bytes) & ~(align - 1);
        if (start < r.start)
            continue;
        remove(start, bytes);
        return start;
    }
    return no_addr;
}

uint64_t Memory_map::total() const
{
    uint64_t t = 0;
    for (unsigned i = 0; i < count_; ++i)
        t += ranges_[i].size();
    return t;
}

uint64_t Memory_map::total_below(uint64_t limit) const
{
    uint64_t t = 0;
    for (unsigned i = 0; i < count_ && ranges_[i].start < limit; ++i)
        t += (ranges_[i].end < limit ? ranges_[i].end : limit) - ranges_[i].start;
    return t;
}

namespace {

// Two passes: RAM first, then every other type carved out of it, so an
// overlap is decided the same way whatever order the firmware listed it in.
template <typename Each>
void sanitise_with(Each each, Memory_map& out, Mmap_stats& stats)
{
    out.clear();
    stats = Mmap_stats{};
    each([&](const Raw_mmap_entry& e) {
        ++stats.entries;
        uint64_t s, end;
        bool clipped;
        if (!clip(e.addr, e.len, s, end, clipped)) {
            ++stats.ignored;
            return;
        }
        if (clipped)
            ++stats.clipped;
        if (e.type == Memory_map::type_ram)
            out.add(e.addr, e.len);
    });
    each([&](const Raw_mmap_entry& e) {
        if (e.type != Memory_map::type_ram)
            out.remove(e.addr, e.len);
    });
    out.finalise();
}

} // namespace

void sanitise_mmap(const Raw_mmap_entry* entries, unsigned n, Memory_map& out, Mmap_stats& stats)
{
    sanitise_with(
        [&](auto&& fn) {
            for (unsigned i = 0; i < n; ++i)
                fn(entries[i]);
        },
        out, stats);
}

void sanitise_multiboot_mmap(const uint8_t* buf, uint32_t length, Memory_map& out,
                             Mmap_stats& stats)
{
    bool malformed = false;
    sanitise_with(
        [&](auto&& fn) {
            uint64_t off = 0;
            while (off + 4 <= length) {
                uint32_t size = 0;
                for (unsigned b = 0; b < 4; ++b)
                    size |= static_cast<uint32_t>(buf[off + b]) << (8 * b);
                // addr (8) + len (8) + type (4) must fit, and the entry must
                // end inside the buffer.
                if (size < 20 || off + 4 + size > length) {
                    malformed = true;
                    return;
                }
                const uint8_t* p = buf + off + 4;
                Raw_mmap_entry e{0, 0, 0};
                for (unsigned b = 0; b < 8; ++b) {
                    e.addr |= static_cast<uint64_t>(p[b]) << (8 * b);
                    e.len |= static_cast<uint64_t>(p[8 + b]) << (8 * b);
                }
                for (unsigned b = 0; b < 4; ++b)
                    e.type |= static_cast<uint32_t>(p[16 + b]) << (8 * b);
                fn(e);
                off += 4 + static_cast<uint64_t>(size);
            }
            if (off != length)
                malformed = true;
        },
        out, stats);
    stats.malformed = malformed;
}

void memmap_from_mem_fields(uint32_t mem_lower_kib, uint32_t mem_upper_kib, Memory_map& out)
{
    out.clear();
    uint64_t lower = static_cast<uint64_t>(mem_lower_kib) << 10;
    if (lower > 0xA0000)
        lower = 0xA0000;  // conventional memory ends at 640 KiB whatever the loader says
    out.add(0, lower);
    out.add(0x100000, static_cast<uint64_t>(mem_upper_kib) << 10);
    out.finalise();
}
