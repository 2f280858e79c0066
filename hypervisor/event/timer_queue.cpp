#include "hypervisor/event/timer_queue.hpp"

bool Timer_queue::insert(Timer& t, uint64_t deadline)
{
    t.deadline = deadline;
    t.queued = true;
    // New deadlines are mostly later than those queued: search from the
    // back for the last timer due no later than this one.
    Timer* after = tail_;
    while (after && after->deadline > deadline)
        after = after->prev;
    t.prev = after;
    t.next = after ? after->next : head_;
    if (t.next)
        t.next->prev = &t;
    else
        tail_ = &t;
    if (after)
        after->next = &t;
    else
        head_ = &t;
    ++n_;
    return head_ == &t;
}

void Timer_queue::remove(Timer& t)
{
    if (t.prev)
        t.prev->next = t.next;
    else
        head_ = t.next;
    if (t.next)
        t.next->prev = t.prev;
    else
        tail_ = t.prev;
    t.prev = t.next = nullptr;
    t.queued = false;
    --n_;
}

Timer* Timer_queue::pop_expired(uint64_t now)
{
    Timer* t = head_;
    if (!t || t->deadline > now)
        return nullptr;
    remove(*t);
    return t;
}
