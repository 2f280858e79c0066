// The timing both benchmark programs use (the bare-metal native floor and
// the PV guest): per-operation TSC cycles, the smallest mean over several
// rounds of a loop, so that a round disturbed by the host counts for nothing.
#pragma once
#include <cstdint>

namespace bench {

constexpr unsigned iterations = 2000, rounds = 5;

inline uint64_t rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t{hi} << 32) | lo;
}

template <typename F>
uint32_t best(F body, unsigned n = iterations)
{
    uint64_t best_total = ~0ull;
    for (unsigned r = 0; r < rounds; ++r) {
        uint64_t t0 = rdtsc();
        for (unsigned i = 0; i < n; ++i)
            body();
        uint64_t t = rdtsc() - t0;
        if (t < best_total)
            best_total = t;
    }
    return static_cast<uint32_t>(best_total / n);
}

} // namespace bench
