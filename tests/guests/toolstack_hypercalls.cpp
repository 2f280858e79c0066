#include "toolstack_hypercalls.hpp"

#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"

namespace {

alignas(4096) uint8_t windows[Guest_hypercalls::nr_windows][4096];

uint32_t window_va(int w) { return hc::arg(windows[w]); }

} // namespace

int Guest_hypercalls::domctl(xen_domctl& op, void* buffer, size_t)
{
    // The one operation of the builder's with a handle: a 32-bit guest
    // address in Xen's 64-bit handle field.
    if (op.cmd == XEN_DOMCTL_setvcpucontext)
        op.u.vcpucontext.ctxt = hc::arg(buffer);
    return hc::call(__HYPERVISOR_domctl, hc::arg(&op));
}

long Guest_hypercalls::populate_physmap(xen_memory_reservation& r, xen_pfn_t* extents)
{
    set_xen_guest_handle(r.extent_start, extents);
    return hc::memory_op(XENMEM_populate_physmap, &r);
}

int Guest_hypercalls::mmuext_op(const struct mmuext_op* ops, unsigned count, domid_t foreigndom)
{
    uint32_t done = 0;
    // The hypervisor only reads the requests.
    return hc::mmuext_op(const_cast<mmuext_op_t*>(ops), count, &done, foreigndom);
}

int Guest_hypercalls::evtchn_alloc_unbound(struct evtchn_alloc_unbound& op)
{
    return hc::event_channel_op(EVTCHNOP_alloc_unbound, &op);
}

int Guest_hypercalls::grant_setup_table(gnttab_setup_table& op, xen_pfn_t* frames)
{
    set_xen_guest_handle(op.frame_list, frames);
    return hc::grant_table_op(GNTTABOP_setup_table, &op, 1);
}

int Guest_hypercalls::map_foreign(domid_t dom, xen_pfn_t mfn, void*& out)
{
    for (int w = 0; w < nr_windows; ++w) {
        if (busy_[w])
            continue;
        uint64_t pte = (uint64_t{mfn} << 12) | pte_kernel_rw;
        int rc = hc::call(__HYPERVISOR_update_va_mapping_otherdomain, window_va(w),
                          static_cast<uint32_t>(pte), static_cast<uint32_t>(pte >> 32), UVMF_INVLPG,
                          dom);
        if (rc != 0)
            return rc;
        busy_[w] = true;
        out = windows[w];
        return 0;
    }
    return -XEN_EBUSY;
}

void Guest_hypercalls::unmap_foreign(void* page)
{
    for (int w = 0; w < nr_windows; ++w) {
        if (page != windows[w])
            continue;
        uint64_t own = (uint64_t{pfn_to_mfn(virt_to_pfn(windows[w]))} << 12) | pte_kernel_rw;
        int rc = hc::update_va_mapping(window_va(w), own, UVMF_INVLPG);
        if (rc != 0)
            printf("toolstack_hypercalls: restoring window %d failed: %d\n", w, rc);
        busy_[w] = false;
    }
}
