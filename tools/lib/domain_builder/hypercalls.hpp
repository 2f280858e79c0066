// What the domain builder needs of the hypervisor, as one abstract class the
// host of the library implements: the dom0 kernel with hypercall stubs, a
// Linux program through privcmd, the unit tests with a fake. Every call
// returns 0 (or a count, where Xen's does) or a negative Xen errno
// (public/errno.h).
//
// The library never writes a guest handle: the public structs carry handles
// as 32-bit guest addresses (public/arch-x86/xen.h), which a 64-bit host
// pointer does not fit. Calls that point at a buffer take it as a separate
// argument and the implementation stores its address (or a bounce buffer's,
// as libxc's hypercall buffers) in the handle field.
#pragma once
#include <cstddef>
#include <cstdint>

#include <public/domctl.h>
#include <public/sysctl.h>

#include <public/errno.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>

namespace toolstack {

class Hypercalls {
public:
    // HYPERVISOR_domctl. buffer: what the operation's handle points at
    // (setvcpucontext: a vcpu_guest_context), nullptr for the others.
    [[nodiscard]] virtual int domctl(xen_domctl& op, void* buffer, size_t buffer_len) = 0;

    // HYPERVISOR_memory_op(XENMEM_populate_physmap): r.extent_start is
    // 'extents' (IN gpfns, OUT the frames now backing them). Returns the
    // number of extents done, or a negative errno.
    [[nodiscard]] virtual long populate_physmap(xen_memory_reservation& r, xen_pfn_t* extents) = 0;

    // HYPERVISOR_mmuext_op(ops, count, &done, foreigndom).
    [[nodiscard]] virtual int mmuext_op(const struct mmuext_op* ops, unsigned count,
                                        domid_t foreigndom) = 0;

    // HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound); fills op.port.
    [[nodiscard]] virtual int evtchn_alloc_unbound(struct evtchn_alloc_unbound& op) = 0;

    // HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &op, 1): op.frame_list
    // is 'frames' (op.nr_frames entries, OUT). The hypercall's result; the
    // operation's own in op.status (GNTST_*).
    [[nodiscard]] virtual int grant_setup_table(gnttab_setup_table& op, xen_pfn_t* frames) = 0;

    // Maps machine frame mfn of domain dom writable into the caller's
    // address space (a real dom0: mmu_update of one of its own PTEs with
    // foreigndom = dom); out is the page's address. unmap_foreign undoes it.
    [[nodiscard]] virtual int map_foreign(domid_t dom, xen_pfn_t mfn, void*& out) = 0;
    virtual void unmap_foreign(void* page) = 0;

    // What the rest of the toolstack needs (domain management, the store,
    // consoles). An implementation without them answers -XEN_ENOSYS.
    // HYPERVISOR_sysctl. buffer: what the operation's handle points at
    // (getdomaininfolist: xen_domctl_getdomaininfo_t entries; readconsole:
    // the text), nullptr for the others.
    [[nodiscard]] virtual int sysctl(struct xen_sysctl& op, void* buffer, size_t buffer_len)
    {
        (void)op, (void)buffer, (void)buffer_len;
        return -XEN_ENOSYS;
    }
    // EVTCHNOP_bind_interdomain; local is the new port.
    [[nodiscard]] virtual int evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
                                                      evtchn_port_t& local)
    {
        (void)remote_dom, (void)remote_port, (void)local;
        return -XEN_ENOSYS;
    }
    virtual int evtchn_close(evtchn_port_t port)
    {
        (void)port;
        return -XEN_ENOSYS;
    }
    virtual int evtchn_send(evtchn_port_t port)
    {
        (void)port;
        return -XEN_ENOSYS;
    }
    // SCHEDOP_remote_shutdown(dom, reason).
    [[nodiscard]] virtual int remote_shutdown(domid_t dom, unsigned reason)
    {
        (void)dom, (void)reason;
        return -XEN_ENOSYS;
    }

protected:
    ~Hypercalls() = default;
};

// One foreign frame mapped for the lifetime of the object (map in the
// constructor, unmap in the destructor). ok() is false, with the errno in
// rc(), when the mapping was refused.
class Foreign_page {
public:
    Foreign_page(Hypercalls& hc, domid_t dom, xen_pfn_t mfn) : hc_(hc)
    {
        rc_ = hc_.map_foreign(dom, mfn, page_);
        if (rc_ != 0)
            page_ = nullptr;
        else if (!page_)
            rc_ = -XEN_EFAULT; // "mapped" at no address
    }
    ~Foreign_page()
    {
        if (page_)
            hc_.unmap_foreign(page_);
    }
    Foreign_page(const Foreign_page&) = delete;
    Foreign_page& operator=(const Foreign_page&) = delete;

    bool ok() const { return page_ != nullptr; }
    int rc() const { return rc_; }
    uint8_t* bytes() const { return static_cast<uint8_t*>(page_); }
    template <class T> T* as() const { return static_cast<T*>(page_); }

private:
    Hypercalls& hc_;
    void* page_ = nullptr;
    int rc_ = 0;
};

} // namespace toolstack
