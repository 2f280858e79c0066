// Walking a subtree: every path below a root, as an Access sees it,
// breadth first (so a node comes before every node below it). The paths are collected
// first and acted on afterwards, so the walk never sees a tree that is
// changing under it. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/vec.hpp"
#include "tools/lib/xenstore/store/access.hpp"

namespace xs {

// Paths in one growing buffer, spans into it.
class Path_list {
public:
    explicit Path_list(const Allocator& a) : text_(a), spans_(a) {}

    [[nodiscard]] bool add(Str path);
    // The child called name of the path at index parent.
    [[nodiscard]] bool add_child(uint32_t parent, Str name);
    uint32_t size() const { return spans_.size(); }
    Str operator[](uint32_t i) const { return Str(text_.data() + spans_[i].at, spans_[i].len); }

private:
    struct Span {
        uint32_t at;
        uint32_t len;
    };
    Text text_;
    toolstack::Vec<Span> spans_;
};

// root and every path below it into paths, with nodes[i] the node at
// paths[i] (nullptr if a parent names a child that is missing).
[[nodiscard]] Err collect(Access& a, Str root, Path_list& paths,
                          toolstack::Vec<const Node*>& nodes);

} // namespace xs
