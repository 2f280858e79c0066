// sysctl (35): the machine-information commands (sysctl_info.cpp), called
// by the dispatcher (sysctl.cpp) with the op copied in. Each fills its part
// of the op (copied back on 0) and writes the caller's buffers it names.
#pragma once
#include <cstdint>

#include "public/sysctl.h"

long sysctl_physinfo(xen_sysctl_physinfo& pi);
long sysctl_cputopoinfo(xen_sysctl_cputopoinfo& ti);
long sysctl_numainfo(xen_sysctl_numainfo& ni);
