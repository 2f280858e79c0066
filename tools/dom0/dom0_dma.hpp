// DMA memory for dom0's drivers: pages of dom0's own image (a BSS pool in
// the initial mapping), handed out once and never freed. One page is
// trivially contiguous: its machine address comes from the p2m
// (start_info.mfn_list). A run of several pages is made machine-contiguous
// the way Linux's xen_create_contiguous_region does: the pages' frames
// are traded for one extent with XENMEM_exchange and mapped again.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/net/device_io.hpp"

namespace dom0 {

class Dma_pool final : public net::Dma_memory {
public:
    static constexpr size_t nr_pages = 192;
    static constexpr unsigned max_order = 3; // runs of up to 8 pages

    bool alloc(size_t pages, net::Dma_region& out) override;
    size_t pages_left() const { return nr_pages - next_; }

private:
    bool make_contiguous(size_t first, unsigned order, uint32_t& mfn);
    size_t next_ = 0;
};

} // namespace dom0
