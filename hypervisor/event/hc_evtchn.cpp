// event_channel_op (and the pre-3.0.2 event_channel_op_compat): copies the
// sub-op's struct in, runs the evtchn core on it, copies OUT fields back.
// bind_pirq routes a physical interrupt (hypervisor/event/pirq.hpp). The
// FIFO ABI is not offered: its ops answer as a Xen built without
// CONFIG_EVTCHN_FIFO does (init_control and expand_array -EOPNOTSUPP,
// set_priority -EINVAL for a bad port, else -ENOSYS as for the 2-level ABI),
// so guests stay on the 2-level ABI.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "public/event_channel.h"

namespace {

// One sub-op on a struct already in hypervisor memory; 'out' says whether
// the struct carries results to copy back.
long run(Domain& d, uint32_t cmd, evtchn_op_t& op, bool& out)
{
    out = false;
    auto& u = op.u;
    switch (cmd) {
    case EVTCHNOP_alloc_unbound: out = true; return evtchn::alloc_unbound(d, u.alloc_unbound);
    case EVTCHNOP_bind_interdomain: out = true; return evtchn::bind_interdomain(d, u.bind_interdomain);
    case EVTCHNOP_bind_virq: out = true; return evtchn::bind_virq(d, u.bind_virq);
    case EVTCHNOP_bind_ipi: out = true; return evtchn::bind_ipi(d, u.bind_ipi);
    case EVTCHNOP_bind_pirq: out = true; return evtchn::bind_pirq(d, u.bind_pirq);
    case EVTCHNOP_status: out = true; return evtchn::status(d, u.status);
    case EVTCHNOP_close: return evtchn::close(d, u.close.port);
    case EVTCHNOP_send: return evtchn::send(d, u.send.port);
    case EVTCHNOP_bind_vcpu: return evtchn::bind_vcpu(d, u.bind_vcpu.port, u.bind_vcpu.vcpu);
    case EVTCHNOP_unmask: return evtchn::unmask(d, u.unmask.port);
    case EVTCHNOP_reset: {
        evtchn_reset_t r;
        __builtin_memcpy(&r, &u, sizeof r);
        return evtchn::reset(d, r.dom);
    }
    case EVTCHNOP_init_control:
    case EVTCHNOP_expand_array: return -XEN_EOPNOTSUPP;
    case EVTCHNOP_set_priority: {
        evtchn_set_priority_t p;
        __builtin_memcpy(&p, &u, sizeof p);
        return p.port > d.evtchn.max_port || p.port >= Evtchn_table::nr_ports ? -XEN_EINVAL : -XEN_ENOSYS;
    }
    default: return -XEN_ENOSYS;
    }
}

// Size of each sub-op's argument struct; 0 for sub-ops not implemented.
uint32_t arg_size(uint32_t cmd)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound: return sizeof(evtchn_alloc_unbound_t);
    case EVTCHNOP_bind_interdomain: return sizeof(evtchn_bind_interdomain_t);
    case EVTCHNOP_bind_virq: return sizeof(evtchn_bind_virq_t);
    case EVTCHNOP_bind_ipi: return sizeof(evtchn_bind_ipi_t);
    case EVTCHNOP_bind_pirq: return sizeof(evtchn_bind_pirq_t);
    case EVTCHNOP_status: return sizeof(evtchn_status_t);
    case EVTCHNOP_close: return sizeof(evtchn_close_t);
    case EVTCHNOP_send: return sizeof(evtchn_send_t);
    case EVTCHNOP_bind_vcpu: return sizeof(evtchn_bind_vcpu_t);
    case EVTCHNOP_unmask: return sizeof(evtchn_unmask_t);
    case EVTCHNOP_reset: return sizeof(evtchn_reset_t);
    case EVTCHNOP_init_control: return sizeof(evtchn_init_control_t);
    case EVTCHNOP_expand_array: return sizeof(evtchn_expand_array_t);
    case EVTCHNOP_set_priority: return sizeof(evtchn_set_priority_t);
    default: return 0;
    }
}

} // namespace

long do_event_channel_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], arg = a.a[1];
    // A notification, the call every split driver makes per request: its
    // one word read inline, no union to clear and copy.
    if (cmd == EVTCHNOP_send) {
        evtchn_send_t s;
        if (!copy_from_guest(s, arg))
            return -XEN_EFAULT;
        return evtchn::send(*v.domain, s.port);
    }
    uint32_t size = arg_size(cmd);
    if (size == 0)
        return -XEN_ENOSYS;
    evtchn_op_t op{};
    if (!copy_bytes_from_guest(&op.u, arg, size))
        return -XEN_EFAULT;
    bool out = false;
    long rc = run(*v.domain, cmd, op, out);
    if (rc == 0 && out && !copy_bytes_to_guest(arg, &op.u, size))
        return -XEN_EFAULT;
    return rc;
}

long do_event_channel_op_compat(Vcpu& v, const Hypercall_args& a)
{
    evtchn_op_t op;
    if (!copy_from_guest(op, a.a[0]))
        return -XEN_EFAULT;
    if (arg_size(op.cmd) == 0)
        return -XEN_ENOSYS;
    bool out = false;
    long rc = run(*v.domain, op.cmd, op, out);
    if (rc == 0 && out && !copy_to_guest(a.a[0], op))
        return -XEN_EFAULT;
    return rc;
}
