// Xen errno values for the hypervisor's own code: the public list plus the
// values that only exist inside the hypervisor (EINTR, ERESTART).
#pragma once

#define XEN_ERRNO_INTERNAL
#include "public/errno.h"
