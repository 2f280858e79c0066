// A domctl or sysctl request of one command, at the interface version of
// include/public/domctl.h and sysctl.h, for test kernels to fill in.
#pragma once
#include "public/domctl.h"
#include "public/sysctl.h"

inline xen_domctl_t domctl_op(uint32_t cmd, domid_t dom)
{
    xen_domctl_t op{};
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = dom;
    return op;
}

inline xen_sysctl_t sysctl_op(uint32_t cmd)
{
    xen_sysctl_t op{};
    op.cmd = cmd;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return op;
}

// XEN_DOMCTL_setvcpuaffinity: vCPU 'vcpu' of 'dom' to the hard mask of 8
// CPUs at guest address 'map' (kept by the caller until the call).
inline xen_domctl_t hard_affinity_op(domid_t dom, uint32_t vcpu, uint32_t map)
{
    xen_domctl_t op = domctl_op(XEN_DOMCTL_setvcpuaffinity, dom);
    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    op.u.vcpuaffinity.cpumap_hard.bitmap = map;
    op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    return op;
}
