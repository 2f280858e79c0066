// One split virtqueue in the legacy layout (virtio 1.0 §2.4 and §4.1.5.1.3
// "Legacy Interfaces": descriptor table, then the available ring, then the
// used ring at the next 4096-byte boundary, all in one machine-contiguous
// run whose page frame number the device is given).
//
// The device is not trusted: the driver never reads back its own
// descriptors, and a used element is only returned after the caller's
// check (see next_used); a used index that claims more than the queue
// holds marks the queue broken for good.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/net/device_io.hpp"

namespace net {

namespace vring {
constexpr uint16_t desc_next = 1;      // VRING_DESC_F_NEXT
constexpr uint16_t desc_write = 2;     // VRING_DESC_F_WRITE (device writes)
constexpr uint16_t used_no_notify = 1; // VRING_USED_F_NO_NOTIFY
constexpr size_t align = 4096;         // VIRTIO_PCI_VRING_ALIGN (legacy)
} // namespace vring

class Virtqueue {
public:
    static constexpr uint16_t max_size = 1024;

    // Bytes of the legacy layout for size entries (size 256: 10246, three pages).
    static size_t ring_bytes(uint16_t size);
    static bool valid_size(uint16_t size)
    {
        return size != 0 && size <= max_size && (size & (size - 1)) == 0;
    }

    // Lays the rings over 'ring' (ring_bytes(size) of zeroed DMA memory).
    [[nodiscard]] bool init(uint16_t size, Dma_region ring);
    uint16_t size() const { return size_; }
    uint64_t ring_ma() const { return ring_.ma; }

    void set_desc(uint16_t i, uint64_t ma, uint32_t len, uint16_t flags, uint16_t next);
    // Offers the chain starting at 'head' to the device.
    void publish(uint16_t head);
    // After publish: whether the device asked to be notified.
    bool wants_kick() const;

    // The next used element the device returned (id, len as it wrote them;
    // the caller validates both); false when there is none or the queue is
    // broken.
    bool next_used(uint32_t& id, uint32_t& len);
    bool broken() const { return broken_; }

private:
    volatile uint16_t* avail_flags() const;
    volatile uint16_t* avail_idx() const;
    volatile uint16_t* avail_ring() const;
    volatile uint16_t* used_flags() const;
    volatile uint16_t* used_idx() const;
    volatile uint32_t* used_ring() const; // pairs of (id, len)

    Dma_region ring_;
    size_t used_offset_ = 0;
    uint16_t size_ = 0;
    uint16_t avail_next_ = 0; // our copy of avail->idx
    uint16_t used_seen_ = 0;  // used->idx we have consumed up to
    bool broken_ = false;
};

} // namespace net
