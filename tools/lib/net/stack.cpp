// net::Stack: lwIP's one netif on a net::Nic, DHCP or a static address,
// and the NO_SYS timer loop.
#include "tools/lib/net/stack.hpp"

#include "tools/lib/net/lwip/port.hpp"
#include "tools/lib/net/lwip_glue.hpp"

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

namespace net {
namespace {

// Frames are copied out of the Nic into pbufs first and fed to lwIP after
// Nic::poll() returns, so lwIP's replies (Nic::send) never run inside the
// driver's poll. A batch beyond the queue is dropped (TCP retransmits).
constexpr size_t rx_batch = 256;
constexpr int rx_rounds = 4;
// An Ethernet frame without FCS, with room for one VLAN tag.
constexpr size_t max_frame = 1518;
constexpr size_t min_frame = 14;

struct State {
    bool lwip_ready = false;
    bool started = false;
    bool dhcp = false;
    bool notified = false;
    Nic* nic = nullptr;
    netif nif{};
    void (*addr_fn)(void*, const Ip4&) = nullptr;
    void* addr_ctx = nullptr;
    bool seeded = false;
    uint64_t seed = 0;
    pbuf* rx[rx_batch]{};
    size_t rx_count = 0;
    uint8_t tx[max_frame]{};
    Stack::Counters counters{};
};
State g;

uint32_t host(const ip4_addr_t* a)
{
    return lwip_ntohl(ip4_addr_get_u32(a));
}

Ip4 current()
{
    return Ip4{host(netif_ip4_addr(&g.nif)), host(netif_ip4_netmask(&g.nif)),
               host(netif_ip4_gw(&g.nif))};
}

bool addressed()
{
    return g.started && netif_is_up(&g.nif) && !ip4_addr_isany_val(*netif_ip4_addr(&g.nif));
}

void notify_address()
{
    if (g.notified || !g.addr_fn || !addressed())
        return;
    g.notified = true;
    g.addr_fn(g.addr_ctx, current());
}

void status_changed(netif*)
{
    notify_address();
}

err_t link_output(netif*, pbuf* p)
{
    if (p->tot_len > sizeof g.tx || pbuf_copy_partial(p, g.tx, p->tot_len, 0) != p->tot_len) {
        ++g.counters.tx_failed;
        return ERR_IF;
    }
    if (!g.nic->send(g.tx, p->tot_len)) {
        ++g.counters.tx_failed;
        return ERR_IF;
    }
    ++g.counters.tx_frames;
    return ERR_OK;
}

err_t netif_setup(netif* n)
{
    const Mac m = g.nic->mac();
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->hwaddr_len = ETH_HWADDR_LEN;
    for (size_t i = 0; i < ETH_HWADDR_LEN; ++i)
        n->hwaddr[i] = m.b[i];
    n->mtu = static_cast<u16_t>(g.nic->mtu());
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    n->output = etharp_output;
    n->linkoutput = link_output;
    return ERR_OK;
}

class Rx_queue final : public Frame_sink {
public:
    void frame(const uint8_t* d, size_t n) override
    {
        ++g.counters.rx_frames;
        if (n < min_frame || n > max_frame || g.rx_count == rx_batch) {
            ++g.counters.rx_dropped;
            return;
        }
        pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(n), PBUF_POOL);
        if (!p) {
            ++g.counters.rx_dropped;
            return;
        }
        if (pbuf_take(p, d, static_cast<u16_t>(n)) != ERR_OK) {
            pbuf_free(p);
            ++g.counters.rx_dropped;
            return;
        }
        g.rx[g.rx_count++] = p;
    }
};

void feed_rx_queue()
{
    for (size_t i = 0; i < g.rx_count; ++i) {
        if (!lwip_glue::tcp_segment_acceptable(g.rx[i])) {
            ++g.counters.rx_dropped;
            pbuf_free(g.rx[i]);
            continue;
        }
        // The netif's input consumes the pbuf unless it fails.
        if (g.nif.input(g.rx[i], &g.nif) != ERR_OK)
            pbuf_free(g.rx[i]);
    }
    g.rx_count = 0;
}

void drop_rx_queue()
{
    for (size_t i = 0; i < g.rx_count; ++i)
        pbuf_free(g.rx[i]);
    g.rx_count = 0;
}

uint64_t mix_seed()
{
    const Mac m = g.nic->mac();
    uint64_t s = lwip_port::now_ms();
    for (uint8_t b : m.b)
        s = (s << 8 | b) ^ (s >> 56);
    return s;
}

} // namespace

void lwip_glue::ensure_init()
{
    if (g.lwip_ready)
        return;
    // lwip_init() builds lwIP's pools and timer list; it runs once per
    // program, stop()/start() reuse them.
    lwip_init();
    g.lwip_ready = true;
}

bool Stack::start(Nic& nic, const Ip4* cfg, uint64_t (*now_ms)(void*), void* ctx)
{
    const size_t mtu = nic.mtu();
    if (g.started || !now_ms || mtu < 576 || mtu > max_frame - 18)
        return false;
    lwip_port::set_clock(now_ms, ctx);
    g.nic = &nic;
    lwip_port::seed(g.seeded ? g.seed : mix_seed());
    lwip_glue::ensure_init();

    ip4_addr_t a, m, gw;
    ip4_addr_set_u32(&a, cfg ? lwip_htonl(cfg->addr) : 0);
    ip4_addr_set_u32(&m, cfg ? lwip_htonl(cfg->netmask) : 0);
    ip4_addr_set_u32(&gw, cfg ? lwip_htonl(cfg->gateway) : 0);
    if (!netif_add(&g.nif, &a, &m, &gw, nullptr, netif_setup, netif_input))
        return false;
    g.started = true;
    g.dhcp = cfg == nullptr;
    g.notified = false;
    netif_set_default(&g.nif);
    netif_set_status_callback(&g.nif, status_changed);
    netif_set_link_up(&g.nif);
    netif_set_up(&g.nif);
    if (g.dhcp && dhcp_start(&g.nif) != ERR_OK) {
        stop();
        return false;
    }
    return true;
}

void Stack::stop()
{
    if (!g.started)
        return;
    drop_rx_queue();
    lwip_glue::drop_all_tcp();
    if (g.dhcp) {
        dhcp_stop(&g.nif);
        dhcp_cleanup(&g.nif);
    }
    netif_set_down(&g.nif);
    netif_remove(&g.nif);
    g.nif = netif{};
    g.started = false;
    // The callback belongs to this run: the next start() gets its own.
    g.addr_fn = nullptr;
    g.addr_ctx = nullptr;
}

void Stack::poll()
{
    if (!g.started)
        return;
    Rx_queue q;
    // A driver may hand over its frames in bounded batches: a few rounds,
    // bounded too, so one busy NIC cannot keep the event loop here.
    for (int round = 0; round < rx_rounds && g.nic->poll(q) > 0; ++round)
        feed_rx_queue();
    feed_rx_queue();
    lwip_glue::tcp_keep_invariants();
    sys_check_timeouts();
}

uint64_t Stack::next_timeout_ms()
{
    const u32_t sleep = sys_timeouts_sleeptime();
    if (sleep == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
        return UINT64_MAX;
    // sys_now() is the caller's clock plus a fixed offset (port.hpp), so
    // the delay carries over to the caller's clock as it is.
    return lwip_port::caller_now_ms() + sleep;
}

bool Stack::has_address() const
{
    return addressed();
}

Ip4 Stack::address() const
{
    return addressed() ? current() : Ip4{0, 0, 0};
}

void Stack::on_address(void (*fn)(void*, const Ip4&), void* ctx)
{
    g.addr_fn = fn;
    g.addr_ctx = ctx;
    notify_address();
}

void Stack::set_random_seed(uint64_t seed)
{
    g.seeded = true;
    g.seed = seed;
}

void Stack::on_panic(void (*fn)(const char*, const char*, int))
{
    lwip_port::set_panic(fn);
}

Stack::Counters Stack::counters() const
{
    return g.counters;
}

} // namespace net
