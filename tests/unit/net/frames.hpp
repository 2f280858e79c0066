// Ethernet, ARP, IPv4, UDP and TCP frames for tests that play the network
// around net::Stack: builders with correct (or deliberately wrong)
// checksums, and a parser for what the stack sends.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "tools/lib/net/nic.hpp"

namespace net_test {

using Bytes = std::vector<uint8_t>;

constexpr uint16_t eth_ipv4 = 0x0800;
constexpr uint16_t eth_arp = 0x0806;
constexpr uint8_t ip_udp = 17;
constexpr uint8_t ip_tcp = 6;
constexpr uint8_t ip_icmp = 1;

enum Tcp_flag : uint8_t { fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10 };

constexpr net::Mac broadcast_mac{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

void put16(Bytes& b, uint16_t v);
void put32(Bytes& b, uint32_t v);
uint16_t get16(const uint8_t* p);
uint32_t get32(const uint8_t* p);
// RFC 1071 ones' complement sum, folded and inverted.
uint16_t checksum(const uint8_t* p, size_t n, uint32_t sum = 0);

Bytes eth(const net::Mac& dst, const net::Mac& src, uint16_t type, const Bytes& payload);
Bytes arp(uint16_t op, const net::Mac& sha, uint32_t spa, const net::Mac& tha, uint32_t tpa);
Bytes ipv4(uint32_t src, uint32_t dst, uint8_t proto, const Bytes& payload, bool bad_sum = false);
Bytes udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const Bytes& payload);

struct Tcp_fields {
    uint16_t sport = 0, dport = 0;
    uint32_t seq = 0, ack = 0;
    uint8_t flags = 0;
    uint16_t wnd = 65535;
    Bytes options;
    Bytes payload;
};
Bytes tcp(uint32_t src, uint32_t dst, const Tcp_fields& t, bool bad_sum = false);

// One frame the stack sent, decoded as far as it goes.
struct Parsed {
    net::Mac dst{}, src{};
    uint16_t type = 0;
    // ARP
    uint16_t arp_op = 0;
    uint32_t arp_spa = 0, arp_tpa = 0;
    // IPv4
    uint32_t ip_src = 0, ip_dst = 0;
    uint8_t proto = 0;
    bool ip_sum_ok = false, l4_sum_ok = false;
    // UDP
    uint16_t udp_sport = 0, udp_dport = 0;
    // TCP
    Tcp_fields tcp;
    Bytes payload; // UDP or TCP payload
};
std::optional<Parsed> parse(const Bytes& frame);

} // namespace net_test
