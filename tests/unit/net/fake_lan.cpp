#include "tests/unit/net/fake_lan.hpp"

namespace net_test {

bool Fake_nic::send(const uint8_t* frame, size_t len)
{
    if (fail_send)
        return false;
    sent.emplace_back(frame, frame + len);
    auto p = parse(sent.back());
    if (p && p->type == eth_arp && p->arp_op == 1) {
        auto h = hosts.find(p->arp_tpa);
        if (h != hosts.end())
            inbox.push_back(eth(stack_mac, h->second, eth_arp,
                                arp(2, h->second, h->first, p->src, p->arp_spa)));
    }
    return true;
}

size_t Fake_nic::poll(net::Frame_sink& sink)
{
    size_t n = 0;
    while (!inbox.empty()) {
        Bytes f = std::move(inbox.front());
        inbox.pop_front();
        sink.frame(f.data(), f.size());
        ++n;
    }
    return n;
}

void Lan_test::start_static()
{
    const net::Ip4 cfg{stack_ip, netmask, gateway_ip};
    ASSERT_TRUE(stack.start(nic, &cfg, clock, nullptr));
}

void Lan_test::pump(int rounds)
{
    for (int i = 0; i < rounds; ++i)
        stack.poll();
}

void Lan_test::advance(uint64_t ms, uint64_t step)
{
    // As an event loop would: never sleep past next_timeout_ms().
    const uint64_t end = now + ms;
    while (now < end) {
        uint64_t next = now + step;
        const uint64_t due = stack.next_timeout_ms();
        if (due > now && due < next)
            next = due;
        now = next < end ? next : end;
        stack.poll();
    }
}

} // namespace net_test
