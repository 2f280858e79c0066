// The toolstack's Hypercalls (tools/lib/domain_builder/hypercalls.hpp) in
// the dom0 kernel: real hypercalls through guest-abi's stubs. A foreign
// frame is mapped over one page of a pool of windows in the kernel's image
// (update_va_mapping_otherdomain, the owner being the foreign domain) and
// unmapped by putting the window's own frame back. The pool is large
// enough for two long-lived rings (console and store) of every domain the
// toolstack runs plus the builder's short-lived mappings.
#pragma once
#include <cstdint>

#include "tools/lib/domain_builder/hypercalls.hpp"

namespace dom0 {

class Dom0_hypercalls final : public toolstack::Hypercalls {
public:
    static constexpr unsigned nr_windows = 640;

    int domctl(xen_domctl& op, void* buffer, size_t buffer_len) override;
    long populate_physmap(xen_memory_reservation& r, xen_pfn_t* extents) override;
    int mmuext_op(const struct mmuext_op* ops, unsigned count, domid_t foreigndom) override;
    int evtchn_alloc_unbound(struct evtchn_alloc_unbound& op) override;
    int grant_setup_table(gnttab_setup_table& op, xen_pfn_t* frames) override;
    int map_foreign(domid_t dom, xen_pfn_t mfn, void*& out) override;
    void unmap_foreign(void* page) override;
    int sysctl(struct xen_sysctl& op, void* buffer, size_t buffer_len) override;
    int evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
                                evtchn_port_t& local) override;
    int evtchn_close(evtchn_port_t port) override;
    int evtchn_send(evtchn_port_t port) override;
    int remote_shutdown(domid_t dom, unsigned reason) override;

    unsigned windows_in_use() const { return in_use_; }

private:
    bool busy_[nr_windows] = {};
    unsigned in_use_ = 0;
    unsigned next_ = 0; // where the search for a free window starts
};

} // namespace dom0
