// A test dom0 kernel that brings up the NIC (tools/dom0/dom0_nic.hpp:
// PCI scan, legacy virtio-net, its INTx as a pirq event channel) and asks
// QEMU's user-mode network (slirp) for an address: a DHCP DISCOVER built
// by hand (RFC 2131 over UDP/IPv4 broadcast) goes out, and the OFFER that
// comes back (server 10.0.2.2 offering 10.0.2.15) is decoded and printed.
// The frames travel through the rings and the interrupt path both ways.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "tools/dom0/dom0_nic.hpp"
#include "tools/dom0/event_loop.hpp"

namespace {

dom0::Event_loop loop;
net::Nic* nic;
unsigned interrupts;
unsigned frames;

constexpr uint32_t xid = 0x58e17a01;
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
uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t* p) { return uint32_t{get16(p)} << 16 | get16(p + 2); }

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
size_t build_discover(uint8_t* f, const net::Mac& mac)
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

struct Offer {
    bool seen = false;
    uint32_t yiaddr = 0, server = 0;
} offer;

void print_ip(const char* what, uint32_t a)
{
    printf("%s%u.%u.%u.%u", what, a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

// Every length and offset checked against the frame: slirp is a friendly
// peer, but a parser is written for the hostile one.
void parse(const uint8_t* f, size_t len)
{
    if (len < eth_len + ip_len + udp_len + bootp_len + 4 || get16(f + 12) != 0x0800)
        return;
    const uint8_t* ip = f + eth_len;
    const size_t ihl = (ip[0] & 15u) * 4u;
    if ((ip[0] >> 4) != 4 || ihl < ip_len || ip[9] != 17 || len < eth_len + ihl + udp_len + bootp_len + 4)
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

struct Sink final : net::Frame_sink {
    void frame(const uint8_t* data, size_t len) override
    {
        ++frames;
        parse(data, len);
    }
} sink;

void on_rx(void*)
{
    ++interrupts;
    nic->poll(sink);
}

bool timed_out;
void on_timeout(void*) { timed_out = true; }

uint8_t discover[600];
size_t discover_len;
unsigned sends;

void on_resend(void*)
{
    if (offer.seen || timed_out)
        return;
    if (nic->send(discover, discover_len))
        ++sends;
    (void)loop.at(loop.now_ns() + 1000000000ull, on_resend, nullptr);
}

} // namespace

void guest_main(start_info_t*)
{
    CHECK(loop.init(), "event loop up (VIRQ_TIMER bound)");
    nic = dom0::nic_init(loop, on_rx, nullptr);
    CHECK(nic != nullptr, "nic_init found and set up virtio-net");
    if (!nic)
        gtest::finish();
    const net::Mac mac = nic->mac();
    CHECK(mac.b[0] == 0x52 && mac.b[1] == 0x54 && mac.b[2] == 0x00, "MAC from the device: QEMU's 52:54:00 prefix");
    uint8_t tiny[10] = {};
    CHECK(!nic->send(tiny, sizeof tiny), "a 10-byte frame is refused");
    nic->poll(sink);
    discover_len = build_discover(discover, mac);
    on_resend(nullptr);
    CHECK(sends == 1, "DHCP DISCOVER queued");
    (void)loop.at(loop.now_ns() + 20000000000ull, on_timeout, nullptr);
    while (!offer.seen && !timed_out)
        loop.run_once();
    CHECK(offer.seen, "a DHCP OFFER came back");
    CHECK(interrupts > 0, "  through the device's interrupt (pirq event channel)");
    if (offer.seen) {
        print_ip("net: DHCP OFFER of ", offer.yiaddr);
        print_ip(" from server ", offer.server);
        printf(" (%u frames, %u interrupts, %u DISCOVERs)\n", frames, interrupts, sends);
    }
    CHECK_EQ(offer.yiaddr, 0x0A00020F, "  offering 10.0.2.15");
    CHECK_EQ(offer.server, 0x0A000202, "  from 10.0.2.2");
    gtest::finish();
}
