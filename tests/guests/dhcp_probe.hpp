// A DHCP client's first step, for test dom0 kernels that bring up the
// NIC: DISCOVERs built by hand (RFC 2131 over UDP/IPv4 broadcast) go out
// once a second until an OFFER for our transaction comes back, which is
// decoded (the address offered, the server's identifier). Every frame is
// parsed with its length checked at each step.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/dom0/event_loop.hpp"
#include "tools/lib/net/nic.hpp"

class Dhcp_probe final : public net::Frame_sink {
public:
    struct Offer {
        bool seen = false;
        uint32_t yiaddr = 0, server = 0;
    };

    Dhcp_probe(dom0::Event_loop& loop, uint32_t xid) : loop_(loop), xid_(xid) {}

    // For dom0::nic_init: counts the interrupt and polls the NIC.
    static void on_rx(void* probe);

    // Until an OFFER or timeout_ns of system time; the OFFER seen.
    bool run(net::Nic& nic, uint64_t timeout_ns);
    const Offer& offer() const { return offer_; }
    unsigned interrupts() const { return interrupts_; }
    unsigned frames() const { return frames_; }
    unsigned sends() const { return sends_; }
    // "net: DHCP OFFER of A.B.C.D from server E.F.G.H (...)".
    void print() const;

    void frame(const uint8_t* data, size_t len) override;

private:
    static void resend(void* probe);
    static void expire(void* probe);

    dom0::Event_loop& loop_;
    net::Nic* nic_ = nullptr;
    uint32_t xid_;
    Offer offer_;
    bool timed_out_ = false;
    unsigned interrupts_ = 0, frames_ = 0, sends_ = 0;
    uint8_t discover_[600] = {};
    size_t discover_len_ = 0;
};
