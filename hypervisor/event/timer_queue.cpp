#include "hypervisor/event/timer_queue.hpp"

int Timer_queue::find(const void* owner, Timer_kind kind) const
{
    for (unsigned i = 0; i < n_; ++i)
        if (e_[i].owner == owner && e_[i].kind == kind)
            return static_cast<int>(i);
    return -1;
}

void Timer_queue::remove_at(unsigned i)
{
    for (; i + 1 < n_; ++i)
        e_[i] = e_[i + 1];
    --n_;
}

bool Timer_queue::set(void* owner, Timer_kind kind, uint64_t deadline)
{
    int old = find(owner, kind);
    if (old >= 0)
        remove_at(static_cast<unsigned>(old));
    if (n_ == capacity)
        return false;
    unsigned i = n_;
    while (i > 0 && e_[i - 1].deadline > deadline) {
        e_[i] = e_[i - 1];
        --i;
    }
    e_[i] = Timer_entry{deadline, owner, kind};
    ++n_;
    return true;
}

void Timer_queue::cancel(void* owner, Timer_kind kind)
{
    int i = find(owner, kind);
    if (i >= 0)
        remove_at(static_cast<unsigned>(i));
}

bool Timer_queue::armed(const void* owner, Timer_kind kind) const { return find(owner, kind) >= 0; }

uint64_t Timer_queue::earliest() const { return n_ ? e_[0].deadline : never; }

bool Timer_queue::pop_expired(uint64_t now, Timer_entry& out)
{
    if (n_ == 0 || e_[0].deadline > now)
        return false;
    out = e_[0];
    remove_at(0);
    return true;
}
