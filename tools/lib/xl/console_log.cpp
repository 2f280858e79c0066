#include "tools/lib/xl/console_log.hpp"

namespace xl {

using toolstack::Str;

void Console_log::append(const char* p, uint32_t n, Line_sink line_out, void* ctx)
{
    for (uint32_t i = 0; i < n; ++i) {
        char c = p[i];
        ring_[total_ % capacity] = c;
        ++total_;
        if (c == '\r')
            continue;
        if (c == '\n' || line_len_ == line_max) {
            if (line_out)
                line_out(ctx, Str(line_, line_len_));
            line_len_ = 0;
            if (c == '\n')
                continue;
        }
        line_[line_len_++] = c;
    }
}

void Console_log::flush_line(Line_sink line_out, void* ctx)
{
    if (line_len_ && line_out)
        line_out(ctx, Str(line_, line_len_));
    line_len_ = 0;
}

void Console_log::contents(Str& older, Str& newer) const
{
    if (total_ <= capacity) {
        older = Str();
        newer = Str(ring_, static_cast<uint32_t>(total_));
        return;
    }
    auto at = static_cast<uint32_t>(total_ % capacity);
    older = Str(ring_ + at, capacity - at);
    newer = Str(ring_, at);
}

} // namespace xl
