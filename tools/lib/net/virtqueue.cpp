#include "tools/lib/net/virtqueue.hpp"

namespace net {

namespace {

constexpr size_t desc_bytes = 16; // le64 addr, le32 len, le16 flags, le16 next

size_t align_up(size_t v)
{
    return (v + vring::align - 1) & ~(vring::align - 1);
}
// flags, idx, ring[size] (le16 heads), used_event
size_t avail_bytes(uint16_t size)
{
    return 2 + 2 + 2u * size + 2;
}
// flags, idx, ring[size] (le32 id, le32 len), avail_event
size_t used_bytes(uint16_t size)
{
    return 2 + 2 + 8u * size + 2;
}

} // namespace

size_t Virtqueue::ring_bytes(uint16_t size)
{
    return align_up(desc_bytes * size + avail_bytes(size)) + used_bytes(size);
}

bool Virtqueue::init(uint16_t size, Dma_region ring)
{
    if (!valid_size(size) || ring.va == nullptr || (ring.ma & (vring::align - 1)) != 0)
        return false;
    size_ = size;
    ring_ = ring;
    used_offset_ = align_up(desc_bytes * size + avail_bytes(size));
    avail_next_ = 0;
    used_seen_ = 0;
    broken_ = false;
    return true;
}

volatile uint16_t* Virtqueue::avail_flags() const
{
    return reinterpret_cast<volatile uint16_t*>(ring_.va + desc_bytes * size_);
}
volatile uint16_t* Virtqueue::avail_idx() const
{
    return avail_flags() + 1;
}
volatile uint16_t* Virtqueue::avail_ring() const
{
    return avail_flags() + 2;
}
volatile uint16_t* Virtqueue::used_flags() const
{
    return reinterpret_cast<volatile uint16_t*>(ring_.va + used_offset_);
}
volatile uint16_t* Virtqueue::used_idx() const
{
    return used_flags() + 1;
}
volatile uint32_t* Virtqueue::used_ring() const
{
    return reinterpret_cast<volatile uint32_t*>(ring_.va + used_offset_ + 4);
}

void Virtqueue::set_desc(uint16_t i, uint64_t ma, uint32_t len, uint16_t flags, uint16_t next)
{
    if (i >= size_)
        return;
    uint8_t d[desc_bytes];
    __builtin_memcpy(d, &ma, 8); // x86 and the legacy interface are both little-endian
    __builtin_memcpy(d + 8, &len, 4);
    __builtin_memcpy(d + 12, &flags, 2);
    __builtin_memcpy(d + 14, &next, 2);
    volatile uint8_t* to = ring_.va + desc_bytes * i;
    for (size_t b = 0; b < desc_bytes; ++b)
        to[b] = d[b];
}

void Virtqueue::publish(uint16_t head)
{
    avail_ring()[avail_next_ & (size_ - 1)] = head;
    ++avail_next_;
    // Release: the descriptors and the ring slot are visible before the
    // index that hands them over (virtio 1.0 §3.2.1.3).
    __atomic_thread_fence(__ATOMIC_RELEASE);
    *avail_idx() = avail_next_;
}

bool Virtqueue::wants_kick() const
{
    // Full fence: our avail->idx store is ordered before reading the
    // device's flags, else a device going to sleep could miss the entry.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return (*used_flags() & vring::used_no_notify) == 0;
}

bool Virtqueue::next_used(uint32_t& id, uint32_t& len)
{
    if (broken_ || size_ == 0)
        return false;
    const uint16_t idx = *used_idx();
    const uint16_t pending = static_cast<uint16_t>(idx - used_seen_);
    if (pending == 0)
        return false;
    if (pending > size_) { // more returned than could ever be offered
        broken_ = true;
        return false;
    }
    // Acquire: the element is read only after the index that covers it.
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    const uint16_t slot = used_seen_ & (size_ - 1);
    id = used_ring()[2u * slot];
    len = used_ring()[2u * slot + 1];
    ++used_seen_;
    return true;
}

} // namespace net
