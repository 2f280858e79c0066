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
