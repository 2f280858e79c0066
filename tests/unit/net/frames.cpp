#include "tests/unit/net/frames.hpp"

namespace net_test {

void put16(Bytes& b, uint16_t v)
{
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}

void put32(Bytes& b, uint32_t v)
{
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}

uint16_t get16(const uint8_t* p)
{
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

uint32_t get32(const uint8_t* p)
{
    return uint32_t{get16(p)} << 16 | get16(p + 2);
}

uint16_t checksum(const uint8_t* p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    if (n & 1)
        sum += uint32_t{p[n - 1]} << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

Bytes eth(const net::Mac& dst, const net::Mac& src, uint16_t type, const Bytes& payload)
{
    Bytes f(dst.b, dst.b + 6);
    f.insert(f.end(), src.b, src.b + 6);
    put16(f, type);
    f.insert(f.end(), payload.begin(), payload.end());
    while (f.size() < 60) // Ethernet's minimum, as a real NIC delivers it
        f.push_back(0);
    return f;
}

Bytes arp(uint16_t op, const net::Mac& sha, uint32_t spa, const net::Mac& tha, uint32_t tpa)
{
    Bytes a;
    put16(a, 1);      // Ethernet
    put16(a, 0x0800); // IPv4
    a.push_back(6);
    a.push_back(4);
    put16(a, op);
    a.insert(a.end(), sha.b, sha.b + 6);
    put32(a, spa);
    a.insert(a.end(), tha.b, tha.b + 6);
    put32(a, tpa);
    return a;
}

Bytes ipv4(uint32_t src, uint32_t dst, uint8_t proto, const Bytes& payload, bool bad_sum)
{
    Bytes h;
    h.push_back(0x45);
    h.push_back(0);
    put16(h, static_cast<uint16_t>(20 + payload.size()));
    put16(h, 0x1234); // id
    put16(h, 0x4000); // DF
    h.push_back(64);
    h.push_back(proto);
    put16(h, 0);
    put32(h, src);
    put32(h, dst);
    uint16_t sum = checksum(h.data(), h.size());
    if (bad_sum)
        sum ^= 0x5a5a;
    h[10] = static_cast<uint8_t>(sum >> 8);
    h[11] = static_cast<uint8_t>(sum);
    h.insert(h.end(), payload.begin(), payload.end());
    return h;
}

namespace {

uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, size_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto +
           static_cast<uint32_t>(len);
}

} // namespace

Bytes udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const Bytes& payload)
{
    Bytes u;
    put16(u, sport);
    put16(u, dport);
    put16(u, static_cast<uint16_t>(8 + payload.size()));
    put16(u, 0);
    u.insert(u.end(), payload.begin(), payload.end());
    uint16_t sum = checksum(u.data(), u.size(), pseudo_sum(src, dst, ip_udp, u.size()));
    if (sum == 0)
        sum = 0xffff;
    u[6] = static_cast<uint8_t>(sum >> 8);
    u[7] = static_cast<uint8_t>(sum);
    return ipv4(src, dst, ip_udp, u);
}

Bytes tcp(uint32_t src, uint32_t dst, const Tcp_fields& t, bool bad_sum)
{
    Bytes s;
    put16(s, t.sport);
    put16(s, t.dport);
    put32(s, t.seq);
    put32(s, t.ack);
    const size_t hlen = 20 + t.options.size();
    s.push_back(static_cast<uint8_t>((hlen / 4) << 4));
    s.push_back(t.flags);
    put16(s, t.wnd);
    put16(s, 0);
    put16(s, 0);
    s.insert(s.end(), t.options.begin(), t.options.end());
    s.insert(s.end(), t.payload.begin(), t.payload.end());
    uint16_t sum = checksum(s.data(), s.size(), pseudo_sum(src, dst, ip_tcp, s.size()));
    if (bad_sum)
        sum ^= 0x0101;
    s[16] = static_cast<uint8_t>(sum >> 8);
    s[17] = static_cast<uint8_t>(sum);
    return ipv4(src, dst, ip_tcp, s);
}

std::optional<Parsed> parse(const Bytes& f)
{
    if (f.size() < 14)
        return std::nullopt;
    Parsed r;
    for (int i = 0; i < 6; ++i) {
        r.dst.b[i] = f[static_cast<size_t>(i)];
        r.src.b[i] = f[static_cast<size_t>(6 + i)];
    }
    r.type = get16(&f[12]);
    const uint8_t* p = f.data() + 14;
    const size_t n = f.size() - 14;
    if (r.type == eth_arp) {
        if (n < 28)
            return std::nullopt;
        r.arp_op = get16(p + 6);
        r.arp_spa = get32(p + 14);
        r.arp_tpa = get32(p + 24);
        return r;
    }
    if (r.type != eth_ipv4 || n < 20)
        return r;
    const size_t ihl = size_t{static_cast<uint8_t>(p[0] & 0xf)} * 4;
    const size_t total = get16(p + 2);
    if (ihl < 20 || total > n || total < ihl)
        return std::nullopt;
    r.ip_sum_ok = checksum(p, ihl) == 0;
    r.proto = p[9];
    r.ip_src = get32(p + 12);
    r.ip_dst = get32(p + 16);
    const uint8_t* l4 = p + ihl;
    const size_t len = total - ihl;
    r.l4_sum_ok = checksum(l4, len, pseudo_sum(r.ip_src, r.ip_dst, r.proto, len)) == 0;
    if (r.proto == ip_udp && len >= 8) {
        r.udp_sport = get16(l4);
        r.udp_dport = get16(l4 + 2);
        r.payload.assign(l4 + 8, l4 + len);
    } else if (r.proto == ip_tcp && len >= 20) {
        r.tcp.sport = get16(l4);
        r.tcp.dport = get16(l4 + 2);
        r.tcp.seq = get32(l4 + 4);
        r.tcp.ack = get32(l4 + 8);
        const size_t off = size_t{static_cast<uint8_t>(l4[12] >> 4)} * 4;
        r.tcp.flags = l4[13];
        r.tcp.wnd = get16(l4 + 14);
        if (off < 20 || off > len)
            return std::nullopt;
        r.tcp.options.assign(l4 + 20, l4 + off);
        r.payload.assign(l4 + off, l4 + len);
    }
    return r;
}

} // namespace net_test
