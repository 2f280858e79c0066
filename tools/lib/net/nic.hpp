// A network interface as the TCP/IP stack sees it: Ethernet frames in and
// out, polled from the event loop. Drivers (tools/dom0) and test fakes
// implement it.
#pragma once
#include <cstddef>
#include <cstdint>

namespace net {

struct Mac {
    uint8_t b[6];
};

class Frame_sink {
public:
    virtual void frame(const uint8_t* d, size_t n) = 0;

protected:
    ~Frame_sink() = default;
};

class Nic {
public:
    virtual ~Nic() = default;
    virtual Mac mac() const = 0;
    virtual size_t mtu() const { return 1500; }
    virtual bool send(const uint8_t* frame, size_t len) = 0;
    virtual size_t poll(Frame_sink& sink) = 0;
};

} // namespace net
