#include "hypervisor/console/serial_input.hpp"

static_assert((Serial_input::ring_size & (Serial_input::ring_size - 1)) == 0,
              "the ring index wraps by masking");

Serial_input::Action Serial_input::receive(char c)
{
    Lock_guard<Spinlock> g(lock_);
    if (c == switch_char) {
        if (++ctrl_a_ < switch_count)
            return Action::none;
        ctrl_a_ = 0;
        __atomic_store_n(&shell_, !shell_, __ATOMIC_RELAXED);
        return Action::switched;
    }
    ctrl_a_ = 0;
    if (shell_)
        return Action::key;
    if (prod_ - cons_ == ring_size) {
        ++dropped_;
        return Action::dropped;
    }
    ring_[prod_++ & (ring_size - 1)] = c;
    return Action::queued;
}

uint32_t Serial_input::peek(char* out, uint32_t max) const
{
    Lock_guard<Spinlock> g(lock_);
    uint32_t n = 0;
    for (uint32_t i = cons_; n < max && i != prod_; ++i)
        out[n++] = ring_[i & (ring_size - 1)];
    return n;
}

void Serial_input::consume(uint32_t n)
{
    Lock_guard<Spinlock> g(lock_);
    cons_ += n < prod_ - cons_ ? n : prod_ - cons_;
}

uint32_t Serial_input::queued() const
{
    Lock_guard<Spinlock> g(lock_);
    return prod_ - cons_;
}
