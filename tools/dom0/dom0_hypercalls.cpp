#include "tools/dom0/dom0_hypercalls.hpp"

#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"

namespace dom0 {
namespace {

alignas(4096) uint8_t windows[Dom0_hypercalls::nr_windows][4096];

uint32_t window_va(unsigned w) { return hc::arg(windows[w]); }

} // namespace

int Dom0_hypercalls::domctl(xen_domctl& op, void* buffer, size_t)
{
    // The handles a 32-bit guest passes: its address in the 64-bit field.
    switch (op.cmd) {
    case XEN_DOMCTL_setvcpucontext:
    case XEN_DOMCTL_getvcpucontext:
        op.u.vcpucontext.ctxt = hc::arg(buffer);
        break;
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        // buffer: the hard affinity's bitmap (no soft affinity).
        op.u.vcpuaffinity.cpumap_hard.bitmap = hc::arg(buffer);
        break;
    default:
        break;
    }
    return hc::call(__HYPERVISOR_domctl, hc::arg(&op));
}

int Dom0_hypercalls::sysctl(xen_sysctl& op, void* buffer, size_t)
{
    switch (op.cmd) {
    case XEN_SYSCTL_getdomaininfolist:
        op.u.getdomaininfolist.buffer = hc::arg(buffer);
        break;
    case XEN_SYSCTL_readconsole:
        op.u.readconsole.buffer = hc::arg(buffer);
        break;
    default:
        break;
    }
    return hc::call(__HYPERVISOR_sysctl, hc::arg(&op));
}

long Dom0_hypercalls::populate_physmap(xen_memory_reservation& r, xen_pfn_t* extents)
{
    set_xen_guest_handle(r.extent_start, extents);
    return hc::memory_op(XENMEM_populate_physmap, &r);
}

int Dom0_hypercalls::mmuext_op(const struct mmuext_op* ops, unsigned count, domid_t foreigndom)
{
    uint32_t done = 0;
    // The hypervisor only reads the requests.
    return hc::mmuext_op(const_cast<mmuext_op_t*>(ops), count, &done, foreigndom);
}

int Dom0_hypercalls::evtchn_alloc_unbound(struct evtchn_alloc_unbound& op)
{
    return hc::event_channel_op(EVTCHNOP_alloc_unbound, &op);
}

int Dom0_hypercalls::evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
                                             evtchn_port_t& local)
{
    evtchn_bind_interdomain_t op{};
    op.remote_dom = remote_dom;
    op.remote_port = remote_port;
    int rc = hc::event_channel_op(EVTCHNOP_bind_interdomain, &op);
    if (rc == 0)
        local = op.local_port;
    return rc;
}

int Dom0_hypercalls::evtchn_close(evtchn_port_t port)
{
    evtchn_close_t op{port};
    return hc::event_channel_op(EVTCHNOP_close, &op);
}

int Dom0_hypercalls::evtchn_send(evtchn_port_t port)
{
    evtchn_send_t op{port};
    return hc::event_channel_op(EVTCHNOP_send, &op);
}

int Dom0_hypercalls::remote_shutdown(domid_t dom, unsigned reason)
{
    sched_remote_shutdown_t op{dom, reason};
    return hc::sched_op(SCHEDOP_remote_shutdown, &op);
}

int Dom0_hypercalls::grant_setup_table(gnttab_setup_table& op, xen_pfn_t* frames)
{
    set_xen_guest_handle(op.frame_list, frames);
    return hc::grant_table_op(GNTTABOP_setup_table, &op, 1);
}

int Dom0_hypercalls::map_foreign(domid_t dom, xen_pfn_t mfn, void*& out)
{
    for (unsigned i = 0; i < nr_windows; ++i) {
        unsigned w = (next_ + i) % nr_windows;
        if (busy_[w])
            continue;
        uint64_t pte = (uint64_t{mfn} << 12) | pte_kernel_rw;
        int rc = hc::call(__HYPERVISOR_update_va_mapping_otherdomain, window_va(w),
                          static_cast<uint32_t>(pte), static_cast<uint32_t>(pte >> 32), UVMF_INVLPG,
                          dom);
        if (rc != 0)
            return rc;
        busy_[w] = true;
        ++in_use_;
        next_ = (w + 1) % nr_windows;
        out = windows[w];
        return 0;
    }
    return -XEN_EBUSY;
}

void Dom0_hypercalls::unmap_foreign(void* page)
{
    auto va = reinterpret_cast<uintptr_t>(page);
    auto first = reinterpret_cast<uintptr_t>(windows[0]);
    if (va < first || (va - first) % 4096 || (va - first) / 4096 >= nr_windows)
        return;
    auto w = static_cast<unsigned>((va - first) / 4096);
    if (!busy_[w])
        return;
    uint64_t own = (uint64_t{pfn_to_mfn(virt_to_pfn(windows[w]))} << 12) | pte_kernel_rw;
    int rc = hc::update_va_mapping(window_va(w), own, UVMF_INVLPG);
    if (rc != 0)
        printf("dom0: restoring window %u failed: %d\n", w, rc);
    busy_[w] = false;
    --in_use_;
}

} // namespace dom0
