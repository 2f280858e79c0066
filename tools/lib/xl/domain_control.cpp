#include "tools/lib/xl/domain_control.hpp"

#include "tools/lib/xenstore/local_client.hpp"

namespace xl {

xen_domctl make_domctl(uint32_t cmd, domid_t dom)
{
    xen_domctl op{};
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = dom;
    return op;
}

bool pause_domain(Toolstack& ts, domid_t id, bool pause, Text& err)
{
    xen_domctl op = make_domctl(pause ? XEN_DOMCTL_pausedomain : XEN_DOMCTL_unpausedomain, id);
    if (ts.hypercalls().domctl(op, nullptr, 0) == 0)
        return true;
    err.put(pause ? "libxl: error: pausing the domain failed"
                  : "libxl: error: unpausing the domain failed");
    return false;
}

bool set_vcpus(Toolstack& ts, Domain& d, uint64_t n, Text& err)
{
    uint32_t max = d.spec.maxvcpus > d.spec.vcpus ? d.spec.maxvcpus : d.spec.vcpus;
    if (n == 0) {
        err.put("Usage: xl vcpu-set <domain> <vCPUs>");
        return false;
    }
    if (n > max) {
        err.put("You cannot set vcpus greater than the domain's maximum (").put_u64(max).put(")");
        return false;
    }
    // The PV protocol: the guest watches cpu/<n>/availability.
    xs::Local_client c(ts.store());
    for (uint32_t v = 0; v < max; ++v) {
        Text path(ts.alloc());
        path.put("/local/domain/").put_u64(d.domid).put("/cpu/").put_u64(v).put("/availability");
        (void)c.write(path.str(), v < n ? "online" : "offline");
    }
    (void)ts.store().poll();
    return true;
}

bool set_memory_target(Toolstack& ts, Domain& d, uint64_t kib, Text& err)
{
    // The balloon protocol: the guest watches memory/target (KiB).
    Text path(ts.alloc()), value(ts.alloc());
    path.put("/local/domain/").put_u64(d.domid).put("/memory/target");
    value.put_u64(kib);
    xs::Local_client c(ts.store());
    bool ok = c.write(path.str(), value.str()) == xs::Err::none;
    (void)ts.store().poll();
    if (!ok)
        err.put("libxl: error: writing memory/target failed");
    return ok;
}

bool get_credit(Toolstack& ts, domid_t id, Credit& out)
{
    xen_domctl op = make_domctl(XEN_DOMCTL_scheduler_op, id);
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    if (ts.hypercalls().domctl(op, nullptr, 0) != 0)
        return false;
    out.weight = op.u.scheduler_op.u.credit.weight;
    out.cap = op.u.scheduler_op.u.credit.cap;
    return true;
}

bool set_credit(Toolstack& ts, domid_t id, bool set_weight, uint32_t weight, bool set_cap,
                uint32_t cap, Text& err)
{
    xen_domctl op = make_domctl(XEN_DOMCTL_scheduler_op, id);
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    // Weight 0 and cap 0xffff leave the value as it is (Xen's credit putinfo).
    op.u.scheduler_op.u.credit.weight = static_cast<uint16_t>(set_weight ? weight : 0);
    op.u.scheduler_op.u.credit.cap = static_cast<uint16_t>(set_cap ? cap : 0xffff);
    if (ts.hypercalls().domctl(op, nullptr, 0) == 0)
        return true;
    err.put("libxl: error: setting domain sched credit failed");
    return false;
}

} // namespace xl
