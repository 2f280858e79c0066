// XEN_DOMCTL_createdomain, destroydomain and max_vcpus. A domain is made
// only through arch::pv_domain_create, as dom0 is; it starts paused by its
// controller, with its vCPUs (all of them: max_vcpus only confirms the
// count) and without memory (max_mem, then the builder).
#include "arch/x86_32/include/pv_domain.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/domain/domain_kill.hpp"
#include "hypervisor/domain/domctl.hpp"
#include "hypervisor/domain/domctl_rules.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

// The last id given (Xen's domid_last): the next search starts after it.
// Changed under domctl_lock.
uint16_t last_domid = 0;

bool id_in_use(uint16_t id, void*) { return domain_id_in_use(id); }

} // namespace

long domctl_createdomain(Domctl& c)
{
    // Xen takes the id before it looks at the request.
    uint16_t id = domid_choose(c.op.domain, last_domid, id_in_use, nullptr);
    if (id == DOMID_INVALID)
        return -XEN_EEXIST;
    Createdomain_limits lim;
    if (long rc = createdomain_check(c.op.u.createdomain, Domain::max_vcpus, lim))
        return rc;
    arch::Pv_domain_config cfg;
    cfg.core.max_vcpus = lim.max_vcpus;
    cfg.core.max_evtchn_port = lim.max_evtchn_port;
    cfg.grant.max_frames = lim.max_grant_frames;
    cfg.grant.max_maptrack_frames = lim.max_maptrack_frames;
    cfg.grant.max_version = lim.max_grant_version;
    cfg.handle = c.op.u.createdomain.handle;
    cfg.emulation_flags = c.op.u.createdomain.arch.emulation_flags;
    int err;
    if (!arch::pv_domain_create(id, cfg, err))
        return err;
    if (c.op.domain == 0 || c.op.domain >= DOMID_FIRST_RESERVED)
        last_domid = id;
    c.op.domain = id;
    c.copyback = true;
    return 0;
}

long domctl_destroydomain(Domctl& c)
{
    long rc = domain_kill(c.caller, *c.d);
    if (rc == -XEN_ERESTART)
        return domctl_retry(c);
    return rc;
}

// Xen: the count must be the one createdomain was given; the vCPUs exist
// already (Xen makes them here).
long domctl_max_vcpus(Domctl& c)
{
    if (c.d == c.caller.domain || c.op.u.max_vcpus.max != c.d->nr_vcpus)
        return -XEN_EINVAL;
    return 0;
}
