// The machine's usable RAM as a sorted list of disjoint ranges, built from a
// firmware memory map nobody should trust (multiboot v1 "mmap", i.e. the
// BIOS E820 list as the loader passed it on): entries may overlap, be
// unaligned, zero-length, wrap around 2^64 or lie beyond the 52-bit PAE
// physical limit.
//
// Rules: only type 1 is RAM; any byte that some other entry claims is not
// RAM, whatever order the entries come in; partial pages are dropped. The
// list has a fixed capacity (no allocator exists yet when it is built); when
// it overflows, RAM is dropped, never the other way round, and truncated()
// says so.
#pragma once
#include <cstddef>
#include <cstdint>

struct Mem_range {
    uint64_t start;  // page-aligned once finalised
    uint64_t end;    // exclusive
    uint64_t size() const { return end - start; }
};

struct Raw_mmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
};

struct Mmap_stats {
    unsigned entries = 0;     // entries read
    unsigned ignored = 0;     // zero length, or entirely beyond 2^52
    unsigned clipped = 0;     // wrapped around 2^64 or crossed 2^52
    bool malformed = false;   // the buffer ended inside an entry, or an entry was too short
};

class Memory_map {
public:
    static constexpr unsigned capacity = 128;
    static constexpr uint64_t phys_limit = 1ull << 52;
    static constexpr uint32_t type_ram = 1;
    static constexpr uint64_t no_addr = ~0ull;

    void clear()
    {
        count_ = 0;
        truncated_ = false;
    }
    // Usable RAM [addr, addr+len), clipped to 2^52, merged with what is there.
    void add(uint64_t addr, uint64_t len);
    // Takes [addr, addr+len) out, widened to whole pages.
    void remove(uint64_t addr, uint64_t len);
    // Shrinks every range to whole pages and drops the empty ones.
    void finalise();

    // Takes 'bytes' (page multiple) aligned to 'align' (power of two) out of
    // the highest range ending at or below 'limit'. Returns the start, or
    // no_addr when nothing fits.
    [[nodiscard]] uint64_t take(uint64_t bytes, uint64_t align, uint64_t limit);

    unsigned count() const { return count_; }
    const Mem_range& operator[](unsigned i) const { return ranges_[i]; }
    uint64_t total() const;
    uint64_t total_below(uint64_t limit) const;
    uint64_t highest_end() const { return count_ ? ranges_[count_ - 1].end : 0; }
    bool truncated() const { return truncated_; }

private:
    void insert_at(unsigned i, Mem_range r);
    void erase(unsigned i, unsigned n);

    Mem_range ranges_[capacity] = {};
    unsigned count_ = 0;
    bool truncated_ = false;
};

// Sanitises an array of firmware entries into 'out' (which is cleared first).
void sanitise_mmap(const Raw_mmap_entry* entries, unsigned n, Memory_map& out, Mmap_stats& stats);

// The same over a multiboot v1 mmap buffer: each entry is {u32 size, u64
// addr, u64 len, u32 type}, 'size' not counting itself (Multiboot 0.6.96 §3.3).
void sanitise_multiboot_mmap(const uint8_t* buf, uint32_t length, Memory_map& out,
                             Mmap_stats& stats);

// When the loader gave no map: mem_lower KiB at 0 (at most 640 KiB) and
// mem_upper KiB from 1 MiB.
void memmap_from_mem_fields(uint32_t mem_lower_kib, uint32_t mem_upper_kib, Memory_map& out);
