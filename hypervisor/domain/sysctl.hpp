// sysctl (35): the machine-information commands (sysctl_info.cpp), called
// by the dispatcher (sysctl.cpp) with the op copied in; 'arg' is where the
// op lies in the caller. Each fills its part of the op (copied back on 0).
#pragma once
#include <cstdint>

#include "public/sysctl.h"

long sysctl_physinfo(xen_sysctl_physinfo& pi);
long sysctl_cputopoinfo(xen_sysctl_cputopoinfo& ti, uint32_t arg);
long sysctl_numainfo(xen_sysctl_numainfo& ni, uint32_t arg);
