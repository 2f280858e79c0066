// One node of the store: permissions, value, the names of its children and
// its generation count, in a single allocation. A node is never changed in
// place once it is in a table: a change makes a new node (with_value,
// with_child, ...), so a transaction can keep a counted reference to the
// version it read while the global store moves on. Portable and
// freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/base/text.hpp"
#include "tools/lib/xenstore/store/perms.hpp"

namespace xs {

// The generation of a node that does not exist (xenstored's NO_GENERATION).
constexpr uint64_t no_generation = ~0ull;

class Node {
public:
    // A node with refcount 1; nullptr when out of memory. n_perms >= 1.
    [[nodiscard]] static Node* make(const Allocator& a, const Perm* perms, uint16_t n_perms,
                                    Str value, Str children);
    // Drops one reference; the last frees the node.
    static void unref(const Allocator& a, Node* n);
    // One more reference (the count is the only thing that changes on a
    // node others may hold).
    Node* ref() const
    {
        ++refs_;
        return const_cast<Node*>(this);
    }

    // A node for a new child of from: from's permissions (owned by owner
    // instead if set_owner), value, and child as its only child if not empty.
    [[nodiscard]] static Node* make_below(const Allocator& a, const Node& from, bool set_owner,
                                          Domid owner, Str value, Str child);

    [[nodiscard]] Node* with_value(const Allocator& a, Str value) const;
    [[nodiscard]] Node* with_perms(const Allocator& a, const Perm* perms, uint16_t n) const;
    // name appended to the children (the caller knows it is not there).
    [[nodiscard]] Node* with_child(const Allocator& a, Str name) const;
    // name taken out of the children (unchanged copy if it is not there).
    [[nodiscard]] Node* without_child(const Allocator& a, Str name) const;

    const Perm* perms() const { return reinterpret_cast<const Perm*>(this + 1); }
    uint16_t n_perms() const { return n_perms_; }
    Domid owner() const { return perms()[0].id; }
    Str value() const { return Str(tail() + perms_bytes(), value_len_); }
    // NUL-terminated names, in the order they were added.
    Str children() const { return Str(tail() + perms_bytes() + value_len_, children_len_); }
    bool has_child(Str name) const;

    // The size the node-size quota counts, as xenstored's calc_node_acc_size
    // (a 16-byte header, 8 bytes per permission, value, children).
    uint32_t acc_size() const { return 16 + 8u * n_perms_ + value_len_ + children_len_; }
    uint32_t refs() const { return refs_; }

    uint64_t generation = 0;

private:
    Node(uint16_t n_perms, uint32_t value_len, uint32_t children_len)
        : n_perms_(n_perms), value_len_(value_len), children_len_(children_len)
    {
    }
    const char* tail() const { return reinterpret_cast<const char*>(this + 1); }
    char* tail() { return reinterpret_cast<char*>(this + 1); }
    uint32_t perms_bytes() const { return n_perms_ * static_cast<uint32_t>(sizeof(Perm)); }
    size_t bytes() const { return sizeof(Node) + perms_bytes() + value_len_ + children_len_; }
    // A node whose children are c1, c2 and c3 joined.
    static Node* build(const Allocator& a, const Perm* perms, uint16_t n_perms, Str value, Str c1,
                       Str c2, Str c3);

    mutable uint32_t refs_ = 1;
    uint16_t n_perms_;
    uint32_t value_len_;
    uint32_t children_len_;
};

// Calls f(name) for each child name of children.
template <class F> void for_each_child(Str children, F&& f)
{
    uint32_t at = 0;
    while (at < children.n) {
        uint32_t end = children.find('\0', at);
        f(Str(children.p + at, end - at));
        at = end + 1;
    }
}

} // namespace xs
