// A set of integer ranges (Xen's rangeset): which I/O ports, I/O memory
// frames or IRQs a domain may use. Ranges are kept sorted, disjoint and
// merged, in a fixed array so no operation allocates; an add that would need
// more ranges than fit fails and leaves the set unchanged. Portable.
#pragma once
#include <cstdint>

class Rangeset {
public:
    static constexpr unsigned capacity = 32;

    // Adds [first, last]; false (nothing changed) if first > last or the
    // result needs more than 'capacity' ranges.
    [[nodiscard]] bool add(uint64_t first, uint64_t last);
    // Removes [first, last] (splitting a range may need one more slot:
    // false, nothing changed, when it does not fit).
    [[nodiscard]] bool remove(uint64_t first, uint64_t last);
    // Every value of [first, last] is in the set.
    bool contains(uint64_t first, uint64_t last) const;
    // Some value of [first, last] is in the set.
    bool overlaps(uint64_t first, uint64_t last) const;
    void clear() { n_ = 0; }

    unsigned size() const { return n_; }
    uint64_t first(unsigned i) const { return r_[i].first; }
    uint64_t last(unsigned i) const { return r_[i].last; }

private:
    struct Range {
        uint64_t first, last;
    };
    Range r_[capacity]{};
    unsigned n_ = 0;
};
