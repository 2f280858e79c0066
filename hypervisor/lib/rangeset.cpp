#include "hypervisor/lib/rangeset.hpp"

bool Rangeset::add(uint64_t first, uint64_t last)
{
    if (first > last)
        return false;
    // Ranges [lo, hi) of r_ that touch or overlap [first, last] merge with it.
    unsigned lo = 0;
    while (lo < n_ && r_[lo].last != UINT64_MAX && r_[lo].last + 1 < first)
        ++lo;
    unsigned hi = lo;
    while (hi < n_ && (last == UINT64_MAX || r_[hi].first <= last + 1))
        ++hi;
    if (hi == lo && n_ == capacity)
        return false;
    Range merged{first, last};
    if (hi > lo) {
        merged.first = r_[lo].first < first ? r_[lo].first : first;
        merged.last = r_[hi - 1].last > last ? r_[hi - 1].last : last;
    }
    // Replace r_[lo, hi) with the one merged range.
    unsigned removed = hi - lo;
    if (removed == 0) {
        for (unsigned i = n_; i > lo; --i)
            r_[i] = r_[i - 1];
        ++n_;
    } else {
        for (unsigned i = hi; i < n_; ++i)
            r_[i - removed + 1] = r_[i];
        n_ -= removed - 1;
    }
    r_[lo] = merged;
    return true;
}

bool Rangeset::remove(uint64_t first, uint64_t last)
{
    if (first > last)
        return false;
    // Only a range strictly containing [first, last] splits into two.
    for (unsigned i = 0; i < n_; ++i)
        if (r_[i].first < first && r_[i].last > last && n_ == capacity)
            return false;
    Range out[capacity];
    unsigned m = 0;
    for (unsigned i = 0; i < n_; ++i) {
        const Range& r = r_[i];
        if (r.last < first || r.first > last) {
            out[m++] = r;
            continue;
        }
        if (r.first < first)
            out[m++] = Range{r.first, first - 1};
        if (r.last > last)
            out[m++] = Range{last + 1, r.last};
    }
    for (unsigned i = 0; i < m; ++i)
        r_[i] = out[i];
    n_ = m;
    return true;
}

bool Rangeset::contains(uint64_t first, uint64_t last) const
{
    // Ranges are merged, so a contained interval lies within a single one.
    for (unsigned i = 0; i < n_; ++i)
        if (r_[i].first <= first && last <= r_[i].last)
            return true;
    return false;
}

bool Rangeset::overlaps(uint64_t first, uint64_t last) const
{
    for (unsigned i = 0; i < n_; ++i)
        if (r_[i].first <= last && first <= r_[i].last)
            return true;
    return false;
}
