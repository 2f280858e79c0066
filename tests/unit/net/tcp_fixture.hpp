// A started stack (static address) with the echo server listening on
// port 80, for the TCP tests.
#pragma once
#include "tests/unit/net/tcp_peer.hpp"

namespace net_test {

constexpr uint32_t peer_ip = 0x0a000264; // 10.0.2.100

class Tcp_test : public Lan_test {
protected:
    void SetUp() override
    {
        start_static();
        ASSERT_TRUE(net::tcp_listen(server_port, server));
    }
    auto pumper()
    {
        return [this] { pump(); };
    }
    // A connected peer (the server accepted it).
    Tcp_peer connected(uint16_t port, uint32_t ip = peer_ip)
    {
        Tcp_peer p(nic, ip, port);
        EXPECT_TRUE(p.connect(pumper()));
        return p;
    }
    // Sends data and collects what comes back.
    void exchange(Tcp_peer& p, const std::string& d)
    {
        p.send(psh | ack, d);
        pump();
        p.receive();
        pump();
    }

    Echo_server server;
};

} // namespace net_test
