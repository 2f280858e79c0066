#include "arch/x86_32/boot/smp.hpp"
#include "arch/x86_32/cpu/cpuid_msr.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/machine_info.hpp"
#include "arch/x86_32/include/machine_memory.hpp"
#include "arch/x86_32/time/timer.hpp"
#include "hypervisor/mm/frame_alloc.hpp"
#include "hypervisor/mm/mm.hpp"

namespace arch {
namespace {

// Bits of the APIC id below the core (SMT) and below the package.
struct Apic_split {
    unsigned smt_bits = 0;
    unsigned pkg_bits = 0;
};

unsigned bits_for(uint32_t n)
{
    unsigned b = 0;
    while ((1u << b) < n)
        ++b;
    return b;
}

// CPUID leaf 0xB when there is one, else leaves 1 and 4 (logical CPUs
// and cores per package); neither: every CPU a package of its own.
Apic_split apic_split()
{
    Apic_split s;
    uint32_t max_leaf = cpuid(0).eax;
    if (max_leaf >= 0xB && cpuid(0xB, 0).ebx != 0) {
        s.smt_bits = cpuid(0xB, 0).eax & 0x1F;
        s.pkg_bits = cpuid(0xB, 1).eax & 0x1F;
        if (s.pkg_bits < s.smt_bits)
            s.pkg_bits = s.smt_bits;
        return s;
    }
    Cpuid l1 = cpuid(1);
    if (!(l1.edx & (1u << 28)))
        return s; // no HTT: one logical CPU per package
    uint32_t logical = (l1.ebx >> 16) & 0xFF;
    uint32_t cores = max_leaf >= 4 ? (cpuid(4, 0).eax >> 26) + 1 : 1;
    s.pkg_bits = bits_for(logical ? logical : 1);
    s.smt_bits = bits_for(cores && logical > cores ? logical / cores : 1);
    return s;
}

uint32_t apic_of(unsigned cpu)
{
    Percpu* p = smp_cpu(cpu);
    return p ? p->apic_id : 0;
}

} // namespace

unsigned machine_cpu_count() { return smp_online_count(); }

void machine_cpu_topology(unsigned cpu, uint32_t& core, uint32_t& socket)
{
    Apic_split s = apic_split();
    uint32_t apic = apic_of(cpu);
    core = (apic >> s.smt_bits) & ((1u << (s.pkg_bits - s.smt_bits)) - 1);
    socket = apic >> s.pkg_bits;
}

void machine_node_memory(uint64_t& size, uint64_t& free)
{
    size = machine_ram_map().total();
    free = uint64_t{frame_allocator().free_frames(Zone::any)} << page_shift;
}

void machine_physinfo(xen_sysctl_physinfo& pi)
{
    unsigned n = machine_cpu_count();
    uint32_t core0, socket0;
    machine_cpu_topology(0, core0, socket0);
    uint32_t threads = 0, in_socket = 0;
    for (unsigned c = 0; c < n; ++c) {
        uint32_t core, socket;
        machine_cpu_topology(c, core, socket);
        in_socket += socket == socket0;
        threads += socket == socket0 && core == core0;
    }
    pi.threads_per_core = threads;
    pi.cores_per_socket = in_socket / threads;
    pi.nr_cpus = n;
    pi.max_cpu_id = n - 1;
    pi.cpu_khz = static_cast<uint32_t>(tsc_hz() / 1000);
    uint64_t size, free;
    machine_node_memory(size, free);
    pi.total_pages = size >> page_shift;
    pi.free_pages = free >> page_shift;
    pi.max_mfn = max_mfn() - 1;
    uint32_t max_leaf = cpuid(0).eax, max_ext = cpuid(0x80000000u).eax;
    Cpuid l1 = cpuid(1);
    pi.hw_cap[0] = l1.edx;
    pi.hw_cap[1] = l1.ecx;
    if (max_ext >= 0x80000001u) {
        pi.hw_cap[2] = cpuid(0x80000001u).edx;
        pi.hw_cap[3] = cpuid(0x80000001u).ecx;
    }
    if (max_leaf >= 0xD)
        pi.hw_cap[4] = cpuid(0xD, 1).eax;
    if (max_leaf >= 7) {
        pi.hw_cap[5] = cpuid(7, 0).ebx;
        pi.hw_cap[6] = cpuid(7, 0).ecx;
    }
    if (max_ext >= 0x80000007u)
        pi.hw_cap[7] = cpuid(0x80000007u).edx;
}

} // namespace arch
