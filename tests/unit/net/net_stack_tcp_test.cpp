// net::Stack's TCP servers against a client built from frames: handshake,
// data both ways, both ways of closing, backpressure.
#include "tests/unit/net/tcp_fixture.hpp"

namespace net_test {
namespace {

class NetStackTcp : public Tcp_test {};

TEST_F(NetStackTcp, HandshakeDataEchoAndPeerFin)
{
    Tcp_peer p = connected(40000);
    EXPECT_EQ(server.accepts, 1);
    EXPECT_EQ(server.last_peer_addr, peer_ip);
    EXPECT_EQ(server.last_peer_port, 40000);

    exchange(p, "hello");
    EXPECT_EQ(server.got, "hello");
    EXPECT_EQ(p.data, "hello");

    p.send(fin | ack);
    pump();
    EXPECT_EQ(server.closes, 1) << "a peer FIN is closed() for the handler";
    p.receive();
    EXPECT_TRUE(p.got_fin) << "our side closes too";
    EXPECT_FALSE(p.got_rst);
    pump();
    // The stack's FIN was acknowledged: no more segments, no retransmits.
    advance(5000);
    p.got_fin = false;
    p.receive();
    EXPECT_FALSE(p.got_fin);
    EXPECT_EQ(server.closes, 1);
}

TEST_F(NetStackTcp, EverySegmentTheStackSendsHasGoodChecksums)
{
    Tcp_peer p = connected(40001);
    exchange(p, "check");
    p.send(fin | ack);
    pump();
    nic.sent.clear();
    Tcp_peer q(nic, peer_ip, 40002);
    q.send_syn();
    pump();
    auto segs = nic.take([](const Parsed& s) { return s.proto == ip_tcp; });
    ASSERT_FALSE(segs.empty());
    for (auto& s : segs) {
        EXPECT_TRUE(s.ip_sum_ok);
        EXPECT_TRUE(s.l4_sum_ok);
        EXPECT_EQ(s.ip_src, stack_ip);
    }
}

TEST_F(NetStackTcp, HandlerCloseSendsTheEchoThenFinAndNoMoreCallbacks)
{
    Tcp_peer p = connected(40010);
    p.send(psh | ack, "close");
    pump();
    p.receive();
    EXPECT_EQ(p.data, "close");
    EXPECT_TRUE(p.got_fin);
    // Our close() ends the handler's part: the peer's FIN is no callback.
    p.send(fin | ack);
    pump();
    EXPECT_EQ(server.closes, 0);
    advance(2000);
    EXPECT_EQ(server.closes, 0);
}

TEST_F(NetStackTcp, HandlerAbortSendsRstAndNoClosedCallback)
{
    Tcp_peer p = connected(40020);
    p.send(psh | ack, "abort");
    pump();
    p.receive();
    EXPECT_TRUE(p.got_rst);
    EXPECT_EQ(server.closes, 0);
    // The server keeps serving.
    Tcp_peer q = connected(40021);
    exchange(q, "again");
    EXPECT_EQ(q.data, "again");
}

TEST_F(NetStackTcp, SynToAPortNobodyListensOnIsReset)
{
    Tcp_peer p(nic, peer_ip, 40030);
    p.send_syn(81);
    pump();
    p.receive();
    EXPECT_FALSE(p.got_syn_ack);
    EXPECT_TRUE(p.got_rst);
    EXPECT_EQ(server.accepts, 0);
}

TEST_F(NetStackTcp, ListenTwiceOnOnePortIsRefused)
{
    Echo_server other;
    EXPECT_FALSE(net::tcp_listen(server_port, other));
    EXPECT_TRUE(net::tcp_listen(8080, other));
}

TEST_F(NetStackTcp, DataInManySegmentsArrivesInOrder)
{
    Tcp_peer p = connected(40040);
    std::string all;
    for (int i = 0; i < 20; ++i) {
        const std::string piece = "piece" + std::to_string(i) + ";";
        all += piece;
        p.send(psh | ack, piece);
    }
    pump();
    p.receive();
    pump();
    EXPECT_EQ(server.got, all);
    EXPECT_EQ(p.data, all);
}

TEST_F(NetStackTcp, WriteTakesOnlySendSpaceAndWritableFollowsAcks)
{
    server.echo = false;
    server.reply = std::string(200000, 'r');
    Tcp_peer p = connected(40050);
    p.ack_data = false;
    p.send(psh | ack, "go");
    pump();
    EXPECT_GT(server.reply_taken, 0u);
    EXPECT_LT(server.reply_taken, server.reply.size()) << "bounded by the send buffer";
    ASSERT_NE(server.last, nullptr);
    EXPECT_EQ(server.last->send_space(), 0u);
    EXPECT_EQ(server.last->write(reinterpret_cast<const uint8_t*>("x"), 1), 0u);
    p.receive();
    EXPECT_GT(p.data.size(), 0u);
    const int before = server.writables;
    p.send(ack);
    pump();
    EXPECT_GT(server.writables, before);
    EXPECT_GT(server.last->send_space(), 0u);
}

TEST_F(NetStackTcp, PeerResetMidStreamIsClosedAndAFreshConnectionIsServed)
{
    Tcp_peer p = connected(40060);
    exchange(p, "part");
    p.send(rst | ack);
    pump();
    EXPECT_EQ(server.closes, 1);
    Tcp_peer q = connected(40061);
    exchange(q, "fresh");
    EXPECT_EQ(q.data, "fresh");
}

TEST_F(NetStackTcp, StopAbortsConnectionsWithClosedCallbacks)
{
    Tcp_peer p = connected(40070);
    Tcp_peer q = connected(40071);
    stack.stop();
    EXPECT_EQ(server.closes, 2);
}

} // namespace
} // namespace net_test
