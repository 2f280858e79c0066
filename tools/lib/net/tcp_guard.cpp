// Two holes in lwIP 2.1.3 that a TCP peer can reach, closed from outside
// lwIP (which is fetched, never patched).
//
// 1. A check on received TCP segments before lwIP sees them: tcp_receive() trims a segment's first
// edge when rcv_nxt lies between seqno + 1 and seqno + len - 1 (TCP_SEQ_BETWEEN, signed 32-bit
// differences). A segment of length 1 (one byte, or a FIN or SYN alone) whose seqno is rcv_nxt -
// 2^31 passes that test, and the trim offset is then 2^31: lwIP asserts ("insane offset!",
// tcp_in.c). Any client of port 80 can send that on its own connection (found by
// tests/fuzz/net_stack_fuzz); with assertions on it would stop dom0.
//
// No acceptable segment is that far from rcv_nxt: RFC 9293 3.10.7.4
// accepts only segments overlapping [rcv_nxt, rcv_nxt + window), and our
// window is under 64 KiB. So a segment for a synchronised connection whose
// seqno is more than 2^30 away from rcv_nxt is dropped here, which is what
// lwIP does with other unacceptable segments (less the ACK RFC 5961 lets
// a receiver rate-limit anyway).
#include "tools/lib/net/lwip_glue.hpp"

#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

namespace net {
namespace {

constexpr size_t eth_len = 14;
constexpr uint32_t max_distance = 1u << 30;

uint16_t be16(const uint8_t* p)
{
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

uint32_t be32(const uint8_t* p)
{
    return uint32_t{be16(p)} << 16 | be16(p + 2);
}

} // namespace

bool lwip_glue::tcp_segment_acceptable(const pbuf* frame)
{
    // Ethernet, the longest IPv4 header, the TCP ports and sequence number.
    uint8_t h[eth_len + 60 + 8];
    const u16_t got = pbuf_copy_partial(frame, h, sizeof h, 0);
    if (got < eth_len + 20 || be16(h + 12) != 0x0800)
        return true;
    const uint8_t* ip = h + eth_len;
    const size_t ihl = size_t{static_cast<uint8_t>(ip[0] & 0xf)} * 4;
    if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != IP_PROTO_TCP || got < eth_len + ihl + 8)
        return true; // lwIP judges everything else itself
    const uint8_t* tcp = ip + ihl;
    const uint32_t src = lwip_htonl(be32(ip + 12));
    const uint32_t dst = lwip_htonl(be32(ip + 16));
    const uint16_t sport = be16(tcp);
    const uint16_t dport = be16(tcp + 2);
    const uint32_t seqno = be32(tcp + 4);
    for (const tcp_pcb* p = tcp_active_pcbs; p; p = p->next) {
        if (p->remote_port != sport || p->local_port != dport ||
            ip4_addr_get_u32(&p->remote_ip) != src || ip4_addr_get_u32(&p->local_ip) != dst)
            continue;
        // rcv_nxt means something from SYN_RCVD on (our pcbs never SYN_SENT).
        if (p->state < SYN_RCVD)
            return true;
        const uint32_t ahead = seqno - p->rcv_nxt;
        const uint32_t behind = p->rcv_nxt - seqno;
        return ahead <= max_distance || behind <= max_distance;
    }
    return true;
}

// 2. The persist timer (zero-window probes) is started by tcp_output when
// unsent data does not fit the window and nothing is in flight, and
// stopped only by tcp_output sending; but an ACK can empty the unsent
// queue by itself (the probe carried its last byte or FIN, or a
// retransmission put acknowledged data back there), and tcp_slowtmr then
// asserts "persist ticking with empty send buffer" (tcp.c). Found by
// net_stack_fuzz; a peer that acknowledges a probed FIN reaches it. So
// after each batch of input, before the timers run, a persist timer
// without a reason to run is stopped, as tcp_output would.
void lwip_glue::tcp_keep_invariants()
{
    for (tcp_pcb* p = tcp_active_pcbs; p; p = p->next) {
        if (p->persist_backoff > 0 && (!p->unsent || p->unacked)) {
            p->persist_backoff = 0;
            p->persist_cnt = 0;
            p->persist_probe = 0;
        }
    }
}

} // namespace net
