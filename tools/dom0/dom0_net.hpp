// Dom0's network service: the NIC (dom0_nic.hpp), lwIP (tools/lib/net)
// and one TCP listener, all driven from the event loop. Frames are taken
// after each device interrupt; lwIP's timers and the listener's own
// deadlines share one loop timer set to the earliest of them.
//
// dom0's command line: ip=A.B.C.D/NN[,GW] for a static address (DHCP
// otherwise), net=0 to leave the network off.
#pragma once
#include <cstdint>

#include "tools/dom0/event_loop.hpp"
#include "tools/lib/net/stack.hpp"
#include "tools/lib/net/tcp.hpp"

namespace dom0 {

struct Net_options {
    bool enabled = true;
    bool static_ip = false;
    net::Ip4 ip{};
};

// Reads net= and ip= from dom0's command line; false (with a message on
// the console) when ip= is malformed, and then the network stays off.
bool parse_net_options(const char* cmdline, Net_options& out);

// Who else has deadlines on the network's timer (the HTTP server).
class Net_client {
public:
    // Runs after every poll of the stack; returns the next deadline in
    // system-time ns (0: none).
    virtual uint64_t service() = 0;
    // The stack has an address: the listener is up.
    virtual void listening(const net::Ip4& ip, uint16_t port) = 0;

protected:
    ~Net_client() = default;
};

// Brings the network up and listens on port with handler once an address
// is there; false if there is no NIC (the reason is printed) or the stack
// cannot start. Call once.
bool net_start(Event_loop& loop, const Net_options& opts, uint64_t random_seed, uint16_t port,
               net::Tcp_handler& handler, Net_client& client);

// Polls the stack and the client now (after work that may have queued
// output, such as new console bytes for a following stream).
void net_kick();
// The same from inside a callback of the stack or the server: on the
// loop's next turn.
void net_kick_soon();

} // namespace dom0
