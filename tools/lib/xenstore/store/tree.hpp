// The tree operations of the protocol, on an Access (so in the global
// store or a transaction, with the caller's permissions and quotas), with
// xenstored's semantics (tools/xenstored/core.c):
//   write_value  WRITE: sets the value, making the node and any missing
//                parents; a new node takes its parent's permissions, owned
//                by the writer if the writer is unprivileged.
//   make_dir     MKDIR: the same with an empty value; an existing node is
//                left alone.
//   remove_path  RM: the node and everything below it; fine if the node is
//                missing but its parent exists.
//   set_perms    SET_PERMS: only the owner (or the privileged domain) may;
//                only the privileged domain may give a node away.
// Paths are canonical (path.hpp). Every change fires its watches: the
// written path (subtree match), every removed node (the removed root by
// subtree match, the nodes below it exactly). Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/xenstore/store/access.hpp"

namespace xs {

[[nodiscard]] Err write_value(Access& a, Str path, Str value);
[[nodiscard]] Err make_dir(Access& a, Str path);
[[nodiscard]] Err remove_path(Access& a, Str path);
[[nodiscard]] Err set_perms(Access& a, Str path, const Perm* perms, uint16_t n);

// Removes path and everything below it without a permission check (RM has
// checked; the store itself cleans up). Err::einval if the parent is
// missing or path is the root.
[[nodiscard]] Err remove_subtree(Access& a, Str path);

// A domain is gone (xenstored's domain_tree_remove): nodes it owns are
// removed with everything below them, or, with keep_orphans, given to the
// privileged domain; permission entries naming it are dropped everywhere,
// so a later domain with the same id inherits nothing.
[[nodiscard]] Err forget_domain(Store& s, Domid gone);

// What check_tree found.
struct Tree_check {
    uint32_t nodes = 0;     // reachable from "/" plus the special nodes
    uint32_t problems = 0;  // broken invariants (0: consistent)
    const char* first = ""; // what the first one was

    void problem(const char* what)
    {
        if (!problems++)
            first = what;
    }
};
// The tree's invariants: the root and the special nodes exist, every child
// named exists and is named once, every node in the table is reachable, and
// every domain's node count matches the nodes it owns.
Tree_check check_tree(const Store& s);

} // namespace xs
