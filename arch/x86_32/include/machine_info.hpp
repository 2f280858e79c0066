// What sysctl reports of the machine (physinfo, cputopoinfo, numainfo):
// its CPUs, their topology, memory and clock. One NUMA node.
#pragma once
#include <cstdint>

#include "public/sysctl.h"

namespace arch {

// physinfo's machine fields: CPU counts and topology of CPU 0, cpu_khz,
// total/free pages, max_mfn, hw_cap (CPUID words in Xen's featureset
// order: 1.edx, 1.ecx, e1.edx, e1.ecx, 0xd.1.eax, 7.0.ebx, 7.0.ecx, e7.edx).
void machine_physinfo(xen_sysctl_physinfo& pi);
// CPU ids run 0 .. machine_cpu_count() - 1, every one present and online.
unsigned machine_cpu_count();
// Core and socket of a CPU, from its APIC id and CPUID's topology leaves.
void machine_cpu_topology(unsigned cpu, uint32_t& core, uint32_t& socket);
// The one node's memory: all of RAM, and what is free.
void machine_node_memory(uint64_t& size, uint64_t& free);

} // namespace arch
