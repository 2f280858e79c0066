// The hypervisor's console ring (Xen's conring): every byte the console
// prints is kept, the newest 'size' of them, for XEN_SYSCTL_readconsole.
// Positions are free-running 32-bit counters: 'prod' counts bytes ever
// written, 'cons' is the oldest byte still readable (prod - cons <= size).
// Portable, host-tested (tests/unit/console_ring_test.cpp).
//
// Locking: put and clear_to run under the console lock; read runs without
// it (Xen's read_console_ring does the same): it takes both counters once
// and may copy bytes the console overwrites meanwhile, never out of range.
#pragma once
#include <cstddef>
#include <cstdint>

class Console_ring {
public:
    static constexpr uint32_t size = 16384; // a power of two

    void put(const char* s, size_t len);

    // What readconsole does with its IN fields (clear, incremental, index,
    // count): copies up to 'max' bytes through out(ctx, offset, bytes, n)
    // (false: the guest buffer faulted, -EFAULT), from 'index' when
    // incremental and index still lies in the ring, else from the oldest
    // byte. On 0, index is where reading stopped and count the bytes given.
    struct Read {
        bool clear = false;
        bool incremental = false;
        uint32_t index = 0;
        uint32_t count = 0;
    };
    using Out = bool (*)(void* ctx, uint32_t offset, const char* bytes, uint32_t n);
    [[nodiscard]] long read(Read& r, Out out, void* ctx) const;
    // After a read with clear, under the console lock: the bytes before
    // 'upto' are gone (all of the ring if the writer lapped it meanwhile).
    void clear_to(uint32_t upto);

    uint32_t prod() const { return __atomic_load_n(&prod_, __ATOMIC_ACQUIRE); }
    uint32_t cons() const { return __atomic_load_n(&cons_, __ATOMIC_ACQUIRE); }

private:
    static uint32_t slot(uint32_t pos) { return pos & (size - 1); }

    char buf_[size] = {};
    uint32_t prod_ = 0;
    uint32_t cons_ = 0;
};
static_assert((Console_ring::size & (Console_ring::size - 1)) == 0);
