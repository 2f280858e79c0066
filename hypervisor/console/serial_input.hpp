// Serial input routing: each byte received on the console line goes either
// to dom0 (into a ring that console_io CONSOLEIO_read drains) or to the
// hypervisor's debug shell. Three Ctrl-A in a row switch between the two,
// as Xen does (drivers/char/console.c serial_rx: the Ctrl-As themselves are
// swallowed, and any other byte resets the count).
//
// Portable: the caller (the UART interrupt) acts on the returned Action.
// One lock covers the ring and the switch state: the interrupt handler and
// console_io may run on different CPUs; both hold it with interrupts off.
#pragma once
#include <cstdint>

#include "hypervisor/lib/spinlock.hpp"

class Serial_input {
public:
    enum class Target : uint8_t { dom0, shell };
    enum class Action : uint8_t {
        none,      // a Ctrl-A was counted (and swallowed)
        queued,    // the byte is in dom0's ring: raise VIRQ_CONSOLE
        dropped,   // dom0's ring was full: the byte is lost (Xen too)
        key,       // the byte is a debug-shell key
        switched,  // input now goes to target()
    };

    static constexpr char switch_char = 0x01;   // Ctrl-A
    static constexpr unsigned switch_count = 3;
    static constexpr uint32_t ring_size = 1024; // a power of two

    Action receive(char c);
    // Copies up to 'max' queued bytes, oldest first, leaving them queued;
    // returns how many. consume(n) then drops the first n. Xen's
    // CONSOLEIO_read leaves bytes it could not copy out in its ring; with
    // a single reader (dom0) the pair does the same.
    uint32_t peek(char* out, uint32_t max) const;
    void consume(uint32_t n);
    uint32_t queued() const;
    Target target() const { return __atomic_load_n(&shell_, __ATOMIC_RELAXED) ? Target::shell : Target::dom0; }
    uint32_t dropped_count() const { return __atomic_load_n(&dropped_, __ATOMIC_RELAXED); }

private:
    mutable Spinlock lock_;
    char ring_[ring_size] = {};
    uint32_t prod_ = 0, cons_ = 0;   // free-running; prod_ - cons_ = bytes queued
    uint32_t dropped_ = 0;
    unsigned ctrl_a_ = 0;
    bool shell_ = false;   // input goes to the debug shell
};
