// A TCP client built from frames, for tests against net::Stack's servers,
// and a recording echo server (Tcp_handler) to test against.
#pragma once
#include <string>

#include "tests/unit/net/fake_lan.hpp"
#include "tools/lib/net/tcp.hpp"

namespace net_test {

constexpr uint16_t server_port = 80;

class Tcp_peer {
public:
    Tcp_peer(Fake_nic& nic, uint32_t ip, uint16_t port, uint8_t host_id = 7);

    // Sends a segment with our current sequence numbers (or as given).
    void send(uint8_t flags, const std::string& data = "", bool bad_sum = false);
    void send_raw(const Tcp_fields& t, bool bad_sum = false);
    void send_syn(uint16_t dport = server_port);
    // Reads what the stack sent us: in-order data is appended to `data`,
    // a FIN or RST is noted; acknowledges when ack_data (and something
    // new came). Returns the segments.
    std::vector<Parsed> receive();
    // SYN, SYN/ACK, ACK; true if the handshake completed.
    template <class Pump> bool connect(Pump pump);

    uint32_t ip;
    uint16_t port;
    net::Mac mac;
    uint32_t snd_nxt = 0x10000000; // our next sequence number
    uint32_t rcv_nxt = 0;          // the stack's next, once synchronised
    uint16_t wnd = 65535;
    bool ack_data = true;
    bool answer_keepalive = false;
    int keepalives = 0;
    std::string data;
    bool got_syn_ack = false, got_fin = false, got_rst = false;

private:
    Fake_nic& nic_;
};

template <class Pump> bool Tcp_peer::connect(Pump pump)
{
    send_syn();
    pump();
    receive();
    if (!got_syn_ack)
        return false;
    send(ack);
    pump();
    return true;
}

// Echoes what it receives; "close" makes it close, "abort" abort. Counts
// every callback.
class Echo_server final : public net::Tcp_handler {
public:
    void accepted(net::Tcp_conn& c) override;
    void received(net::Tcp_conn& c, const uint8_t* d, size_t n) override;
    void writable(net::Tcp_conn& c) override;
    void closed(net::Tcp_conn& c) override;

    int accepts = 0, closes = 0, writables = 0;
    std::vector<net::Tcp_conn*> writable_conns;
    std::string got;
    bool echo = true;
    // Bytes to write after each receive (for backpressure tests), and how
    // many were taken.
    std::string reply;
    size_t reply_taken = 0;
    net::Tcp_conn* last = nullptr;
    uint32_t last_peer_addr = 0;
    uint16_t last_peer_port = 0;
};

} // namespace net_test
