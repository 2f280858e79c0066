// DHCP client of net::Stack against a DHCP server the test plays from
// frames (RFC 2131 message layout, RFC 2132 options).
#include "tests/unit/net/fake_lan.hpp"

namespace net_test {
namespace {

constexpr net::Mac server_mac{{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}};
constexpr uint32_t offered = 0x0a00020f;
constexpr uint8_t discover = 1, offer = 2, request = 3, dhcp_ack = 5, nak = 6;

struct Client_msg {
    uint8_t type = 0;
    uint32_t xid = 0, requested = 0, server = 0;
};

Client_msg decode(const Parsed& p)
{
    Client_msg m;
    const Bytes& b = p.payload;
    if (b.size() < 240 || get32(&b[236]) != 0x63825363)
        return m;
    m.xid = get32(&b[4]);
    for (size_t i = 240; i + 1 < b.size() && b[i] != 255;) {
        if (b[i] == 0) {
            ++i;
            continue;
        }
        const size_t len = b[i + 1];
        if (i + 2 + len > b.size())
            break;
        const uint8_t* v = &b[i + 2];
        if (b[i] == 53 && len == 1)
            m.type = v[0];
        if (b[i] == 50 && len == 4)
            m.requested = get32(v);
        if (b[i] == 54 && len == 4)
            m.server = get32(v);
        i += 2 + len;
    }
    return m;
}

Bytes server_reply(uint8_t type, uint32_t xid, const net::Mac& chaddr, uint32_t yiaddr)
{
    Bytes b;
    b.push_back(2); // BOOTREPLY
    b.push_back(1);
    b.push_back(6);
    b.push_back(0);
    put32(b, xid);
    put16(b, 0);
    put16(b, 0);
    put32(b, 0);
    put32(b, yiaddr);
    put32(b, gateway_ip);
    put32(b, 0);
    b.insert(b.end(), chaddr.b, chaddr.b + 6);
    b.resize(236, 0); // rest of chaddr, sname, file
    put32(b, 0x63825363);
    auto opt = [&](uint8_t code, uint32_t v) {
        b.push_back(code);
        b.push_back(4);
        put32(b, v);
    };
    b.push_back(53);
    b.push_back(1);
    b.push_back(type);
    opt(54, gateway_ip);
    opt(51, 86400);
    opt(1, netmask);
    opt(3, gateway_ip);
    b.push_back(255);
    return eth(broadcast_mac, server_mac, eth_ipv4, udp(gateway_ip, 0xffffffff, 67, 68, b));
}

class LwipDhcp : public Lan_test {
protected:
    void SetUp() override
    {
        nic.add_host(gateway_ip, server_mac);
        ASSERT_TRUE(stack.start(nic, nullptr, clock, nullptr));
        stack.on_address(Address_log::record, &log);
    }

    std::vector<Client_msg> client_msgs()
    {
        std::vector<Client_msg> out;
        for (auto& p : nic.take([](const Parsed& q) {
                 return q.proto == ip_udp && q.udp_sport == 68 && q.udp_dport == 67;
             }))
            out.push_back(decode(p));
        return out;
    }

    // DISCOVER answered by OFFER; returns the REQUEST that follows.
    Client_msg offer_and_get_request()
    {
        advance(200);
        auto d = client_msgs();
        EXPECT_FALSE(d.empty());
        if (d.empty())
            return {};
        EXPECT_EQ(d.back().type, discover);
        inject(server_reply(offer, d.back().xid, stack_mac, offered));
        pump();
        auto r = client_msgs();
        EXPECT_EQ(r.size(), 1u);
        return r.empty() ? Client_msg{} : r.back();
    }

    Address_log log;
};

TEST_F(LwipDhcp, EndsWithTheOfferedAddressAfterRequestAndAck)
{
    const Client_msg req = offer_and_get_request();
    EXPECT_EQ(req.type, request);
    EXPECT_EQ(req.requested, offered);
    EXPECT_EQ(req.server, gateway_ip);
    EXPECT_FALSE(stack.has_address());

    inject(server_reply(dhcp_ack, req.xid, stack_mac, offered));
    // lwIP probes the address by ARP (nobody answers) before binding it.
    advance(3000);
    ASSERT_TRUE(stack.has_address());
    const net::Ip4 a = stack.address();
    EXPECT_EQ(a.addr, offered);
    EXPECT_EQ(a.netmask, netmask);
    EXPECT_EQ(a.gateway, gateway_ip);
    EXPECT_EQ(log.calls, 1);
    EXPECT_EQ(log.last.addr, offered);
    advance(5000);
    EXPECT_EQ(log.calls, 1) << "on_address is called once";
}

TEST_F(LwipDhcp, IgnoresAnOfferWithAnotherTransactionId)
{
    advance(200);
    auto d = client_msgs();
    ASSERT_FALSE(d.empty());
    inject(server_reply(offer, d.back().xid ^ 1, stack_mac, offered));
    pump();
    for (auto& m : client_msgs())
        EXPECT_NE(m.type, request);
    EXPECT_FALSE(stack.has_address());
}

TEST_F(LwipDhcp, IgnoresAnOfferForAnotherClient)
{
    advance(200);
    auto d = client_msgs();
    ASSERT_FALSE(d.empty());
    const net::Mac other{{0x52, 0x54, 0, 0, 0, 1}};
    inject(server_reply(offer, d.back().xid, other, offered));
    pump();
    for (auto& m : client_msgs())
        EXPECT_NE(m.type, request);
}

TEST_F(LwipDhcp, NakLeavesNoAddressAndDiscoveryStartsOver)
{
    const Client_msg req = offer_and_get_request();
    inject(server_reply(nak, req.xid, stack_mac, 0));
    advance(10000);
    EXPECT_FALSE(stack.has_address());
    EXPECT_EQ(log.calls, 0);
    bool rediscover = false;
    for (auto& m : client_msgs())
        rediscover |= m.type == discover;
    EXPECT_TRUE(rediscover);
}

TEST_F(LwipDhcp, SurvivesTruncatedAndGarbageReplies)
{
    advance(200);
    auto d = client_msgs();
    ASSERT_FALSE(d.empty());
    Bytes good = server_reply(offer, d.back().xid, stack_mac, offered);
    // Cut inside the options, inside the fixed header, and a UDP length
    // that claims more than the frame holds.
    for (size_t cut : {size_t{14 + 20 + 8 + 10}, size_t{14 + 20 + 8 + 238}, good.size() - 3}) {
        Bytes f(good.begin(), good.begin() + static_cast<long>(cut));
        inject(f);
    }
    Bytes lying = good;
    lying[14 + 20 + 4] = 0x0f;
    inject(lying);
    pump();
    // Still able to finish with a good exchange.
    inject(good);
    pump();
    bool requested = false;
    for (auto& m : client_msgs())
        requested |= m.type == request;
    EXPECT_TRUE(requested);
}

} // namespace
} // namespace net_test
