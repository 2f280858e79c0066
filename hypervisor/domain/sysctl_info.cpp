// XEN_SYSCTL_physinfo, cputopoinfo and numainfo (xen/common/sysctl.c), over
// the machine's facts (arch/x86_32/include/machine_info.hpp): every CPU id
// up to the last is present and online, and there is one NUMA node.
#include "arch/x86_32/include/machine_info.hpp"
#include "hypervisor/domain/domctl.hpp"
#include "hypervisor/domain/sysctl.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

// Node distances as ACPI SLIT gives them: 10 is a node to itself.
constexpr uint32_t local_distance = 10;
constexpr uint32_t nr_nodes = 1;

} // namespace

long sysctl_physinfo(xen_sysctl_physinfo& pi)
{
    __builtin_memset(&pi, 0, sizeof pi);
    arch::machine_physinfo(pi);
    pi.nr_nodes = nr_nodes;
    pi.max_node_id = nr_nodes - 1;
    pi.capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                      XEN_SYSCTL_PHYSCAP_gnttab_v2;
    return 0;
}

// A null handle asks for the count; otherwise the entries that fit, and
// the count wanted when it is not the one given.
long sysctl_cputopoinfo(xen_sysctl_cputopoinfo& ti)
{
    uint32_t n = arch::machine_cpu_count();
    uint32_t ptr;
    if (!ctl_pointer(ti.cputopo, ptr))
        return -XEN_EFAULT;
    if (ptr) {
        uint32_t fit = n < ti.num_cpus ? n : ti.num_cpus;
        for (uint32_t i = 0; i < fit; ++i) {
            xen_sysctl_cputopo t{};
            arch::machine_cpu_topology(i, t.core, t.socket);
            t.node = 0;
            if (!copy_to_guest(ptr + i * uint32_t{sizeof t}, t))
                return -XEN_EFAULT;
        }
        n = fit;
    }
    ti.num_cpus = n;
    return 0;
}

long sysctl_numainfo(xen_sysctl_numainfo& ni)
{
    uint32_t mem, dist;
    if (!ctl_pointer(ni.meminfo, mem) || !ctl_pointer(ni.distance, dist))
        return -XEN_EFAULT;
    uint32_t n = nr_nodes;
    if (mem || dist) {
        n = n < ni.num_nodes ? n : ni.num_nodes;
        for (uint32_t i = 0; i < n; ++i) {
            xen_sysctl_meminfo m{};
            uint64_t size, free;
            arch::machine_node_memory(size, free);
            m.memsize = size;
            m.memfree = free;
            if (mem && !copy_to_guest(mem + i * uint32_t{sizeof m}, m))
                return -XEN_EFAULT;
            if (dist && !copy_to_guest(dist + i * n * 4, local_distance))
                return -XEN_EFAULT;
        }
    }
    ni.num_nodes = n;
    return 0;
}
