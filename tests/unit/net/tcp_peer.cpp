#include "tests/unit/net/tcp_peer.hpp"

namespace net_test {

Tcp_peer::Tcp_peer(Fake_nic& nic, uint32_t ip_, uint16_t port_, uint8_t host_id)
    : ip(ip_), port(port_), mac{{0x02, 0, 0, 0, 0, host_id}}, nic_(nic)
{
    nic_.add_host(ip, mac);
}

void Tcp_peer::send_raw(const Tcp_fields& t, bool bad_sum)
{
    nic_.inbox.push_back(eth(stack_mac, mac, eth_ipv4, tcp(ip, stack_ip, t, bad_sum)));
}

void Tcp_peer::send(uint8_t flags, const std::string& d, bool bad_sum)
{
    Tcp_fields t;
    t.sport = port;
    t.dport = server_port;
    t.seq = snd_nxt;
    t.ack = (flags & ack) ? rcv_nxt : 0;
    t.flags = flags;
    t.wnd = wnd;
    t.payload.assign(d.begin(), d.end());
    send_raw(t, bad_sum);
    if (!bad_sum)
        snd_nxt += static_cast<uint32_t>(d.size()) + ((flags & (net_test::syn | fin)) ? 1u : 0u);
}

void Tcp_peer::send_syn(uint16_t dport)
{
    Tcp_fields t;
    t.sport = port;
    t.dport = dport;
    t.seq = snd_nxt;
    t.flags = net_test::syn;
    t.wnd = wnd;
    t.options = {2, 4, 0x05, 0xb4}; // MSS 1460
    send_raw(t);
    ++snd_nxt;
}

std::vector<Parsed> Tcp_peer::receive()
{
    const uint32_t me = ip;
    const uint16_t my_port = port;
    auto segs = nic_.take([&](const Parsed& p) {
        return p.proto == ip_tcp && p.ip_dst == me && p.tcp.dport == my_port;
    });
    bool news = false;
    for (const auto& s : segs) {
        const uint8_t f = s.tcp.flags;
        if (f & rst) {
            got_rst = true;
            continue;
        }
        if ((f & net_test::syn) && (f & ack)) {
            got_syn_ack = true;
            rcv_nxt = s.tcp.seq + 1;
            continue;
        }
        // A keepalive probe: one sequence number before what we expect,
        // no data (RFC 9293 3.8.4).
        if (s.payload.empty() && !(f & fin) && s.tcp.seq == rcv_nxt - 1) {
            ++keepalives;
            if (answer_keepalive)
                send(ack);
            continue;
        }
        // In-order data, or a retransmission overlapping what we have
        // (a zero-window probe byte is resent inside the next segment).
        const uint32_t behind = rcv_nxt - s.tcp.seq;
        if (!s.payload.empty() && behind < s.payload.size()) {
            data.append(s.payload.begin() + behind, s.payload.end());
            rcv_nxt += static_cast<uint32_t>(s.payload.size() - behind);
            news = true;
        }
        if ((f & fin) && s.tcp.seq + s.payload.size() == rcv_nxt && !got_fin) {
            got_fin = true;
            ++rcv_nxt;
            news = true;
        }
    }
    if (news && ack_data)
        send(ack);
    return segs;
}

void Echo_server::accepted(net::Tcp_conn& c)
{
    ++accepts;
    last = &c;
    last_peer_addr = c.peer_addr();
    last_peer_port = c.peer_port();
}

void Echo_server::received(net::Tcp_conn& c, const uint8_t* d, size_t n)
{
    const std::string s(reinterpret_cast<const char*>(d), n);
    got += s;
    last = &c;
    if (s == "abort") {
        c.abort();
        return;
    }
    if (echo) {
        EXPECT_EQ(c.write(d, n), n);
    }
    if (!reply.empty())
        reply_taken += c.write(reinterpret_cast<const uint8_t*>(reply.data()), reply.size());
    if (s == "close")
        c.close();
}

void Echo_server::writable(net::Tcp_conn& c)
{
    ++writables;
    writable_conns.push_back(&c);
}

void Echo_server::closed(net::Tcp_conn& c)
{
    ++closes;
    EXPECT_EQ(c.write(reinterpret_cast<const uint8_t*>("x"), 1), 0u)
        << "a closing conn takes no data";
    if (last == &c)
        last = nullptr;
}

} // namespace net_test
