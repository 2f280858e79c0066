// TEMPORARY placeholder until branch 'teardown' brings the real
// domain_kill (drop this file at that merge).
#include "hypervisor/domain/domain_kill.hpp"

#include "hypervisor/lib/xen_errno.hpp"

long domain_kill(Vcpu&, Domain&) { return -XEN_ENOSYS; }
