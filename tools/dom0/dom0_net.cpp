#include "tools/dom0/dom0_net.hpp"

#include "console.hpp"
#include "tools/dom0/dom0_nic.hpp"

namespace dom0 {
namespace {

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

// "A.B.C.D" at s (advanced past it); false if it is not one.
bool parse_quad(const char*& s, uint32_t& out)
{
    uint32_t v = 0;
    for (int part = 0; part < 4; ++part) {
        if (part && *s++ != '.')
            return false;
        if (*s < '0' || *s > '9')
            return false;
        uint32_t n = 0;
        for (int digits = 0; *s >= '0' && *s <= '9'; ++s) {
            n = n * 10 + static_cast<uint32_t>(*s - '0');
            if (++digits > 3 || n > 255)
                return false;
        }
        v = v << 8 | n;
    }
    out = v;
    return true;
}

// The value of key= in the command line (a whole word), or nullptr.
const char* option(const char* cmdline, const char* key)
{
    size_t klen = 0;
    while (key[klen])
        ++klen;
    for (const char* p = cmdline; p && *p; ++p) {
        if (p != cmdline && p[-1] != ' ')
            continue;
        size_t i = 0;
        while (i < klen && p[i] == key[i])
            ++i;
        if (i == klen && p[i] == '=')
            return p + i + 1;
    }
    return nullptr;
}

} // namespace

bool parse_net_options(const char* cmdline, Net_options& out)
{
    out = Net_options{};
    if (const char* v = option(cmdline, "net"); v && v[0] == '0' && (v[1] == ' ' || !v[1]))
        out.enabled = false;
    const char* v = option(cmdline, "ip");
    if (!v || (v[0] == 'd' && v[1] == 'h' && v[2] == 'c' && v[3] == 'p'))
        return true;
    uint32_t addr = 0, gw = 0, bits = 0;
    const char* s = v;
    bool ok = parse_quad(s, addr) && *s++ == '/';
    for (int digits = 0; ok && *s >= '0' && *s <= '9'; ++s)
        bits = bits * 10 + static_cast<uint32_t>(*s - '0'), ok = ++digits <= 2;
    ok = ok && bits >= 1 && bits <= 32;
    if (ok && *s == ',') {
        ++s;
        ok = parse_quad(s, gw);
    }
    ok = ok && (*s == ' ' || !*s);
    if (!ok) {
        printf("net: ip= wants A.B.C.D/NN[,GATEWAY] or dhcp: the network stays off\n");
        out.enabled = false;
        return false;
    }
    out.static_ip = true;
    out.ip = {addr, ~0u << (32 - bits), gw};
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
