#include "dhcp_probe.hpp"

#include "console.hpp"

namespace {

constexpr size_t eth_len = 14, ip_len = 20, udp_len = 8, bootp_len = 236;

void put16(uint8_t* p, uint16_t v)
{
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v)
{
    put16(p, static_cast<uint16_t>(v >> 16));
    put16(p + 2, static_cast<uint16_t>(v));
}
uint16_t get16(const uint8_t* p)
{
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t get32(const uint8_t* p)
{
    return uint32_t{get16(p)} << 16 | get16(p + 2);
}

// RFC 791 header checksum: one's complement of the one's-complement sum.
uint16_t ip_checksum(const uint8_t* p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

// Ethernet broadcast, IPv4 0.0.0.0 -> 255.255.255.255, UDP 68 -> 67,
// BOOTP request with options 53 (DISCOVER), 55 (subnet, router, DNS), end.
size_t build_discover(uint8_t* f, const net::Mac& mac, uint32_t xid)
{
    constexpr size_t options = 4 + 3 + 5 + 1;
    constexpr size_t payload = bootp_len + options;
    constexpr size_t total = eth_len + ip_len + udp_len + payload;
    __builtin_memset(f, 0, total);
    __builtin_memset(f, 0xFF, 6);
    __builtin_memcpy(f + 6, mac.b, 6);
    put16(f + 12, 0x0800);
    uint8_t* ip = f + eth_len;
    ip[0] = 0x45;
    put16(ip + 2, static_cast<uint16_t>(ip_len + udp_len + payload));
    ip[8] = 64; // TTL
    ip[9] = 17; // UDP
    put32(ip + 16, 0xFFFFFFFF);
    put16(ip + 10, ip_checksum(ip, ip_len));
    uint8_t* udp = ip + ip_len;
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, static_cast<uint16_t>(udp_len + payload)); // checksum 0: none (IPv4)
    uint8_t* b = udp + udp_len;
    b[0] = 1; // BOOTREQUEST
    b[1] = 1; // Ethernet
    b[2] = 6;
    put32(b + 4, xid);
    put16(b + 10, 0x8000); // broadcast the reply: we have no address yet
    __builtin_memcpy(b + 28, mac.b, 6);
    uint8_t* o = b + bootp_len;
    put32(o, 0x63825363); // magic cookie
    const uint8_t opts[] = {53, 1, 1, 55, 3, 1, 3, 6, 255};
    __builtin_memcpy(o + 4, opts, sizeof opts);
    return total;
}

// Every length and offset checked against the frame: slirp is a friendly
// peer, but a parser is written for the hostile one.
void parse(const uint8_t* f, size_t len, uint32_t xid, Dhcp_probe::Offer& offer)
{
    if (len < eth_len + ip_len + udp_len + bootp_len + 4 || get16(f + 12) != 0x0800)
        return;
    const uint8_t* ip = f + eth_len;
    const size_t ihl = (ip[0] & 15u) * 4u;
    if ((ip[0] >> 4) != 4 || ihl < ip_len || ip[9] != 17 ||
        len < eth_len + ihl + udp_len + bootp_len + 4)
        return;
    const uint8_t* udp = ip + ihl;
    if (get16(udp) != 67 || get16(udp + 2) != 68)
        return;
    const uint8_t* b = udp + udp_len;
    if (b[0] != 2 || get32(b + 4) != xid || get32(b + bootp_len) != 0x63825363)
        return;
    const uint8_t* end = f + len;
    uint8_t type = 0;
    uint32_t server = 0;
    for (const uint8_t* o = b + bootp_len + 4; o < end && *o != 255;) {
        if (*o == 0) { // pad
            ++o;
            continue;
        }
        if (end - o < 2 || end - o < 2 + o[1])
            return;
        if (o[0] == 53 && o[1] == 1)
            type = o[2];
        if (o[0] == 54 && o[1] == 4)
            server = get32(o + 2);
        o += 2 + o[1];
    }
    if (type != 2) // DHCPOFFER
        return;
    offer.seen = true;
    offer.yiaddr = get32(b + 16);
    offer.server = server;
}

void print_ip(const char* what, uint32_t a)
{
    printf("%s%u.%u.%u.%u", what, a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

constexpr uint64_t second_ns = 1000000000ull;

} // namespace

void Dhcp_probe::on_rx(void* probe)
{
    auto* p = static_cast<Dhcp_probe*>(probe);
    ++p->interrupts_;
    if (p->nic_)
        p->nic_->poll(*p);
}

void Dhcp_probe::frame(const uint8_t* data, size_t len)
{
    ++frames_;
    if (!offer_.seen)
        parse(data, len, xid_, offer_);
}

void Dhcp_probe::resend(void* probe)
{
    auto* p = static_cast<Dhcp_probe*>(probe);
    if (p->offer_.seen || p->timed_out_)
        return;
    if (p->nic_->send(p->discover_, p->discover_len_))
        ++p->sends_;
    (void)p->loop_.at(p->loop_.now_ns() + second_ns, resend, p);
}

void Dhcp_probe::expire(void* probe)
{
    static_cast<Dhcp_probe*>(probe)->timed_out_ = true;
}

bool Dhcp_probe::run(net::Nic& nic, uint64_t timeout_ns)
{
    nic_ = &nic;
    offer_ = Offer{};
    timed_out_ = false;
    discover_len_ = build_discover(discover_, nic.mac(), xid_);
    nic.poll(*this); // what came before any interrupt we saw
    resend(this);
    (void)loop_.at(loop_.now_ns() + timeout_ns, expire, this);
    while (!offer_.seen && !timed_out_)
        loop_.run_once();
    loop_.cancel(resend, this);
    loop_.cancel(expire, this);
    return offer_.seen;
}

void Dhcp_probe::print() const
{
    print_ip("net: DHCP OFFER of ", offer_.yiaddr);
    print_ip(" from server ", offer_.server);
    printf(" (%u frames, %u interrupts, %u DISCOVERs)\n", frames_, interrupts_, sends_);
}
