// A CPU's queue of virtual timers (singleshot, periodic, poll timeouts of
// the vCPUs it runs), earliest deadline first. Fixed capacity, no
// allocation; entries are keyed by (owner, kind) so setting one again moves
// it. Portable; the owner is opaque. Callers serialise access (the timer
// interrupt and hypercalls of one CPU both run with interrupts off).
#pragma once
#include <cstdint>

enum class Timer_kind : uint8_t { singleshot, periodic, poll };

struct Timer_entry {
    uint64_t deadline = 0;
    void* owner = nullptr;
    Timer_kind kind = Timer_kind::singleshot;
};

class Timer_queue {
public:
    static constexpr unsigned capacity = 3 * 32;   // 3 kinds x 32 vCPUs
    static constexpr uint64_t never = ~0ull;

    // False only when full (a new key with every slot taken).
    [[nodiscard]] bool set(void* owner, Timer_kind kind, uint64_t deadline);
    void cancel(void* owner, Timer_kind kind);
    bool armed(const void* owner, Timer_kind kind) const;
    // Deadline of the first entry, or 'never'.
    uint64_t earliest() const;
    // Takes the first entry whose deadline is <= now; false when none.
    bool pop_expired(uint64_t now, Timer_entry& out);
    unsigned size() const { return n_; }
    // Entry i in deadline order, i < size() (diagnostics).
    const Timer_entry& at(unsigned i) const { return e_[i]; }

private:
    int find(const void* owner, Timer_kind kind) const;
    void remove_at(unsigned i);

    Timer_entry e_[capacity];   // sorted by deadline, ties in arrival order
    unsigned n_ = 0;
};
