// Keeps a guest's console lines whole on the shared serial line. dom0
// writes through console_io in pieces (its relay passes on a domU's output
// as it drains it, a few hundred bytes at a time), and another CPU's
// hypervisor message used to land between two pieces, in the middle of a
// guest's line. Now a hypervisor message that comes while a guest's line
// is open waits here until the guest ends the line, or until the arch
// layer's hold timer fires (a prompt may stay open for ever); then the
// guest's line is ended for it and the messages follow. Dumps asked for
// from the debug shell are never held: they start on a line of their own.
// Portable, host-tested (tests/unit/line_hold_test.cpp); every call runs
// under the console lock.
#pragma once
#include <cstddef>
#include <cstdint>

class Line_hold {
public:
    using Out = void (*)(void* ctx, const char* s, size_t len);
    static constexpr size_t capacity = 1024;

    Line_hold(Out out, void* ctx) : out_(out), ctx_(ctx) {}

    // Bytes a guest wrote; held messages follow the newline that ends its line.
    void guest(const char* s, size_t len);
    // A whole hypervisor message. True when it was held and is the first
    // one waiting: the caller arms the hold timer.
    [[nodiscard]] bool message(const char* s, size_t len, bool may_hold);
    // The hold timer: the guest's line is ended for it and what waited is written.
    void release();
    size_t held() const { return held_len_; }
    bool guest_line_open() const { return guest_open_; }

private:
    void end_guest_line();
    void flush_held();

    Out out_;
    void* ctx_;
    bool guest_open_ = false;
    size_t held_len_ = 0;
    char held_[capacity];
};
