// Between net::Stack and the TCP side (tcp.cpp): lwIP's one-time setup and
// the teardown Stack::stop() needs. Internal to tools/lib/net.
#pragma once

struct pbuf;

namespace net::lwip_glue {

// lwip_init(), once per program.
void ensure_init();
// Aborts every TCP connection (handlers see closed()) and closes every
// listener, so the pools are empty again.
void drop_all_tcp();
// False for a TCP segment lwIP 2.1.3 must not see (tcp_guard.cpp); true
// for anything else, which lwIP then judges itself.
bool tcp_segment_acceptable(const pbuf* frame);
// Restores what lwIP 2.1.3's TCP timers assume of every pcb, after input
// and before sys_check_timeouts() (tcp_guard.cpp).
void tcp_keep_invariants();

} // namespace net::lwip_glue
