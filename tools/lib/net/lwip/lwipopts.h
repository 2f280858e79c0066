/* lwIP configuration for dom0's management network (tools/lib/net).
 *
 * One event loop and no threads: NO_SYS, the raw (callback) API only.
 * IPv4 with ARP, DHCP, ICMP and TCP; no sockets, netconn, IPv6, DNS.
 * All memory comes from lwIP's own static pools and heap (no malloc): what
 * is below is the whole budget, about 2.2 MiB of .bss:
 *   TCP PCBs      256 x ~200 B    ~200 connections, most idle (HTTP
 *                                 keep-alive, console follow)
 *   heap          1 MiB           copies of data written (tcp_write COPY)
 *   pbuf pool     512 x ~1.5 KiB  received frames
 *   segments      1024 x ~24 B    queued TCP segments
 * A few connections moving data at once get a full window; the rest cost
 * only their PCB. Figures from lwIP's opt.h. */
#ifndef XENITH_LWIPOPTS_H
#define XENITH_LWIPOPTS_H

#define NO_SYS                      1
#define SYS_LIGHTWEIGHT_PROT        0
#define LWIP_NETCONN                0
#define LWIP_SOCKET                 0
#define LWIP_SINGLE_NETIF           1

#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1
#define LWIP_RAW                    0
#define LWIP_UDP                    1
#define LWIP_TCP                    1
#define LWIP_DHCP                   1
#define LWIP_AUTOIP                 0
#define LWIP_IGMP                   0
#define LWIP_DNS                    0
#define LWIP_STATS                  0
#define LWIP_NETIF_STATUS_CALLBACK  1
/* A management interface has no use for fragments; refusing them keeps
 * reassembly buffers out of a hostile peer's reach. */
#define IP_REASSEMBLY               0
#define IP_FRAG                     0

/* Memory: lwIP's static pools, sized as above. */
#define MEM_LIBC_MALLOC             0
#define MEMP_MEM_MALLOC             0
/* A pointer's alignment: 4 in dom0 (i686), 8 in host tests (x86-64). */
#define MEM_ALIGNMENT               __SIZEOF_POINTER__
#define MEM_SIZE                    (1024 * 1024)
#define MEMP_NUM_TCP_PCB            256
#define MEMP_NUM_TCP_PCB_LISTEN     4
#define MEMP_NUM_TCP_SEG            1024
#define MEMP_NUM_PBUF               64
#define MEMP_NUM_UDP_PCB            4
/* Packets waiting for an ARP answer: a burst of connections after the
 * peer's entry aged out sends that many SYN-ACKs at once, and without a
 * queue lwIP keeps only the last one (the others waited for their 3 s
 * retransmission: 200 connections at once were mostly lost). */
#define ARP_QUEUEING                1
#define ARP_QUEUE_LEN               256
#define MEMP_NUM_ARP_QUEUE          256
#define PBUF_POOL_SIZE              512
#define ARP_TABLE_SIZE              32

/* TCP: a full Ethernet MSS; 8 segments of window each way. */
#define TCP_MSS                     1460
#define TCP_WND                     (8 * TCP_MSS)
#define TCP_SND_BUF                 (8 * TCP_MSS)
#define TCP_SND_QUEUELEN            (4 * TCP_SND_BUF / TCP_MSS)
/* Out-of-order data is kept, but bounded per connection so one peer
 * cannot take the pbuf pool. */
#define TCP_QUEUE_OOSEQ             1
#define TCP_OOSEQ_MAX_PBUFS         8
#define TCP_OOSEQ_MAX_BYTES         TCP_WND
/* Half-open connections per listener: a SYN flood fills this, not the
 * whole PCB pool, so established connections keep their PCBs. */
#define TCP_LISTEN_BACKLOG          1
#define TCP_DEFAULT_LISTEN_BACKLOG  64

/* Keepalive on every accepted connection: a peer that vanished without
 * FIN or RST (a browser's laptop closed) gives its PCB back after
 * 2 min idle + 6 unanswered probes 10 s apart, instead of holding it
 * forever. */
#define TCP_KEEPIDLE_DEFAULT        120000UL
#define TCP_KEEPINTVL_DEFAULT       10000UL
#define TCP_KEEPCNT_DEFAULT         6U

/* Checksums in software, both directions (CHECKSUM_GEN_* and
 * CHECKSUM_CHECK_* keep their default 1). */
#define LWIP_CHECKSUM_ON_COPY       0

#define LWIP_HOOK_FILENAME          "xenith_lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN           xenith_lwip_tcp_isn

#endif
