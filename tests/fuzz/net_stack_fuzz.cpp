// Plays a hostile network at net::Stack (tools/lib/net on lwIP): each
// input is a list of records, each one of
//   0 len bytes        a raw Ethernet frame, as given
//   1 len peer bytes   an IPv4 packet from one of 4 peers to the stack: peer's
//                      bits 0-1 pick the peer, 2-3 the protocol (TCP twice, UDP,
//                      ICMP); bytes are the payload after the IP header, which
//                      is added with its checksum; a TCP checksum is fixed
//                      too, and with bit 4 the TCP ack number is set to what
//                      the stack sent last (its ISN is not guessable, and the
//                      fuzzer must reach TCP's states)
//   2 n                the clock moves by n * 50 ms (one poll per 250 ms)
//   3 i what           the handler acts on live connection i: write, close,
//                      abort
// With bit 7 of the first byte set the stack starts by DHCP instead of a
// static address; a UDP packet with bit 4 of peer set then gets the xid
// of the client's last message and its MAC as chaddr (the DHCP client
// checks both before it reads any option), and no UDP checksum.
// An echo server listens on port 80. What must hold for any input:
//   - no crash, no ASan/UBSan report, no lwIP assertion;
//   - callbacks name only live connections: accepted gives a new one,
//     received/writable/closed a live one, nothing after its close(),
//     abort() or closed();
//   - write() never takes more than send_space() said;
//   - after Stack::stop() every live connection was closed().
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include "tests/unit/net/frames.hpp"
#include "tools/lib/net/stack.hpp"
#include "tools/lib/net/tcp.hpp"

namespace {

using namespace net_test;

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

// NET_FUZZ_TRACE=1 prints the handler's callbacks (to see what a seed reaches).
void trace(const char* what, const void* c)
{
    static const bool on = std::getenv("NET_FUZZ_TRACE") != nullptr;
    if (on)
        std::fprintf(stderr, "%s %p\n", what, c);
}

constexpr net::Mac stack_mac{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
constexpr uint32_t stack_ip = 0x0a00020f;

struct Nic final : net::Nic {
    net::Mac mac() const override { return stack_mac; }
    bool send(const uint8_t* f, size_t n) override
    {
        check(n >= 14 && n <= 1518);
        // Answer ARP for the peers 10.0.2.100..103.
        if (n >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1) {
            const uint32_t tpa = get32(f + 38);
            if (tpa >= 0x0a000264 && tpa < 0x0a000268) {
                const net::Mac peer{{0x02, 0, 0, 0, 0, static_cast<uint8_t>(tpa)}};
                net::Mac req{};
                for (int i = 0; i < 6; ++i)
                    req.b[i] = f[6 + i];
                inbox.push_back(eth(req, peer, eth_arp, arp(2, peer, tpa, req, get32(f + 28))));
            }
        }
        // Remember the DHCP client's last xid (UDP 68 -> 67).
        if (n >= 14 + 20 + 8 + 8 && f[12] == 0x08 && f[13] == 0x00 && f[23] == ip_udp &&
            get16(f + 34) == 68 && get16(f + 36) == 67)
            xid = get32(f + 14 + 20 + 8 + 4);
        // Remember the stack's next sequence number per peer and port.
        if (n >= 54 && f[12] == 0x08 && f[13] == 0x00 && f[23] == ip_tcp) {
            const size_t ihl = size_t{static_cast<uint8_t>(f[14] & 0xf)} * 4;
            const size_t total = get16(f + 16);
            if (total <= n - 14 && ihl >= 20 && total >= ihl + 20) {
                const uint8_t* t = f + 14 + ihl;
                const size_t off = size_t{static_cast<uint8_t>(t[12] >> 4)} * 4;
                const uint8_t flags = t[13];
                uint32_t next = get32(t + 4) + static_cast<uint32_t>(total - ihl - off);
                next += (flags & 0x03) ? 1u : 0u; // SYN or FIN
                next_seq[{get32(f + 30), get16(t + 2)}] = next;
                if (std::getenv("NET_FUZZ_TRACE"))
                    std::fprintf(stderr, "out .%u:%u seq %08x ack %08x flags %02x wnd %u len %zu\n",
                                 f[33], get16(t + 2), get32(t + 4), get32(t + 8), flags,
                                 get16(t + 14), total - ihl - off);
            }
        }
        return true;
    }
    size_t poll(net::Frame_sink& s) override
    {
        std::vector<Bytes> now;
        now.swap(inbox);
        for (auto& f : now)
            s.frame(f.data(), f.size());
        return now.size();
    }
    std::vector<Bytes> inbox;
    std::map<std::pair<uint32_t, uint16_t>, uint32_t> next_seq;
    uint32_t xid = 0;
};

struct Server final : net::Tcp_handler {
    void accepted(net::Tcp_conn& c) override
    {
        trace("accepted", &c);
        check(!live.count(&c));
        live.insert(&c);
        order.push_back(&c);
    }
    void received(net::Tcp_conn& c, const uint8_t* d, size_t n) override
    {
        trace("received", &c);
        check(live.count(&c) && n > 0);
        write(c, d, n);
    }
    void writable(net::Tcp_conn& c) override
    {
        trace("writable", &c);
        check(live.count(&c));
    }
    void closed(net::Tcp_conn& c) override
    {
        trace("closed", &c);
        check(live.count(&c));
        forget(c);
    }
    void write(net::Tcp_conn& c, const uint8_t* d, size_t n)
    {
        const size_t space = c.send_space();
        check(c.write(d, n) <= space);
    }
    void forget(net::Tcp_conn& c)
    {
        live.erase(&c);
        for (auto& p : order)
            if (p == &c)
                p = nullptr;
    }
    std::set<net::Tcp_conn*> live;
    std::vector<net::Tcp_conn*> order;
};

uint64_t now_ms = 0;
uint64_t clock(void*)
{
    return now_ms;
}

void fix_tcp(Nic& nic, Bytes& ip, bool auto_ack)
{
    const size_t ihl = size_t{static_cast<uint8_t>(ip[0] & 0xf)} * 4;
    if (ip[9] != ip_tcp || ip.size() < ihl + 20)
        return;
    if (auto_ack) {
        auto it = nic.next_seq.find({get32(&ip[12]), get16(&ip[ihl])});
        if (it != nic.next_seq.end())
            for (int k = 0; k < 4; ++k)
                ip[ihl + 8 + static_cast<size_t>(k)] =
                    static_cast<uint8_t>(it->second >> (24 - 8 * k));
    }
    const size_t len = ip.size() - ihl;
    ip[ihl + 16] = ip[ihl + 17] = 0;
    const uint32_t src = get32(&ip[12]), dst = get32(&ip[16]);
    const uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + ip_tcp +
                            static_cast<uint32_t>(len);
    const uint16_t sum = checksum(&ip[ihl], len, pseudo);
    ip[ihl + 16] = static_cast<uint8_t>(sum >> 8);
    ip[ihl + 17] = static_cast<uint8_t>(sum);
}

// A packet from peer p: the fuzzer's bytes after a fixed IPv4 header (so
// it can write the protocol and the TCP header itself).
void inject_ip(Nic& nic, uint8_t peer, const uint8_t* d, size_t n)
{
    const uint32_t src = 0x0a000264 + (peer & 3u);
    const uint8_t protos[4] = {ip_tcp, ip_tcp, ip_udp, ip_icmp};
    Bytes ip = ipv4(src, stack_ip, protos[(peer >> 2) & 3], Bytes(d, d + n));
    fix_tcp(nic, ip, peer & 0x10);
    if (ip[9] == ip_udp && (peer & 0x10) && ip.size() >= 20 + 8 + 34) {
        ip[26] = ip[27] = 0; // no UDP checksum
        for (int k = 0; k < 4; ++k)
            ip[20 + 8 + 4 + static_cast<size_t>(k)] = static_cast<uint8_t>(nic.xid >> (24 - 8 * k));
        for (int k = 0; k < 6; ++k)
            ip[20 + 8 + 28 + static_cast<size_t>(k)] = stack_mac.b[k];
    }
    if (std::getenv("NET_FUZZ_TRACE") && ip[9] == ip_tcp && ip.size() >= 40)
        std::fprintf(stderr, "in  .%u:%u seq %08x ack %08x flags %02x wnd %u size %zu\n",
                     src & 0xff, get16(&ip[20]), get32(&ip[24]), get32(&ip[28]), ip[33],
                     get16(&ip[34]), ip.size() - 20);
    const net::Mac mac{{0x02, 0, 0, 0, 0, static_cast<uint8_t>(src)}};
    nic.inbox.push_back(eth(stack_mac, mac, eth_ipv4, ip));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static Nic nic;
    static Server server;
    static net::Stack stack;
    nic.inbox.clear();
    const net::Ip4 cfg{stack_ip, 0xffffff00, 0x0a000202};
    const bool dhcp = size > 0 && (data[0] & 0x80);
    check(stack.start(nic, dhcp ? nullptr : &cfg, clock, nullptr));
    check(net::tcp_listen(80, server));

    size_t i = 0;
    while (i < size) {
        const uint8_t op = data[i++] & 3;
        if (op == 0 || op == 1) {
            if (i + 2 > size)
                break;
            size_t len = size_t{data[i]} | size_t{data[i + 1]} << 8;
            i += 2;
            if (len > size - i)
                len = size - i;
            if (op == 0)
                nic.inbox.emplace_back(data + i, data + i + len);
            else if (len >= 1)
                inject_ip(nic, data[i], data + i + 1, len - 1);
            i += len;
            stack.poll();
        } else if (op == 2) {
            if (i >= size)
                break;
            uint64_t left = uint64_t{data[i++]} * 50;
            while (left) {
                const uint64_t step = left < 250 ? left : 250;
                now_ms += step;
                left -= step;
                stack.poll();
            }
        } else {
            if (i + 2 > size)
                break;
            const size_t which = data[i];
            const uint8_t what = data[i + 1] % 3;
            i += 2;
            if (server.order.empty())
                continue;
            net::Tcp_conn* c = server.order[which % server.order.size()];
            if (!c)
                continue;
            if (what == 0) {
                static const uint8_t bulk[4096] = {};
                server.write(*c, bulk, sizeof bulk);
            } else {
                server.forget(*c);
                if (what == 1)
                    c->close();
                else
                    c->abort();
            }
            stack.poll();
        }
    }
    if (stack.has_address())
        trace("addressed", nullptr);
    stack.stop();
    check(server.live.empty());
    server.order.clear();
    return 0;
}
