// net::Tcp_conn and tcp_listen on lwIP's raw TCP API.
//
// lwIP's rules, and how they are kept here:
// - A pcb's callbacks get the Tcp_conn as arg; the conn is detached (arg
//   and every callback cleared) before tcp_close/tcp_abort, so lwIP never
//   calls back for a connection the handler has let go.
// - Received data is acknowledged (tcp_recved) before the handler sees it:
//   the handler consumes it at once, and tcp_close then never finds an
//   unread window (which would make lwIP send RST instead of FIN).
// - The error callback means lwIP already freed the pcb: only the conn is
//   released there.
// - A callback that (directly or through the handler) aborted its own pcb
//   must return ERR_ABRT, and must not touch the pcb again.
// - tcp_close does not fail for want of memory (lwIP keeps the FIN
//   pending, TF_CLOSEPEND, and retries it from its timer).
// - Nothing is written before the peer has offered a window of 2 bytes
//   or more: tcp_write sizes segments by min(mss, largest window / 2) and
//   falls back to the full MSS while that is 0; a segment queued then
//   trips lwIP 2.1.3's "mss_local is too small" assertion in the next
//   tcp_write once a small window arrives (found by net_stack_fuzz). The
//   largest window only grows, so after that the size never shrinks.
// - writable() must follow every refusal: a write refused for want of a
//   window, or of lwIP's shared heap or segments (other connections hold
//   them), may have nothing in flight whose ACK would call sent. So a
//   refused conn is marked, and a poll every second calls writable()
//   once send_space() is there again.
// - When the pcb pool is full lwIP drops the SYN itself (tcp_alloc fails
//   and accept is called with ERR_MEM); a full conn pool (cannot happen:
//   one conn per pcb) refuses with RST.
#include "tools/lib/net/tcp.hpp"

#include "tools/lib/net/lwip_glue.hpp"

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

// lwIP's tcp_listen(pcb) macro would swallow our net::tcp_listen.
#undef tcp_listen

namespace net {

struct Tcp_glue {
    static constexpr size_t max_conns = MEMP_NUM_TCP_PCB;
    static constexpr size_t max_listeners = MEMP_NUM_TCP_PCB_LISTEN;

    static Tcp_conn conns[max_conns];
    static tcp_pcb* listeners[max_listeners];
    // The pcb whose callback is running, and whether it was aborted in it.
    static tcp_pcb* cb_pcb;
    static bool cb_aborted;

    static tcp_pcb* pcb(const Tcp_conn& c) { return static_cast<tcp_pcb*>(c.pcb_); }
    static bool live(const Tcp_conn& c) { return c.in_use_ && c.pcb_ && !c.closing_; }

    static Tcp_conn* alloc()
    {
        for (auto& c : conns)
            if (!c.in_use_) {
                c = Tcp_conn{};
                c.in_use_ = true;
                return &c;
            }
        return nullptr;
    }

    static void release(Tcp_conn& c) { c = Tcp_conn{}; }

    static constexpr u8_t poll_interval = 2; // x 500 ms (TCP_SLOW_INTERVAL)

    static void attach(Tcp_conn& c)
    {
        tcp_pcb* p = pcb(c);
        tcp_arg(p, &c);
        tcp_recv(p, on_recv);
        tcp_sent(p, on_sent);
        tcp_err(p, on_err);
        tcp_poll(p, on_poll, poll_interval);
    }

    // See the top of the file: no write before a window of 2 bytes.
    static bool window_known(const tcp_pcb* p) { return p->snd_wnd_max >= 2; }

    static void detach(tcp_pcb* p)
    {
        tcp_arg(p, nullptr);
        tcp_recv(p, nullptr);
        tcp_sent(p, nullptr);
        tcp_err(p, nullptr);
        tcp_poll(p, nullptr, 0);
    }

    // Runs a handler callback for pcb p; true if p was aborted meanwhile.
    template <class F> static bool run(tcp_pcb* p, F&& f)
    {
        cb_pcb = p;
        cb_aborted = false;
        f();
        const bool aborted = cb_aborted;
        cb_pcb = nullptr;
        cb_aborted = false;
        return aborted;
    }

    static void abort_pcb(Tcp_conn& c)
    {
        tcp_pcb* p = pcb(c);
        detach(p);
        if (p == cb_pcb)
            cb_aborted = true;
        release(c);
        tcp_abort(p);
    }

    // Our FIN, after the data already queued; the conn is released first
    // (no callback reaches it). lwIP retries a FIN it has no memory for
    // itself (TF_CLOSEPEND), so tcp_close fails only on a pcb it cannot
    // close at all: that one is reset. Returns true if p was aborted.
    static bool finish(Tcp_conn& c, tcp_pcb* p)
    {
        detach(p);
        release(c);
        if (tcp_close(p) == ERR_OK)
            return false;
        tcp_abort(p);
        return true;
    }

    static err_t on_accept(void* arg, tcp_pcb* np, err_t err)
    {
        auto* h = static_cast<Tcp_handler*>(arg);
        // ERR_MEM with no pcb: lwIP's pool is full and the SYN is dropped.
        if (err != ERR_OK || !np || !h)
            return ERR_VAL;
        Tcp_conn* c = alloc();
        if (!c) {
            tcp_abort(np);
            return ERR_ABRT;
        }
        c->pcb_ = np;
        c->handler_ = h;
        c->peer_addr_ = lwip_ntohl(ip4_addr_get_u32(&np->remote_ip));
        c->peer_port_ = np->remote_port;
        attach(*c);
        // Servers write whole responses; Nagle would only delay the tail.
        tcp_nagle_disable(np);
        // Dead peers give their PCB back (lwipopts.h, TCP_KEEP*).
        ip_set_option(np, SOF_KEEPALIVE);
        return run(np, [&] { h->accepted(*c); }) ? ERR_ABRT : ERR_OK;
    }

    static err_t on_recv(void* arg, tcp_pcb* p, pbuf* data, err_t)
    {
        auto* c = static_cast<Tcp_conn*>(arg);
        if (!c || c->pcb_ != p || !live(*c)) {
            // Not ours any more: swallow, as lwIP's tcp_recv_null would.
            if (data) {
                tcp_recved(p, data->tot_len);
                pbuf_free(data);
            }
            return ERR_OK;
        }
        if (!data)
            return peer_closed(*c, p);
        tcp_recved(p, data->tot_len);
        Tcp_handler* h = c->handler_;
        const bool aborted = run(p, [&] {
            for (pbuf* q = data; q && live(*c) && c->pcb_ == p; q = q->next)
                h->received(*c, static_cast<const uint8_t*>(q->payload), q->len);
        });
        pbuf_free(data);
        return aborted ? ERR_ABRT : ERR_OK;
    }

    // The peer's FIN: the handler hears closed(), and our side closes
    // after the data already queued.
    static err_t peer_closed(Tcp_conn& c, tcp_pcb* p)
    {
        Tcp_handler* h = c.handler_;
        // From here the conn is not live: inside closed() write() takes
        // nothing and close()/abort() do nothing.
        c.closing_ = true;
        c.handler_ = nullptr;
        h->closed(c);
        return finish(c, p) ? ERR_ABRT : ERR_OK;
    }

    static err_t on_sent(void* arg, tcp_pcb* p, u16_t)
    {
        auto* c = static_cast<Tcp_conn*>(arg);
        if (!c || c->pcb_ != p || !live(*c))
            return ERR_OK;
        return writable(*c, p);
    }

    static err_t on_poll(void* arg, tcp_pcb* p)
    {
        auto* c = static_cast<Tcp_conn*>(arg);
        if (!c || c->pcb_ != p || !live(*c) || !c->refused_ || c->send_space() == 0)
            return ERR_OK;
        return writable(*c, p);
    }

    static err_t writable(Tcp_conn& c, tcp_pcb* p)
    {
        c.refused_ = false;
        Tcp_handler* h = c.handler_;
        return run(p, [&] { h->writable(c); }) ? ERR_ABRT : ERR_OK;
    }

    // lwIP freed the pcb (RST received, retransmissions or persist probes
    // exhausted, tcp_abort from lwIP itself).
    static void on_err(void* arg, err_t)
    {
        auto* c = static_cast<Tcp_conn*>(arg);
        if (!c || !live(*c))
            return;
        Tcp_handler* h = c->handler_;
        c->pcb_ = nullptr;
        c->closing_ = true;
        h->closed(*c);
        release(*c);
    }

    static void drop_all()
    {
        // tcp_abort calls the error callback: handlers hear closed().
        while (tcp_active_pcbs)
            tcp_abort(tcp_active_pcbs);
        while (tcp_tw_pcbs)
            tcp_abort(tcp_tw_pcbs);
        for (auto& l : listeners) {
            if (l)
                tcp_close(l);
            l = nullptr;
        }
        for (auto& c : conns)
            release(c);
    }
};

Tcp_conn Tcp_glue::conns[Tcp_glue::max_conns];
tcp_pcb* Tcp_glue::listeners[Tcp_glue::max_listeners];
tcp_pcb* Tcp_glue::cb_pcb;
bool Tcp_glue::cb_aborted;

size_t Tcp_conn::send_space() const
{
    if (!Tcp_glue::live(*this))
        return 0;
    tcp_pcb* p = Tcp_glue::pcb(*this);
    // Each write may need a new segment: leave one queue slot spare.
    if (!Tcp_glue::window_known(p) || tcp_sndqueuelen(p) + 1u >= TCP_SND_QUEUELEN ||
        tcp_sndbuf(p) == 0) {
        refused_ = true; // writable() follows (the top of this file)
        return 0;
    }
    return tcp_sndbuf(p);
}

size_t Tcp_conn::write(const uint8_t* d, size_t n)
{
    if (!Tcp_glue::live(*this) || !d || n == 0)
        return 0;
    size_t take = send_space();
    if (take > n)
        take = n;
    tcp_pcb* p = Tcp_glue::pcb(*this);
    // ERR_MEM: the heap or segment pool is short; try a smaller piece.
    while (take > 0) {
        const err_t e = tcp_write(p, d, static_cast<u16_t>(take), TCP_WRITE_FLAG_COPY);
        if (e == ERR_OK)
            break;
        take = e == ERR_MEM ? take / 2 : 0;
    }
    if (take < n)
        refused_ = true; // writable() follows (the top of this file)
    if (take > 0)
        tcp_output(p);
    return take;
}

void Tcp_conn::close()
{
    if (!Tcp_glue::live(*this))
        return;
    tcp_pcb* p = Tcp_glue::pcb(*this);
    if (Tcp_glue::finish(*this, p) && p == Tcp_glue::cb_pcb)
        Tcp_glue::cb_aborted = true;
}

void Tcp_conn::abort()
{
    if (!Tcp_glue::live(*this))
        return;
    Tcp_glue::abort_pcb(*this);
}

uint32_t Tcp_conn::peer_addr() const
{
    return peer_addr_;
}

uint16_t Tcp_conn::peer_port() const
{
    return peer_port_;
}

bool tcp_listen(uint16_t port, Tcp_handler& h)
{
    lwip_glue::ensure_init();
    size_t slot = 0;
    while (slot < Tcp_glue::max_listeners && Tcp_glue::listeners[slot])
        ++slot;
    if (slot == Tcp_glue::max_listeners)
        return false;
    tcp_pcb* p = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!p)
        return false;
    ip_set_option(p, SOF_REUSEADDR);
    if (tcp_bind(p, IP4_ADDR_ANY, port) != ERR_OK) {
        tcp_close(p);
        return false;
    }
    err_t err = ERR_OK;
    tcp_pcb* l = tcp_listen_with_backlog_and_err(p, TCP_DEFAULT_LISTEN_BACKLOG, &err);
    if (!l) {
        tcp_close(p);
        return false;
    }
    tcp_arg(l, &h);
    tcp_accept(l, Tcp_glue::on_accept);
    Tcp_glue::listeners[slot] = l;
    return true;
}

void lwip_glue::drop_all_tcp()
{
    Tcp_glue::drop_all();
}

} // namespace net
