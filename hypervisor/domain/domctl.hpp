// domctl (36): between the dispatcher (domctl.cpp: copy in, version,
// domain, privilege, copy back) and the workers, one file per family:
// domctl_create.cpp (create, destroy, max_vcpus), domctl_state.cpp
// (pause, unpause, getdomaininfo, max_mem, handle, time offset, shadow),
// domctl_vcpu.cpp (contexts, vCPU info, affinity), domctl_sched.cpp.
// Workers validate everything before they change anything and report
// through the op (copied back when 'copyback' is set, also on failure).
#pragma once
#include <cstdint>

#include "public/domctl.h"

struct Domain;
struct Vcpu;

struct Domctl {
    Vcpu& caller;
    Domain* d;        // the target, referenced; nullptr for createdomain
    xen_domctl_t& op; // the caller's op, copied in
    uint32_t arg;     // where it lies in the caller (continuations)
    bool copyback = false;
};

// The call must be made again (the domctl lock is busy, destroydomain has
// more to do): a continuation re-issues it with the same op; inside a
// multicall, whose frame is not the call's, -EAGAIN tells the caller.
long domctl_retry(Domctl& c);

long domctl_createdomain(Domctl& c);
long domctl_destroydomain(Domctl& c);
long domctl_max_vcpus(Domctl& c);

long domctl_pausedomain(Domctl& c);
long domctl_unpausedomain(Domctl& c);
long domctl_getdomaininfo(Domctl& c);
long domctl_max_mem(Domctl& c);
long domctl_setdomainhandle(Domctl& c);
long domctl_settimeoffset(Domctl& c);
long domctl_shadow_op(Domctl& c);
long domctl_hypercall_init(Domctl& c);

long domctl_setvcpucontext(Domctl& c);
long domctl_getvcpucontext(Domctl& c);
long domctl_getvcpuinfo(Domctl& c);
long domctl_vcpuaffinity(Domctl& c);

long domctl_scheduler_op(Domctl& c);

// A control-interface handle as the caller's pointer: false when its
// high half is set (no such address in a 32-bit guest).
inline bool ctl_pointer(xen_ctl_handle_t h, uint32_t& out)
{
    out = static_cast<uint32_t>(h);
    return (h >> 32) == 0;
}

// Xen's getdomaininfo(): every field of 'out' for d (sysctl's list too).
void domain_getinfo(Domain& d, xen_domctl_getdomaininfo& out);
