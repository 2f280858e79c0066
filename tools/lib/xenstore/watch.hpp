// Watches (WATCH / UNWATCH, xenstored's watch.c): a path (canonical, or a
// special "@..." name), a token, an optional depth. A watch set with a
// relative path hears of changes with relative paths. Changes match by
// Match (store/node_table.hpp); a connection hears of a change only if it
// could read the node before or after it, or its parent. Portable and
// freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/list.hpp"
#include "tools/lib/xenstore/store/node_table.hpp"

namespace xs {

struct Watch : toolstack::List_link {
    int32_t depth = -1;      // levels below the path that match; -1: all
    uint32_t prefix_len = 0; // bytes of the home path (and '/') events leave out
    uint32_t path_len = 0;
    uint32_t token_len = 0;

    Str path() const { return Str(reinterpret_cast<const char*>(this + 1), path_len); }
    Str token() const { return Str(path().p + path_len + 1, token_len); }
    // Bytes charged to the domain (xenstored: path + token).
    uint32_t charge() const { return path_len + token_len; }

    // A watch holding path and token (NUL-terminated copies after it).
    [[nodiscard]] static Watch* make(const Allocator& a, Str path, Str token);
    static void free(const Allocator& a, Watch* w);
};

// path (what changed) matches w under m.
bool watch_matches(const Watch& w, Str path, Match m);

} // namespace xs
