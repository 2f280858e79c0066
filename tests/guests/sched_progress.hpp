// What a scheduler test domU (domu_hog.cpp) reports to the test dom0
// (sched_launch.cpp): a record at the start of its xenstore ring page,
// which no store serves in these tests; dom0 maps that frame
// (Build_result::store_mfn) read-only through a foreign mapping.
#pragma once
#include <cstdint>

struct Sched_progress {
    static constexpr uint32_t magic_value = 0x31474F48; // "HOG1"
    uint32_t magic;  // set once the domU runs its mode
    uint32_t wakes;  // sleeper: wake-ups seen (written after wake_ns)
    uint64_t spins;  // hog: loop iterations so far
    uint64_t wake_ns; // sleeper: system time of the latest wake-up
};
