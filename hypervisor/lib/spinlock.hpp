// Ticket spinlock, SMP-safe and fair; taken through Lock_guard only.
//
// Lock order (outer to inner), asserted where it matters:
//   domain list -> domain -> page allocator -> console
#pragma once
#include <cstdint>

// What a CPU must do while it spins with interrupts off: answer another
// CPU's request that might be what the lock's holder waits for (a TLB
// flush, arch/x86_32/mm/tlb_clock.hpp). Set once by the architecture;
// must take no lock.
using Spin_relax_hook = void (*)();
inline Spin_relax_hook spin_relax_hook = nullptr;
inline void set_spin_relax_hook(Spin_relax_hook h) { __atomic_store_n(&spin_relax_hook, h, __ATOMIC_RELEASE); }

class Spinlock {
public:
    constexpr Spinlock() = default;
    Spinlock(const Spinlock&) = delete;
    Spinlock& operator=(const Spinlock&) = delete;

    void lock()
    {
        // Relaxed increment is enough to take a ticket; the acquire load of
        // 'serving_' orders the critical section after the previous holder's
        // release store.
        uint16_t ticket = __atomic_fetch_add(&next_, 1, __ATOMIC_RELAXED);
        while (__atomic_load_n(&serving_, __ATOMIC_ACQUIRE) != ticket)
            relax();
    }
    bool try_lock()
    {
        uint16_t serving = __atomic_load_n(&serving_, __ATOMIC_ACQUIRE);
        uint16_t expected = serving;
        return __atomic_compare_exchange_n(&next_, &expected, static_cast<uint16_t>(serving + 1),
                                           false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
    }
    void unlock()
    {
        // Release: everything written in the critical section is visible to
        // the next ticket holder before it sees its turn.
        __atomic_store_n(&serving_, static_cast<uint16_t>(serving_ + 1), __ATOMIC_RELEASE);
    }
    bool is_locked() const
    {
        return __atomic_load_n(&next_, __ATOMIC_RELAXED) !=
               __atomic_load_n(&serving_, __ATOMIC_RELAXED);
    }

private:
    static void relax()
    {
        if (Spin_relax_hook h = __atomic_load_n(&spin_relax_hook, __ATOMIC_ACQUIRE))
            h();
#if defined(__i386__) || defined(__x86_64__)
        asm volatile("pause" ::: "memory");
#endif
    }
    uint16_t next_ = 0;
    uint16_t serving_ = 0;
};

template <typename L>
class [[nodiscard]] Lock_guard {
public:
    explicit Lock_guard(L& l) : l_(l) { l_.lock(); }
    ~Lock_guard() { l_.unlock(); }
    Lock_guard(const Lock_guard&) = delete;
    Lock_guard& operator=(const Lock_guard&) = delete;

private:
    L& l_;
};
