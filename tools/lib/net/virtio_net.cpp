#include "tools/lib/net/virtio_net.hpp"

namespace net {

namespace vl = virtio_legacy;

namespace {

// Within each 2048-byte buffer: the header, then the frame at a 16-byte
// boundary. Receive buffers take a VLAN-tagged frame (1518 bytes), as
// Linux's virtio_net GOOD_PACKET_LEN.
constexpr size_t data_offset = 16;
constexpr uint32_t rx_frame_max = 1518;
constexpr size_t eth_header = 14;
static_assert(data_offset + rx_frame_max <= Virtio_net::buffer_bytes);
static_assert(page_size % Virtio_net::buffer_bytes == 0);

uint16_t head_of(uint16_t buffer)
{
    return static_cast<uint16_t>(2 * buffer);
}

} // namespace

const char* Virtio_net::err_text(Err e)
{
    switch (e) {
    case Err::none: return "no error";
    case Err::bad_io_base: return "I/O BAR outside the port space";
    case Err::no_queue: return "queue size not a power of two in 1..1024";
    case Err::no_memory: return "no DMA memory for the rings or buffers";
    case Err::no_mac: return "device offers no MAC address (VIRTIO_NET_F_MAC)";
    }
    return "unknown error";
}

Virtio_net::Err Virtio_net::init(Port_io& io, uint16_t io_base, Dma_memory& dma)
{
    io_ = &io;
    base_ = io_base;
    ready_ = false;
    failed_ = false;
    tx_next_ = 0;
    dropped_ = 0;
    if (io_base == 0 || uint32_t{io_base} + vl::bar_bytes > 0x10000u) {
        io_ = nullptr;
        return Err::bad_io_base;
    }
    // Reset, then ACKNOWLEDGE and DRIVER (virtio 1.0 §3.1.1; the legacy
    // sequence has no FEATURES_OK).
    out8(vl::device_status, 0);
    out8(vl::device_status, vl::status_acknowledge);
    out8(vl::device_status, vl::status_acknowledge | vl::status_driver);
    const uint32_t offered = io.in32(static_cast<uint16_t>(base_ + vl::device_features));
    if ((offered & vl::net_f_mac) == 0) {
        give_up();
        return Err::no_mac;
    }
    io.out32(static_cast<uint16_t>(base_ + vl::guest_features), vl::net_f_mac);
    for (unsigned i = 0; i < 6; ++i)
        mac_.b[i] = in8(static_cast<uint16_t>(vl::config + i));
    Err e = setup_queue(vl::rx_queue, rx_, dma);
    if (e == Err::none)
        e = setup_queue(vl::tx_queue, tx_, dma);
    if (e != Err::none) {
        give_up();
        return e;
    }
    out8(vl::device_status, vl::status_acknowledge | vl::status_driver | vl::status_driver_ok);
    ready_ = true;
    // After DRIVER_OK: QEMU accepts frames only from then on, and the kick
    // makes it deliver what it queued meanwhile.
    for (uint16_t i = 0; i < rx_.nr; ++i)
        post_rx(i);
    kick(rx_, vl::rx_queue);
    return Err::none;
}

Virtio_net::Err Virtio_net::setup_queue(uint16_t index, Queue& q, Dma_memory& dma)
{
    q = Queue{}; // a second init starts from nothing the device held
    io_->out16(static_cast<uint16_t>(base_ + vl::queue_select), index);
    const uint16_t size = io_->in16(static_cast<uint16_t>(base_ + vl::queue_size));
    if (!Virtqueue::valid_size(size) || size < 2)
        return Err::no_queue;
    const size_t pages = (Virtqueue::ring_bytes(size) + page_size - 1) / page_size;
    Dma_region ring;
    if (!dma.alloc(pages, ring) || (ring.ma >> 12) > 0xFFFFFFFFu || !q.vq.init(size, ring))
        return Err::no_memory;
    q.nr = static_cast<uint16_t>(size / 2 < max_buffers ? size / 2 : max_buffers);
    constexpr size_t per_page = page_size / buffer_bytes;
    for (uint16_t i = 0; i < q.nr; i += per_page) {
        Dma_region page;
        if (!dma.alloc(1, page))
            return Err::no_memory;
        for (size_t k = 0; k < per_page && i + k < q.nr; ++k) {
            q.buf[i + k].va = page.va + k * buffer_bytes;
            q.buf[i + k].ma = page.ma + k * buffer_bytes;
        }
    }
    io_->out32(static_cast<uint16_t>(base_ + vl::queue_pfn), static_cast<uint32_t>(ring.ma >> 12));
    return Err::none;
}

void Virtio_net::post_rx(uint16_t i)
{
    const uint16_t h = head_of(i);
    const Dma_region& b = rx_.buf[i];
    rx_.vq.set_desc(h, b.ma, vl::net_hdr_bytes, vring::desc_next | vring::desc_write,
                    static_cast<uint16_t>(h + 1));
    rx_.vq.set_desc(static_cast<uint16_t>(h + 1), b.ma + data_offset, rx_frame_max,
                    vring::desc_write, 0);
    rx_.device_has[i] = true;
    rx_.vq.publish(h);
}

void Virtio_net::kick(Queue& q, uint16_t index)
{
    if (q.vq.wants_kick())
        io_->out16(static_cast<uint16_t>(base_ + vl::queue_notify), index);
}

int Virtio_net::claim(Queue& q, uint32_t id)
{
    if (id >= 2u * q.nr || (id & 1) != 0 || !q.device_has[id / 2]) {
        ++dropped_;
        return -1;
    }
    q.device_has[id / 2] = false;
    return static_cast<int>(id / 2);
}

void Virtio_net::reclaim_tx()
{
    uint32_t id = 0, len = 0;
    for (uint16_t n = 0; n < tx_.vq.size() && tx_.vq.next_used(id, len); ++n)
        (void)claim(tx_, id); // the length the device reports for tx is of no use
}

bool Virtio_net::send(const uint8_t* frame, size_t len)
{
    if (!ready_ || frame == nullptr || len < eth_header || len > frame_max)
        return false;
    reclaim_tx();
    uint16_t i = 0;
    bool found = false;
    for (uint16_t k = 0; k < tx_.nr && !found; ++k) {
        i = static_cast<uint16_t>((tx_next_ + k) % tx_.nr);
        found = !tx_.device_has[i];
    }
    if (!found)
        return false;
    tx_next_ = static_cast<uint16_t>((i + 1) % tx_.nr);
    const Dma_region& b = tx_.buf[i];
    __builtin_memset(b.va, 0, vl::net_hdr_bytes); // no checksum offload, no GSO
    __builtin_memcpy(b.va + data_offset, frame, len);
    const uint16_t h = head_of(i);
    tx_.vq.set_desc(h, b.ma, vl::net_hdr_bytes, vring::desc_next, static_cast<uint16_t>(h + 1));
    tx_.vq.set_desc(static_cast<uint16_t>(h + 1), b.ma + data_offset, static_cast<uint32_t>(len), 0,
                    0);
    tx_.device_has[i] = true;
    tx_.vq.publish(h);
    kick(tx_, vl::tx_queue);
    return true;
}

size_t Virtio_net::poll(Frame_sink& sink)
{
    if (!ready_)
        return 0;
    reclaim_tx();
    size_t frames = 0;
    // Buffers go back to the device after the batch, so a device that
    // returns one buffer twice in a batch sees the second dropped.
    uint16_t done[max_buffers];
    uint16_t nr_done = 0;
    uint32_t id = 0, len = 0;
    // Bounded: a device that keeps advancing its index cannot hold us here.
    for (uint16_t n = 0; n < rx_.vq.size() && rx_.vq.next_used(id, len); ++n) {
        const int i = claim(rx_, id);
        if (i < 0)
            continue;
        const auto bi = static_cast<uint16_t>(i);
        done[nr_done++] = bi; // claim() succeeds once per buffer held: <= nr
        if (len < vl::net_hdr_bytes + eth_header || len - vl::net_hdr_bytes > rx_frame_max) {
            ++dropped_;
            continue;
        }
        sink.frame(rx_.buf[bi].va + data_offset, len - vl::net_hdr_bytes);
        ++frames;
    }
    for (uint16_t k = 0; k < nr_done; ++k)
        post_rx(done[k]);
    if (nr_done)
        kick(rx_, vl::rx_queue);
    if (rx_.vq.broken() || tx_.vq.broken())
        give_up();
    return frames;
}

uint8_t Virtio_net::ack_interrupt()
{
    if (io_ == nullptr)
        return 0;
    return in8(vl::isr_status);
}

void Virtio_net::give_up()
{
    out8(vl::device_status, static_cast<uint8_t>(in8(vl::device_status) | vl::status_failed));
    ready_ = false;
    failed_ = true;
}

} // namespace net
