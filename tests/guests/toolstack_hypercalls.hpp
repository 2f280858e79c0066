// The domain builder's Hypercalls interface (tools/lib/domain_builder) for
// a test dom0 kernel: real hypercalls through guest-abi's stubs. A foreign
// frame is mapped over one of a few scratch pages of the image with
// update_va_mapping_otherdomain (the page-table owner being the domU) and
// unmapped by putting the page's own frame back.
#pragma once
#include "tools/lib/domain_builder/hypercalls.hpp"

class Guest_hypercalls final : public toolstack::Hypercalls {
public:
    static constexpr int nr_windows = 8;

    int domctl(xen_domctl& op, void* buffer, size_t buffer_len) override;
    long populate_physmap(xen_memory_reservation& r, xen_pfn_t* extents) override;
    int mmuext_op(const struct mmuext_op* ops, unsigned count, domid_t foreigndom) override;
    int evtchn_alloc_unbound(struct evtchn_alloc_unbound& op) override;
    int grant_setup_table(gnttab_setup_table& op, xen_pfn_t* frames) override;
    int map_foreign(domid_t dom, xen_pfn_t mfn, void*& out) override;
    void unmap_foreign(void* page) override;

private:
    bool busy_[nr_windows] = {};
};
