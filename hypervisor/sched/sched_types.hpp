// Small types shared by the credit scheduler's files: CPU masks, the
// priorities, the constants of Xen's credit1 (xen/common/sched/credit.c and
// public/sysctl.h), and relaxed atomic accessors for the fields other CPUs
// read without the owner's lock. Portable.
#pragma once
#include <cstdint>

namespace sched {

constexpr unsigned max_cpus = 64;

// A set of physical CPUs, bit n = CPU n.
struct Cpu_mask {
    uint64_t bits = 0;

    static constexpr Cpu_mask none() { return {}; }
    static constexpr Cpu_mask all() { return {~0ull}; }
    static constexpr Cpu_mask of(unsigned cpu)
    {
        uint64_t bit = 1u << (cpu & 31); // as has(): no 64-bit shift
        return {cpu < 32 ? bit : bit << 32};
    }

    // By the 32-bit half that holds it: a 64-bit shift by a variable is
    // five instructions on i686, and the scheduler asks this on every pick.
    constexpr bool has(unsigned cpu) const
    {
        auto half = static_cast<uint32_t>(cpu < 32 ? bits : bits >> 32);
        return cpu < max_cpus && (half >> (cpu & 31) & 1);
    }
    constexpr bool empty() const { return bits == 0; }
    constexpr Cpu_mask operator&(Cpu_mask o) const { return {bits & o.bits}; }
    constexpr Cpu_mask operator|(Cpu_mask o) const { return {bits | o.bits}; }
    constexpr Cpu_mask without(unsigned cpu) const { return {bits & ~(1ull << cpu)}; }
    Cpu_mask& operator|=(Cpu_mask o)
    {
        bits |= o.bits;
        return *this;
    }
    constexpr bool operator==(Cpu_mask o) const { return bits == o.bits; }
    constexpr bool operator!=(Cpu_mask o) const { return bits != o.bits; }
    // Lowest member; max_cpus when empty.
    // Two 32-bit scans: on i686 GCC makes a 64-bit count a call into
    // libgcc (__ctzdi2), and every kick loop starts with one.
    constexpr unsigned first() const
    {
        auto lo = static_cast<uint32_t>(bits), hi = static_cast<uint32_t>(bits >> 32);
        if (lo)
            return static_cast<unsigned>(__builtin_ctz(lo));
        return hi ? 32 + static_cast<unsigned>(__builtin_ctz(hi)) : max_cpus;
    }
    // First member after 'cpu', wrapping round (Xen's cpumask_cycle);
    // max_cpus when empty.
    constexpr unsigned cycle(unsigned cpu) const
    {
        uint64_t above = cpu + 1 < max_cpus ? bits & (~0ull << (cpu + 1)) : 0;
        return above ? Cpu_mask{above}.first() : first();
    }
    constexpr unsigned count() const { return static_cast<unsigned>(__builtin_popcountll(bits)); }
};

// A Cpu_mask that several CPUs change and read without a common lock:
// each bit is set and cleared atomically; a whole read is not a snapshot
// (on i686 there are no 64-bit atomics without libatomic), which suits its
// users, who take it as a hint and re-check under a runqueue lock.
class Atomic_cpu_mask {
public:
    Cpu_mask get() const
    {
        uint64_t lo = __atomic_load_n(&w_[0], __ATOMIC_RELAXED);
        uint64_t hi = __atomic_load_n(&w_[1], __ATOMIC_RELAXED);
        return {hi << 32 | lo};
    }
    void set(unsigned cpu) { __atomic_fetch_or(&w_[cpu / 32], bit(cpu), __ATOMIC_RELAXED); }
    // True when this call cleared it (it was set).
    bool clear(unsigned cpu)
    {
        return __atomic_fetch_and(&w_[cpu / 32], ~bit(cpu), __ATOMIC_RELAXED) & bit(cpu);
    }

private:
    static uint32_t bit(unsigned cpu) { return 1u << (cpu % 32); }
    uint32_t w_[max_cpus / 32] = {};
};

// Credit1's priorities, higher runs first (Xen CSCHED_PRI_*).
enum class Prio : int8_t {
    idle = -64, // nothing to run
    over = -2,  // spent more than its share this period
    under = -1, // has credit left
    boost = 0,  // just woke from blocking while UNDER
};

constexpr bool higher(Prio a, Prio b)
{
    return static_cast<int8_t>(a) > static_cast<int8_t>(b);
}

// Xen credit1 constants.
constexpr uint16_t default_weight = 256;           // CSCHED_DEFAULT_WEIGHT
constexpr uint32_t default_tslice_ms = 30;         // CSCHED_DEFAULT_TSLICE_MS
constexpr uint32_t ticks_per_tslice = 3;           // CSCHED_TICKS_PER_TSLICE
constexpr uint32_t credits_per_msec = 10;          // CSCHED_CREDITS_PER_MSEC
constexpr uint32_t tslice_min_ms = 1;              // XEN_SYSCTL_CSCHED_TSLICE_MIN
constexpr uint32_t tslice_max_ms = 1000;           // XEN_SYSCTL_CSCHED_TSLICE_MAX
constexpr uint32_t default_ratelimit_us = 1000;    // SCHED_DEFAULT_RATELIMIT_US
constexpr uint32_t ratelimit_min_us = 100;         // XEN_SYSCTL_SCHED_RATELIMIT_MIN
constexpr uint32_t ratelimit_max_us = 500000;      // XEN_SYSCTL_SCHED_RATELIMIT_MAX
constexpr uint64_t min_timer_ns = 100000;          // CSCHED_MIN_TIMER (ratelimit min)
constexpr uint64_t balance_ratelimit_ns = 1000000; // CSCHED_DEFAULT_LOAD_BALANCE_RATELIMIT_US

constexpr uint64_t ns_per_ms = 1000000;
constexpr uint64_t ns_per_credit = ns_per_ms / credits_per_msec;

// Fields written under one lock and read by other CPUs without it. Relaxed
// is enough everywhere: such readers only use the value as a hint and
// re-check it under the right lock, or tolerate a stale value by design
// (credit1 itself reads priorities and credits racily).
template <typename T> T load(const T& x)
{
    return __atomic_load_n(&x, __ATOMIC_RELAXED);
}
template <typename T> void store(T& x, T v)
{
    __atomic_store_n(&x, v, __ATOMIC_RELAXED);
}

} // namespace sched
