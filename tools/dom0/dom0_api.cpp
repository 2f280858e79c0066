#include "tools/dom0/dom0_api.hpp"

#include "console.hpp"
#include "hypercall.hpp"
#include "tools/dom0/dom0_net.hpp"
#include "tools/dom0/dom0_options.hpp"
#include "tools/lib/api/token.hpp"

namespace dom0 {
namespace {

using toolstack::Str;

// One TCP connection as the server sees it. After the server's own
// close() or abort() lwIP calls back no more, so the server's closed()
// for it is made from the next service() round, outside the server's
// own call chain, as its contract asks.
api::Token token; // printed with the address, when the API can be reached

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
        printf("api: token %s\n", token.text);
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

uint64_t rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return uint64_t{hi} << 32 | lo;
}

// api_token= on dom0's command line (tools/dev.sh run sets one), else the
// ramdisk's /etc/xenith/api-token, else one made at boot.
void choose_token(const char* cmdline, fs::File_system& files, uint64_t now)
{
    Str given;
    uint32_t from = 0;
    if (cmdline_option(cmdline, "api_token", given, from)) {
        if (api::token_from_file(given, token))
            return;
        printf("api: api_token= is empty, too long or not printable ASCII: making one\n");
    }
    Str file;
    if (files.read("/etc/xenith/api-token", file) == fs::Err::none) {
        if (api::token_from_file(file, token))
            return;
        printf("api: /etc/xenith/api-token holds no usable token: making one\n");
    }
    token = api::token_from_entropy(rdtsc(), now);
}

} // namespace

bool api_start(Event_loop& loop, const char* cmdline, xl::Toolstack& ts, fs::File_system& files,
               const toolstack::Allocator& a)
{
    Net_options opts;
    if (!parse_net_options(cmdline, opts) || !opts.enabled)
        return false;
    choose_token(cmdline, files, loop.now_ns());
    api::Server_config cfg;
    cfg.token = token.str();
    // What Xen's xl info calls xen_major.xen_minor: the version this
    // hypervisor reports to guests.
    static char version[24];
    int32_t v = hc::xen_version(XENVER_version);
    format(version, sizeof version, "%d.%d", v >> 16, v & 0xffff);
    cfg.xen_version = version;
    cfg.files = www_files;
    cfg.n_files = www_file_count;
    cfg.fs = &files;
    bridge.alloc = a;
    bridge.server = api::Server::create(ts, a, cfg);
    if (!bridge.server) {
        printf("api: out of memory for the server\n");
        return false;
    }
    // lwIP's random numbers (DHCP xids, ports, ISNs): the TSC now, which
    // differs from the token's draw.
    if (!net_start(loop, opts, rdtsc() * 0x9e3779b97f4a7c15ull ^ loop.now_ns(), 80, bridge, bridge))
        return false;
    return true;
}

void api_kick() { net_kick(); }

} // namespace dom0
