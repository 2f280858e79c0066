// A fake Ethernet around net::Stack: the Nic it drives (frames queued in
// both directions, ARP answered for the peers the test declares), and a
// fixture that starts the stack on it with a clock the test moves.
#pragma once
#include <deque>
#include <map>

#include <gtest/gtest.h>

#include "tests/unit/net/frames.hpp"
#include "tools/lib/net/stack.hpp"

namespace net_test {

constexpr net::Mac stack_mac{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
constexpr uint32_t stack_ip = 0x0a00020f; // 10.0.2.15
constexpr uint32_t gateway_ip = 0x0a000202;
constexpr uint32_t netmask = 0xffffff00;

class Fake_nic final : public net::Nic {
public:
    net::Mac mac() const override { return stack_mac; }
    bool send(const uint8_t* frame, size_t len) override;
    size_t poll(net::Frame_sink& sink) override;

    // Hosts on the wire: an ARP request for one of them is answered.
    void add_host(uint32_t ip, const net::Mac& mac) { hosts[ip] = mac; }
    // Frames the stack sent that match, removed from `sent`.
    template <class Pred> std::vector<Parsed> take(Pred pred);

    std::deque<Bytes> inbox;
    std::vector<Bytes> sent;
    std::map<uint32_t, net::Mac> hosts;
    bool fail_send = false;
};

template <class Pred> std::vector<Parsed> Fake_nic::take(Pred pred)
{
    std::vector<Parsed> out;
    std::vector<Bytes> rest;
    for (auto& f : sent) {
        auto p = parse(f);
        if (p && pred(*p))
            out.push_back(*p);
        else
            rest.push_back(f);
    }
    sent.swap(rest);
    return out;
}

// Every test starts here: a fresh clock reading (lwIP's is continued by
// the port), the stack stopped at the end so the next test starts clean.
class Lan_test : public ::testing::Test {
protected:
    static uint64_t clock(void*) { return now; }
    void start_static();
    void TearDown() override { stack.stop(); }
    // A few polls: ARP answers and replies to them need more than one.
    void pump(int rounds = 4);
    // Moves the clock by ms, polling every step ms and whenever the stack
    // asked to be (next_timeout_ms).
    void advance(uint64_t ms, uint64_t step = 100);
    void inject(Bytes frame) { nic.inbox.push_back(std::move(frame)); }

    static inline uint64_t now = 1000;
    Fake_nic nic;
    net::Stack stack;
};

// Stack::on_address's callback: how often, and the last address given.
struct Address_log {
    int calls = 0;
    net::Ip4 last{};
    static void record(void* ctx, const net::Ip4& a)
    {
        auto* log = static_cast<Address_log*>(ctx);
        ++log->calls;
        log->last = a;
    }
};

} // namespace net_test
