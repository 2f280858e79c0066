// The rules of net::Tcp_conn and net::Stack seen from a handler: what may
// be called inside which callback, and what follows.
#include <functional>

#include "tests/unit/net/tcp_fixture.hpp"

namespace net_test {
namespace {

// A handler whose every callback runs what the test puts in it.
class Hook_server final : public net::Tcp_handler {
public:
    void accepted(net::Tcp_conn& c) override
    {
        ++accepts;
        conns.push_back(&c);
        if (on_accept)
            on_accept(c);
    }
    void received(net::Tcp_conn& c, const uint8_t* d, size_t n) override
    {
        got.append(reinterpret_cast<const char*>(d), n);
        if (on_receive)
            on_receive(c);
    }
    void writable(net::Tcp_conn& c) override
    {
        ++writables;
        if (on_writable)
            on_writable(c);
    }
    void closed(net::Tcp_conn& c) override
    {
        ++closes;
        closed_user = c.user;
        // Dead conns ignore everything.
        c.close();
        c.abort();
        EXPECT_EQ(c.send_space(), 0u);
    }

    std::function<void(net::Tcp_conn&)> on_accept, on_receive, on_writable;
    std::vector<net::Tcp_conn*> conns;
    int accepts = 0, closes = 0, writables = 0;
    std::string got;
    void* closed_user = nullptr;
};

class NetStackApi : public Lan_test {
protected:
    void SetUp() override
    {
        start_static();
        ASSERT_TRUE(net::tcp_listen(server_port, server));
    }
    Tcp_peer peer(uint16_t port) { return Tcp_peer(nic, 0x0a000280, port, 0x80); }
    Hook_server server;
};

TEST_F(NetStackApi, CloseInsideAcceptedSendsFinAndNoCallbackFollows)
{
    server.on_accept = [](net::Tcp_conn& c) { c.close(); };
    Tcp_peer p = peer(42000);
    ASSERT_TRUE(p.connect([this] { pump(); }));
    p.receive();
    EXPECT_TRUE(p.got_fin);
    p.send(psh | ack, "late");
    p.send(fin | ack);
    pump();
    EXPECT_EQ(server.got, "");
    EXPECT_EQ(server.closes, 0);
}

TEST_F(NetStackApi, AbortInsideAcceptedSendsRst)
{
    server.on_accept = [](net::Tcp_conn& c) { c.abort(); };
    Tcp_peer p = peer(42010);
    ASSERT_TRUE(p.connect([this] { pump(); }));
    p.receive();
    EXPECT_TRUE(p.got_rst);
    EXPECT_EQ(server.closes, 0);
}

TEST_F(NetStackApi, AbortInsideWritableSendsRst)
{
    server.on_receive = [](net::Tcp_conn& c) {
        c.write(reinterpret_cast<const uint8_t*>("data"), 4);
    };
    server.on_writable = [](net::Tcp_conn& c) { c.abort(); };
    Tcp_peer p = peer(42020);
    ASSERT_TRUE(p.connect([this] { pump(); }));
    p.send(psh | ack, "go");
    pump();
    p.receive(); // acknowledges "data": writable() runs and aborts
    pump();
    p.receive();
    EXPECT_EQ(p.data, "data");
    EXPECT_EQ(server.writables, 1);
    EXPECT_TRUE(p.got_rst);
    EXPECT_EQ(server.closes, 0);
}

TEST_F(NetStackApi, AbortingAnotherConnectionInsideACallbackLeavesThisOneAlive)
{
    Tcp_peer a = peer(42030);
    ASSERT_TRUE(a.connect([this] { pump(); }));
    Tcp_peer b = peer(42031);
    ASSERT_TRUE(b.connect([this] { pump(); }));
    ASSERT_EQ(server.conns.size(), 2u);
    net::Tcp_conn* first = server.conns[0];
    server.on_receive = [&](net::Tcp_conn& c) {
        if (&c != first) {
            first->abort();
            c.write(reinterpret_cast<const uint8_t*>("ok"), 2);
        }
    };
    b.send(psh | ack, "kill a");
    pump();
    a.receive();
    b.receive();
    EXPECT_TRUE(a.got_rst);
    EXPECT_FALSE(b.got_rst);
    EXPECT_EQ(b.data, "ok");
    b.send(psh | ack, "more");
    pump();
    EXPECT_EQ(server.got, "kill amore");
}

TEST_F(NetStackApi, UserStateIsThereUntilClosed)
{
    int state = 0;
    server.on_accept = [&](net::Tcp_conn& c) { c.user = &state; };
    Tcp_peer p = peer(42040);
    ASSERT_TRUE(p.connect([this] { pump(); }));
    p.send(rst | ack);
    pump();
    EXPECT_EQ(server.closes, 1);
    EXPECT_EQ(server.closed_user, &state);
}

TEST_F(NetStackApi, PeerAddressAndPortAreTheClients)
{
    uint32_t addr = 0;
    uint16_t port = 0;
    server.on_accept = [&](net::Tcp_conn& c) {
        addr = c.peer_addr();
        port = c.peer_port();
    };
    Tcp_peer p = peer(42050);
    ASSERT_TRUE(p.connect([this] { pump(); }));
    EXPECT_EQ(addr, 0x0a000280u);
    EXPECT_EQ(port, 42050);
}

TEST_F(NetStackApi, WriteOfNothingOrNullTakesNothing)
{
    size_t a = 1, b = 1;
    server.on_accept = [&](net::Tcp_conn& c) {
        a = c.write(reinterpret_cast<const uint8_t*>("x"), 0);
        b = c.write(nullptr, 10);
    };
    Tcp_peer p = peer(42060);
    ASSERT_TRUE(p.connect([this] { pump(); }));
    EXPECT_EQ(a, 0u);
    EXPECT_EQ(b, 0u);
}

class NetStackStart : public Lan_test {};

class Tiny_mtu_nic final : public net::Nic {
public:
    net::Mac mac() const override { return stack_mac; }
    size_t mtu() const override { return 100; }
    bool send(const uint8_t*, size_t) override { return true; }
    size_t poll(net::Frame_sink&) override { return 0; }
};

TEST_F(NetStackStart, RefusesANicWithAnUnusableMtu)
{
    Tiny_mtu_nic tiny;
    const net::Ip4 cfg{stack_ip, netmask, gateway_ip};
    EXPECT_FALSE(stack.start(tiny, &cfg, clock, nullptr));
    EXPECT_FALSE(stack.has_address());
}

TEST_F(NetStackStart, RefusesAMissingClock)
{
    const net::Ip4 cfg{stack_ip, netmask, gateway_ip};
    EXPECT_FALSE(stack.start(nic, &cfg, nullptr, nullptr));
}

TEST_F(NetStackStart, PollAndAddressBeforeStartAreHarmless)
{
    stack.poll();
    EXPECT_FALSE(stack.has_address());
    EXPECT_EQ(stack.address().addr, 0u);
}

TEST_F(NetStackStart, ListenBeforeStartServesOnceStarted)
{
    Echo_server echo;
    ASSERT_TRUE(net::tcp_listen(server_port, echo));
    start_static();
    Tcp_peer p(nic, 0x0a000281, 42070, 0x81);
    ASSERT_TRUE(p.connect([this] { pump(); }));
    p.send(psh | ack, "early");
    pump();
    p.receive();
    EXPECT_EQ(p.data, "early");
    stack.stop();
}

// The ISN is keyed by the seed (RFC 6528): two seeds, the same 4-tuple at
// the same moment, two unrelated ISNs; the same seed, the same ISN plus
// the 4 us clock.
TEST_F(NetStackStart, InitialSequenceNumbersFollowTheSeed)
{
    Echo_server echo;
    auto isn = [&](uint64_t seed) {
        stack.set_random_seed(seed);
        start_static();
        EXPECT_TRUE(net::tcp_listen(server_port, echo));
        Tcp_peer p(nic, 0x0a000282, 42080, 0x82);
        p.send_syn();
        pump();
        p.receive();
        stack.stop();
        nic.sent.clear();
        EXPECT_TRUE(p.got_syn_ack);
        return p.rcv_nxt - 1;
    };
    const uint32_t a = isn(1);
    const uint32_t b = isn(2);
    const uint32_t a_again = isn(1);
    EXPECT_NE(a, b);
    // Between the two runs with seed 1 the clock moved by at most a few
    // ms: 250 per ms.
    EXPECT_LT(a_again - a, 250u * 100u);
}

TEST_F(NetStackStart, FramesTooShortOrTooLongAreCountedAsDropped)
{
    start_static();
    const auto before = stack.counters().rx_dropped;
    inject(Bytes(13, 0));
    inject(Bytes(1519, 0));
    inject(Bytes(60, 0));
    pump(1);
    EXPECT_EQ(stack.counters().rx_dropped, before + 2);
}

} // namespace
} // namespace net_test
