#include "hypervisor/console/line_hold.hpp"

void Line_hold::guest(const char* s, size_t len)
{
    if (len == 0)
        return;
    size_t end = len; // just past the last newline, 0 if none
    while (end && s[end - 1] != '\n')
        --end;
    if (end && held_len_) {
        out_(ctx_, s, end);
        flush_held();
        s += end;
        len -= end;
    }
    if (len)
        out_(ctx_, s, len);
    guest_open_ = len ? s[len - 1] != '\n' : false;
}

bool Line_hold::message(const char* s, size_t len, bool may_hold)
{
    if (may_hold && guest_open_ && held_len_ + len <= capacity) {
        bool first = held_len_ == 0;
        for (size_t i = 0; i < len; ++i)
            held_[held_len_ + i] = s[i];
        held_len_ += len;
        return first;
    }
    // Written now: what waited goes first, so messages keep their order.
    end_guest_line();
    flush_held();
    out_(ctx_, s, len);
    return false;
}

void Line_hold::release()
{
    if (held_len_ == 0)
        return;
    end_guest_line();
    flush_held();
}

void Line_hold::end_guest_line()
{
    if (guest_open_)
        out_(ctx_, "\n", 1);
    guest_open_ = false;
}

void Line_hold::flush_held()
{
    if (held_len_)
        out_(ctx_, held_, held_len_);
    held_len_ = 0;
}
