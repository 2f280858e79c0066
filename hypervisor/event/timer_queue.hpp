// Timers: an intrusive queue per CPU, earliest deadline first. A Timer is
// embedded in whatever owns it (a vCPU's singleshot, periodic and poll
// timers; a CPU's scheduler timers), so arming one never allocates and
// never fails, however many domains there are. Portable; the arch layer
// (arch/x86_32/include/vtime.hpp) keeps one queue per CPU under a lock,
// programs the CPU's timer for the earliest deadline and runs expired
// timers' functions.
#pragma once
#include <cstdint>

struct Timer;

// Runs on the CPU whose queue held the timer, interrupts off, no queue
// lock held; it may re-arm its own timer.
using Timer_fn = void (*)(Timer& t, uint64_t now);

struct Timer {
    Timer_fn fn = nullptr;
    void* ctx = nullptr; // the owner, for fn
    const char* name = "timer"; // for dumps
    // The CPU whose queue takes the timer when armed (arch timer_set).
    uint16_t cpu = 0;
    // Guarded by the lock of that CPU's queue.
    bool queued = false;
    uint64_t deadline = 0;
    Timer* prev = nullptr;
    Timer* next = nullptr;
};

class Timer_queue {
public:
    static constexpr uint64_t never = ~0ull;

    // t (not queued) joins at 'deadline', after every timer with the same
    // or an earlier one. True when it is now the earliest.
    bool insert(Timer& t, uint64_t deadline);
    // t leaves (it must be queued here).
    void remove(Timer& t);
    // Deadline of the first timer, or 'never'.
    uint64_t earliest() const { return head_ ? head_->deadline : never; }
    // The first timer if its deadline is <= now, taken off; else nullptr.
    Timer* pop_expired(uint64_t now);
    unsigned size() const { return n_; }
    // In deadline order, for dumps and tests (lock held).
    const Timer* first() const { return head_; }

private:
    Timer* head_ = nullptr;
    Timer* tail_ = nullptr;
    unsigned n_ = 0;
};
