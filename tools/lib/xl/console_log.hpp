// One domain's console output as the toolstack keeps it: the last
// 'capacity' bytes in a ring (what `xl console` replays) and the line
// being assembled for the mirror ("[name] line" on dom0's console).
// Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace xl {

class Console_log {
public:
    static constexpr uint32_t capacity = 16384;
    static constexpr uint32_t line_max = 200;

    // Appends bytes; every completed (or overlong) line goes to line_out
    // when it is set.
    using Line_sink = void (*)(void* ctx, toolstack::Str line);
    void append(const char* p, uint32_t n, Line_sink line_out, void* ctx);
    // The unfinished line, e.g. when the domain goes away.
    void flush_line(Line_sink line_out, void* ctx);

    // The kept bytes in order: first the part that wrapped, then the rest.
    void contents(toolstack::Str& older, toolstack::Str& newer) const;
    uint64_t total() const { return total_; }

private:
    char ring_[capacity] = {};
    uint64_t total_ = 0;
    char line_[line_max] = {};
    uint32_t line_len_ = 0;
};

} // namespace xl
