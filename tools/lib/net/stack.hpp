// dom0's TCP/IP stack: lwIP 2.1 (NO_SYS) on one Nic, driven by the event
// loop. lwIP keeps global state, so there is one Stack per program.
//
// Usage: start(nic, cfg or nullptr for DHCP, clock), then call poll()
// whenever the Nic has frames or now_ms() reaches next_timeout_ms().
// All calls, and every Tcp_handler callback, happen on that one thread;
// a callback must not call poll(), start() or stop().
#pragma once
#include <cstdint>

#include "tools/lib/net/nic.hpp"

namespace net {

// IPv4 addresses in host byte order: 10.0.2.15 is 0x0a00020f.
struct Ip4 {
    uint32_t addr, netmask, gateway;
};

class Stack {
public:
    // Brings the interface up: with *static_cfg when given, else by DHCP.
    // now_ms(clock_ctx) is a monotonic millisecond clock. False if the
    // stack is already started or the Nic's MTU is unusable.
    bool start(Nic& nic, const Ip4* static_cfg, uint64_t (*now_ms)(void*), void* clock_ctx);
    // Takes the interface down: every TCP connection is aborted (its
    // handler sees closed()), every listener is closed, DHCP is stopped.
    // start() may then be called again (tests do, between cases).
    void stop();

    // Feeds the frames the Nic has to lwIP and runs its timers: up to 4
    // rounds of Nic::poll (the rest wait for the next call), of which
    // frames beyond 256 in one round are dropped.
    void poll();
    // The now_ms() value by which poll() must run again, at the latest
    // (an absolute time on the clock given to start(), not a delay).
    uint64_t next_timeout_ms();

    bool has_address() const;
    Ip4 address() const;
    // Called once per start() when DHCP (or the static config) gives an
    // address; at once if the address is already there. May be set before
    // start(); stop() forgets it.
    void on_address(void (*fn)(void* ctx, const Ip4&), void* ctx);

    // Optional, before start(): the seed of lwIP's random numbers (DHCP
    // xids, ephemeral ports, TCP ISN key). Without it start() mixes the
    // MAC and the clock, which is predictable: dom0 passes TSC-derived
    // entropy here.
    void set_random_seed(uint64_t seed);
    // Optional: who hears of a failed lwIP assertion before dom0 traps.
    void on_panic(void (*fn)(const char* msg, const char* file, int line));

    // Counters for diagnostics and tests.
    struct Counters {
        uint64_t rx_frames, rx_dropped, tx_frames, tx_failed;
    };
    Counters counters() const;
};

} // namespace net
