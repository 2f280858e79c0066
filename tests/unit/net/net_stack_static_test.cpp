// net::Stack with a static address: no DHCP, ARP and ICMP answered,
// start/stop rules.
#include "tests/unit/net/fake_lan.hpp"

namespace net_test {
namespace {

class NetStackStatic : public Lan_test {};

TEST_F(NetStackStatic, HasItsAddressAtOnceAndSendsNoDhcp)
{
    Address_log log;
    stack.on_address(Address_log::record, &log);
    start_static();
    EXPECT_TRUE(stack.has_address());
    EXPECT_EQ(stack.address().addr, stack_ip);
    EXPECT_EQ(log.calls, 1);
    advance(10000, 250);
    EXPECT_TRUE(nic.take([](const Parsed& p) { return p.proto == ip_udp; }).empty());
    EXPECT_EQ(log.calls, 1);
}

TEST_F(NetStackStatic, OnAddressAfterStartIsCalledAtOnce)
{
    start_static();
    Address_log log;
    stack.on_address(Address_log::record, &log);
    EXPECT_EQ(log.calls, 1);
    EXPECT_EQ(log.last.gateway, gateway_ip);
}

TEST_F(NetStackStatic, AnswersArpForItsAddressOnly)
{
    start_static();
    const net::Mac peer{{0x02, 0, 0, 0, 0, 9}};
    const uint32_t peer_ip = 0x0a000209;
    inject(eth(broadcast_mac, peer, eth_arp, arp(1, peer, peer_ip, net::Mac{}, stack_ip)));
    inject(eth(broadcast_mac, peer, eth_arp, arp(1, peer, peer_ip, net::Mac{}, stack_ip + 1)));
    pump();
    auto replies = nic.take([](const Parsed& p) { return p.type == eth_arp && p.arp_op == 2; });
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].arp_spa, stack_ip);
    EXPECT_EQ(replies[0].arp_tpa, peer_ip);
}

TEST_F(NetStackStatic, StartTwiceIsRefusedAndStopAllowsAnotherStart)
{
    start_static();
    const net::Ip4 cfg{stack_ip, netmask, gateway_ip};
    EXPECT_FALSE(stack.start(nic, &cfg, clock, nullptr));
    stack.stop();
    EXPECT_FALSE(stack.has_address());
    EXPECT_TRUE(stack.start(nic, &cfg, clock, nullptr));
    EXPECT_TRUE(stack.has_address());
}

TEST_F(NetStackStatic, NextTimeoutIsOnTheCallersClockAndSoon)
{
    start_static();
    const uint64_t t = stack.next_timeout_ms();
    EXPECT_GE(t, now);
    EXPECT_LE(t, now + 1000);
}

TEST_F(NetStackStatic, AnswersPingWithTheSameIdSequenceAndData)
{
    start_static();
    const net::Mac peer{{0x02, 0, 0, 0, 0, 0x0a}};
    const uint32_t peer_ip = 0x0a00020a;
    nic.add_host(peer_ip, peer);
    Bytes icmp{8, 0, 0, 0, 0x12, 0x34, 0x00, 0x01, 'p', 'i', 'n', 'g'};
    const uint16_t sum = checksum(icmp.data(), icmp.size());
    icmp[2] = static_cast<uint8_t>(sum >> 8);
    icmp[3] = static_cast<uint8_t>(sum);
    inject(eth(stack_mac, peer, eth_ipv4, ipv4(peer_ip, stack_ip, ip_icmp, icmp)));
    pump();
    auto replies = nic.take([](const Parsed& p) { return p.proto == ip_icmp; });
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].ip_dst, peer_ip);
    EXPECT_TRUE(replies[0].ip_sum_ok);
}

// IP_REASSEMBLY is off: even a complete pair of fragments, which a
// reassembling stack would answer, gets no reply.
TEST_F(NetStackStatic, FragmentsAreDroppedEvenWhenComplete)
{
    start_static();
    const net::Mac peer{{0x02, 0, 0, 0, 0, 0x0b}};
    const uint32_t peer_ip = 0x0a00020b;
    nic.add_host(peer_ip, peer);
    Bytes icmp{8, 0, 0, 0, 0x12, 0x34, 0x00, 0x02, 'f', 'r', 'a', 'g', 'm', 'e', 'n', 't'};
    const uint16_t sum = checksum(icmp.data(), icmp.size());
    icmp[2] = static_cast<uint8_t>(sum >> 8);
    icmp[3] = static_cast<uint8_t>(sum);
    auto fragment = [&](size_t from, size_t to, bool more) {
        Bytes ip = ipv4(
            peer_ip, stack_ip, ip_icmp,
            Bytes(icmp.begin() + static_cast<long>(from), icmp.begin() + static_cast<long>(to)));
        const uint16_t frag = static_cast<uint16_t>((more ? 0x2000 : 0) | (from / 8));
        ip[6] = static_cast<uint8_t>(frag >> 8);
        ip[7] = static_cast<uint8_t>(frag);
        ip[10] = ip[11] = 0;
        const uint16_t hsum = checksum(ip.data(), 20);
        ip[10] = static_cast<uint8_t>(hsum >> 8);
        ip[11] = static_cast<uint8_t>(hsum);
        inject(eth(stack_mac, peer, eth_ipv4, ip));
    };
    fragment(0, 8, true);
    fragment(8, icmp.size(), false);
    pump();
    EXPECT_TRUE(nic.take([](const Parsed& p) { return p.proto == ip_icmp; }).empty());
}

} // namespace
} // namespace net_test
