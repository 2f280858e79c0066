// Per-CPU data, reached through one accessor. (Filled in by the CPU-tables
// work; until then only the boot CPU exists.)
#pragma once
#include <cstdint>

namespace arch {

constexpr unsigned max_cpus = 64;

struct Percpu {
    Percpu* self;          // at offset 0: lets the accessor read %fs:0
    unsigned index;        // 0 = boot CPU
    uint32_t apic_id;
};

Percpu& this_cpu();

} // namespace arch
