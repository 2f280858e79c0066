// The legacy (transitional) virtio-net PCI device, 1af4:1000, driven
// through its I/O BAR (virtio 1.0 §4.1.4.8 "Legacy Interfaces: A Note on
// PCI Device Layout", §5.1 network device). Negotiates only VIRTIO_NET_F_MAC;
// without mergeable buffers every frame is preceded by the 10-byte
// virtio_net_hdr, which the driver puts in a descriptor of its own (the
// legacy framing rule when VIRTIO_F_ANY_LAYOUT is not negotiated).
//
// Buffer i of a queue is the descriptor pair (2i header, 2i+1 data), fixed
// for the device's lifetime, in half of one DMA page. The driver keeps its
// own record of which buffers the device holds; a used element naming
// anything else, or a length the buffer cannot hold, is dropped.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/net/device_io.hpp"
#include "tools/lib/net/nic.hpp"
#include "tools/lib/net/virtqueue.hpp"

namespace net {

namespace virtio_legacy {
// Offsets in the I/O BAR (virtio 1.0 §4.1.4.8, no MSI-X).
constexpr uint16_t device_features = 0x00; // 32
constexpr uint16_t guest_features = 0x04;  // 32
constexpr uint16_t queue_pfn = 0x08;       // 32, ring address >> 12
constexpr uint16_t queue_size = 0x0C;      // 16, read-only
constexpr uint16_t queue_select = 0x0E;    // 16
constexpr uint16_t queue_notify = 0x10;    // 16
constexpr uint16_t device_status = 0x12;   // 8
constexpr uint16_t isr_status = 0x13;      // 8, reading acknowledges
constexpr uint16_t config = 0x14;          // device-specific (net: mac[6], status)
constexpr uint16_t bar_bytes = 0x20;

constexpr uint8_t status_acknowledge = 1;
constexpr uint8_t status_driver = 2;
constexpr uint8_t status_driver_ok = 4;
constexpr uint8_t status_failed = 0x80;

constexpr uint8_t isr_queue = 1;
constexpr uint8_t isr_config = 2;

constexpr uint32_t net_f_mac = 1u << 5; // VIRTIO_NET_F_MAC
constexpr size_t net_hdr_bytes = 10;    // virtio_net_hdr without num_buffers
constexpr uint16_t rx_queue = 0;
constexpr uint16_t tx_queue = 1;
} // namespace virtio_legacy

class Virtio_net final : public Nic {
public:
    enum class Err : uint8_t {
        none,
        bad_io_base, // BAR does not fit in the 16-bit port space
        no_queue,    // queue size 0 or not a power of two, or too large
        no_memory,   // DMA memory for rings or buffers
        no_mac,      // the device does not offer VIRTIO_NET_F_MAC
    };
    static const char* err_text(Err e);

    static constexpr uint16_t max_buffers = 128; // per queue
    static constexpr size_t buffer_bytes = 2048; // two per page
    static constexpr size_t frame_max = 1514;    // mtu + Ethernet header

    // Resets and sets up the device at io_base; on any failure the device
    // is left with FAILED in its status and the driver unusable.
    [[nodiscard]] Err init(Port_io& io, uint16_t io_base, Dma_memory& dma);

    Mac mac() const override { return mac_; }
    bool send(const uint8_t* frame, size_t len) override;
    size_t poll(Frame_sink& sink) override;

    // Reads (and so acknowledges) the ISR: virtio_legacy::isr_* bits.
    uint8_t ack_interrupt();
    bool ready() const { return ready_; }
    // A queue saw an impossible used index: the device is given up.
    bool failed() const { return failed_; }
    size_t dropped() const { return dropped_; } // bad used elements seen

    // Never heap-allocated; a no-op class delete keeps the virtual
    // destructor's deleting variant from needing a global operator delete,
    // which the freestanding toolstack does not have.
    static void operator delete(void*) {}

private:
    struct Queue {
        Virtqueue vq;
        Dma_region buf[max_buffers];
        bool device_has[max_buffers] = {};
        uint16_t nr = 0; // buffers
    };

    [[nodiscard]] Err setup_queue(uint16_t index, Queue& q, Dma_memory& dma);
    void post_rx(uint16_t i);
    void kick(Queue& q, uint16_t index);
    // Validates a used element: the buffer index, or -1 (dropped).
    int claim(Queue& q, uint32_t id);
    void reclaim_tx();
    void give_up();

    uint8_t in8(uint16_t off) { return io_->in8(static_cast<uint16_t>(base_ + off)); }
    void out8(uint16_t off, uint8_t v) { io_->out8(static_cast<uint16_t>(base_ + off), v); }

    Port_io* io_ = nullptr;
    uint16_t base_ = 0;
    Mac mac_{};
    Queue rx_;
    Queue tx_;
    uint16_t tx_next_ = 0; // where the search for a free tx buffer starts
    size_t dropped_ = 0;
    bool ready_ = false;
    bool failed_ = false;
};

} // namespace net
