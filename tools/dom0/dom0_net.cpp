#include "tools/dom0/dom0_net.hpp"

#include "console.hpp"
#include "tools/dom0/dom0_nic.hpp"
#include "tools/dom0/dom0_options.hpp"

namespace dom0 {
namespace {

using toolstack::Str;

struct Net_state {
    Event_loop* loop = nullptr;
    net::Nic* nic = nullptr;
    net::Stack stack;
    net::Tcp_handler* handler = nullptr;
    Net_client* client = nullptr;
    uint16_t port = 0;
    bool listening = false;
};
constinit Net_state state;

uint64_t now_ms(void*) { return state.loop->now_ns() / 1000000u; }

void on_timer(void*);

void service()
{
    state.stack.poll();
    uint64_t next = state.stack.next_timeout_ms() * 1000000u;
    if (state.listening) {
        uint64_t c = state.client->service();
        if (c && c < next)
            next = c;
    }
    state.loop->at(next, on_timer, nullptr);
}

void on_timer(void*) { service(); }
void on_rx(void*) { service(); }

void on_address(void*, const net::Ip4& ip)
{
    if (!net::tcp_listen(state.port, *state.handler)) {
        printf("net: cannot listen on TCP port %u\n", state.port);
        return;
    }
    state.listening = true;
    state.client->listening(ip, state.port);
}

// "A.B.C.D", the whole of s.
bool parse_quad(Str s, uint32_t& out)
{
    uint32_t v = 0;
    for (int part = 0; part < 4; ++part) {
        uint32_t end = part < 3 ? s.find('.') : s.n;
        uint64_t n = 0;
        if (end == s.n && part < 3)
            return false;
        if (end > 3 || !toolstack::parse_u64(s.prefix(end), 255, n))
            return false;
        v = v << 8 | static_cast<uint32_t>(n);
        s = s.sub(end + 1);
    }
    out = v;
    return true;
}

} // namespace

bool parse_net_options(const char* cmdline, Net_options& out)
{
    out = Net_options{};
    Str line(cmdline);
    if (cmdline_option(line, "net") == "0")
        out.enabled = false;
    Str v;
    uint32_t from = 0;
    if (!cmdline_option(line, "ip", v, from) || v.starts_with("dhcp"))
        return true;
    // A.B.C.D/NN[,GATEWAY]
    uint32_t slash = v.find('/'), comma = v.find(',');
    uint32_t addr = 0, gw = 0;
    uint64_t bits = 0;
    Str prefix_len = slash < comma ? Str(v.p + slash + 1, comma - slash - 1) : Str();
    bool ok = slash < comma && parse_quad(v.prefix(slash), addr) && prefix_len.n <= 2 &&
              toolstack::parse_u64(prefix_len, 32, bits) && bits >= 1 &&
              (comma == v.n || parse_quad(v.sub(comma + 1), gw));
    if (!ok) {
        printf("net: ip= wants A.B.C.D/NN[,GATEWAY] or dhcp: the network stays off\n");
        out.enabled = false;
        return false;
    }
    out.static_ip = true;
    out.ip = {addr, ~0u << (32 - static_cast<uint32_t>(bits)), gw};
    return true;
}

bool net_start(Event_loop& loop, const Net_options& opts, uint64_t random_seed, uint16_t port,
               net::Tcp_handler& handler, Net_client& client)
{
    state.loop = &loop;
    state.handler = &handler;
    state.client = &client;
    state.port = port;
    state.nic = nic_init(loop, on_rx, nullptr);
    if (!state.nic)
        return false;
    state.stack.set_random_seed(random_seed);
    state.stack.on_address(on_address, nullptr);
    if (!state.stack.start(*state.nic, opts.static_ip ? &opts.ip : nullptr, now_ms, nullptr)) {
        printf("net: the TCP/IP stack did not start\n");
        return false;
    }
    if (!opts.static_ip)
        printf("net: asking for an address by DHCP\n");
    service();
    return true;
}

void net_kick()
{
    if (state.nic)
        service();
}

void net_kick_soon()
{
    if (state.nic)
        state.loop->at(state.loop->now_ns(), on_timer, nullptr);
}

} // namespace dom0
