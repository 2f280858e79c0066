/* lwIP hooks (LWIP_HOOK_FILENAME in lwipopts.h), implemented in
 * sys_port.cpp. */
#ifndef XENITH_LWIP_HOOKS_H
#define XENITH_LWIP_HOOKS_H

#include "lwip/ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif
/* RFC 6528 initial sequence numbers: a keyed hash of the connection's
 * 4-tuple plus a 4 us clock, so ISNs are neither guessable nor reused soon
 * for the same tuple. */
u32_t xenith_lwip_tcp_isn(const ip_addr_t* local_ip, u16_t local_port,
                          const ip_addr_t* remote_ip, u16_t remote_port);
#ifdef __cplusplus
}
#endif

#endif
