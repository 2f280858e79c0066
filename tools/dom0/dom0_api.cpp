#include "tools/dom0/dom0_api.hpp"

#include "console.hpp"
#include "tools/dom0/dom0_net.hpp"

namespace dom0 {
namespace {

// One TCP connection as the server sees it. After the server's own
// close() or abort() lwIP calls back no more, so the server's closed()
// for it is made from the next service() round, outside the server's
// own call chain, as its contract asks.
struct Link final : api::Conn {
    net::Tcp_conn* tcp = nullptr;
    void* session = nullptr;
    Link* next_done = nullptr;

    size_t write(const uint8_t* d, size_t n) override { return tcp ? tcp->write(d, n) : 0; }
    size_t send_space() const override { return tcp ? tcp->send_space() : 0; }
    void close() override { finish(false); }
    void abort() override { finish(true); }
    void finish(bool reset);
};

class Bridge final : public net::Tcp_handler, public Net_client {
public:
    api::Server* server = nullptr;
    toolstack::Allocator alloc;
    Link* done = nullptr; // links whose closed() is still to be told

    void accepted(net::Tcp_conn& c) override
    {
        Link* l = toolstack::create<Link>(alloc);
        if (!l) {
            c.abort();
            return;
        }
        l->tcp = &c;
        c.user = l;
        l->session = server->accepted(*l);
    }
    void received(net::Tcp_conn& c, const uint8_t* d, size_t n) override
    {
        if (auto* l = static_cast<Link*>(c.user))
            server->received(l->session, d, n);
    }
    void writable(net::Tcp_conn& c) override
    {
        if (auto* l = static_cast<Link*>(c.user))
            server->writable(l->session);
    }
    void closed(net::Tcp_conn& c) override
    {
        auto* l = static_cast<Link*>(c.user);
        if (!l)
            return;
        c.user = nullptr;
        l->tcp = nullptr;
        server->closed(l->session);
        toolstack::destroy(alloc, l);
    }
    uint64_t service() override
    {
        while (Link* l = done) {
            done = l->next_done;
            server->closed(l->session);
            toolstack::destroy(alloc, l);
        }
        server->tick();
        return server->next_deadline_ns();
    }
    void listening(const net::Ip4& ip, uint16_t port) override
    {
        printf("api: listening on http://%u.%u.%u.%u:%u/\n", ip.addr >> 24, ip.addr >> 16 & 255,
               ip.addr >> 8 & 255, ip.addr & 255, port);
    }
};
Bridge bridge;

void Link::finish(bool reset)
{
    if (!tcp)
        return;
    tcp->user = nullptr;
    if (reset)
        tcp->abort();
    else
        tcp->close();
    tcp = nullptr;
    next_done = bridge.done;
    bridge.done = this;
    net_kick_soon();
}

// The value of key= in the command line (a whole word), up to a space.
Str option(const char* cmdline, Str key)
{
    Str line(cmdline);
    for (uint32_t i = 0; i + key.n < line.n; ++i)
        if ((i == 0 || line[i - 1] == ' ') && line.sub(i).starts_with(key) && line[i + key.n] == '=') {
            uint32_t b = i + key.n + 1, e = b;
            while (e < line.n && line[e] != ' ')
                ++e;
            return Str(line.p + b, e - b);
        }
    return Str();
}

uint64_t rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return uint64_t{hi} << 32 | lo;
}

// splitmix64: spreads the TSC's few unpredictable low bits over a word.
uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

char token_buf[65];

Str make_token(const char* cmdline, fs::File_system& files, uint64_t seed)
{
    Str t = option(cmdline, "api_token");
    if (t.n == 0) {
        Str file;
        if (files.read("/etc/xenith/api-token", file) == fs::Err::none) {
            // The first line, without the blanks around it.
            uint32_t b = 0, e = 0;
            while (b < file.n && (file[b] == ' ' || file[b] == '\t'))
                ++b;
            e = b;
            while (e < file.n && file[e] != '\n' && file[e] != '\r')
                ++e;
            while (e > b && (file[e - 1] == ' ' || file[e - 1] == '\t'))
                --e;
            t = Str(file.p + b, e - b);
        }
    }
    // A token travels in a header: printable ASCII without blanks only.
    bool usable = t.n > 0 && t.n < sizeof token_buf;
    for (uint32_t i = 0; usable && i < t.n; ++i)
        usable = t[i] > ' ' && t[i] < 127;
    if (t.n > 0 && !usable)
        printf("api: the given token is empty, too long or not printable ASCII: making one\n");
    if (usable) {
        for (uint32_t i = 0; i < t.n; ++i)
            token_buf[i] = t[i];
        token_buf[t.n] = 0;
        return Str(token_buf, t.n);
    }
    static const char hex[] = "0123456789abcdef";
    uint64_t v = mix(seed);
    for (int i = 0; i < 16; ++i)
        token_buf[i] = hex[v >> (60 - 4 * i) & 15];
    token_buf[16] = 0;
    return Str(token_buf, 16);
}

} // namespace

bool api_start(Event_loop& loop, const char* cmdline, xl::Toolstack& ts, fs::File_system& files,
               const toolstack::Allocator& a)
{
    Net_options opts;
    if (!parse_net_options(cmdline, opts) || !opts.enabled)
        return false;
    uint64_t seed = mix(rdtsc() ^ loop.now_ns());
    api::Server_config cfg;
    cfg.token = make_token(cmdline, files, mix(seed ^ rdtsc()));
    cfg.files = www_files;
    cfg.n_files = www_file_count;
    cfg.fs = &files;
    bridge.alloc = a;
    bridge.server = api::Server::create(ts, a, cfg);
    if (!bridge.server) {
        printf("api: out of memory for the server\n");
        return false;
    }
    if (!net_start(loop, opts, seed, 80, bridge, bridge))
        return false;
    printf("api: token %s\n", token_buf);
    return true;
}

void api_kick() { net_kick(); }

} // namespace dom0
