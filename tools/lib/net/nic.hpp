// The network interface the TCP/IP stack (lwIP's netif glue) runs on: one
// Ethernet device that sends frames and, when polled, hands over what it
// received. Drivers (virtio_net.hpp) implement it; nothing here knows the
// hardware. Frames carry no FCS; the stack pads nothing (the device does).
#pragma once
#include <cstddef>
#include <cstdint>

namespace net {

struct Mac {
    uint8_t b[6];
};

class Frame_sink {
public:
    virtual void frame(const uint8_t* data, size_t len) = 0;

protected:
    ~Frame_sink() = default;
};

class Nic {
public:
    virtual ~Nic() = default;
    virtual Mac mac() const = 0;
    virtual size_t mtu() const { return 1500; }
    // Queues one Ethernet frame (no FCS, <= mtu()+14 bytes) and kicks the
    // device; false (frame dropped) if the transmit ring is full or len bad.
    virtual bool send(const uint8_t* frame, size_t len) = 0;
    // Hands every received frame to sink (in order), recycles the buffers,
    // reclaims finished transmit buffers; returns the number of frames.
    virtual size_t poll(Frame_sink& sink) = 0;
};

} // namespace net
