#include "tools/lib/xenstore/store/path.hpp"
#include "tools/lib/xenstore/store/tree.hpp"
#include "tools/lib/xenstore/store/walk.hpp"

namespace xs {

namespace {

// n without the entries naming gone (and given to the privileged domain
// if gone owned it); nullptr with changed false if nothing names gone.
Err without_domain(Store& s, const Node& n, Domid gone, Node*& out)
{
    out = nullptr;
    toolstack::Vec<Perm> kept(s.alloc);
    bool changed = false;
    for (uint16_t i = 0; i < n.n_perms(); ++i) {
        Perm p = n.perms()[i];
        if (i == 0 && p.id == gone) {
            p.id = s.priv;
            changed = true;
        } else if (i > 0 && p.id == gone) {
            changed = true;
            continue;
        }
        if (!kept.push_back(p))
            return Err::enomem;
    }
    if (!changed)
        return Err::none;
    out = n.with_perms(s.alloc, &kept[0], static_cast<uint16_t>(kept.size()));
    return out ? Err::none : Err::enomem;
}

Err scrub(Store& s, Access& self, Str path, Domid gone)
{
    const Node* n = s.lookup(path);
    if (!n)
        return Err::none; // removed with a subtree already
    // A special node (@releaseDomain, @introduceDomain) stays, whoever
    // owned it: as in Xen's xenstored it only loses gone's entries.
    bool special = !path.empty() && path[0] == '@';
    if (n->owner() == gone && !s.keep_orphans && !special)
        return remove_subtree(self, path);
    Node* fresh;
    Err e = without_domain(s, *n, gone, fresh);
    if (e != Err::none || !fresh)
        return e;
    Batch batch(self);
    e = batch.put(path, fresh, false);
    if (e == Err::none)
        batch.apply();
    return e;
}

} // namespace

Err forget_domain(Store& s, Domid gone)
{
    Access self(s, nullptr, nullptr);
    Path_list paths(s.alloc);
    toolstack::Vec<const Node*> nodes(s.alloc);
    Err e = collect(self, "/", paths, nodes);
    if (e == Err::none && (!paths.add("@releaseDomain") || !paths.add("@introduceDomain")))
        e = Err::enomem;
    if (e != Err::none)
        return e;
    // Breadth first: a node owned by gone goes (with everything below it)
    // before the walk reaches its children.
    Err first = Err::none;
    for (uint32_t i = 0; i < paths.size(); ++i) {
        e = scrub(s, self, paths[i], gone);
        if (e != Err::none && first == Err::none)
            first = e;
    }
    return first;
}

} // namespace xs
