#include "tools/lib/xenstore/store/tree.hpp"

#include "tools/lib/xenstore/store/path.hpp"
#include "tools/lib/xenstore/store/walk.hpp"

namespace xs {

namespace {

bool is_root(Str p)
{
    return p.n == 1 && p[0] == '/';
}

// Makes path with value below its nearest existing ancestor.
Err create(Access& a, Str path, Str value)
{
    const Allocator& al = a.store.alloc;
    // Lengths of the missing paths, the deepest first: each is a prefix of path.
    toolstack::Vec<uint32_t> missing(al);
    const Node* above = nullptr;
    Str p = path;
    while (!above) {
        if (is_root(p))
            return Err::eio; // no root: the store is broken
        if (!missing.push_back(p.n))
            return Err::enomem;
        p = parent_of(p);
        Err e = a.get(p, above);
        if (e != Err::none)
            return e;
    }
    bool own = a.limited();
    Domid me = a.who ? a.who->id : a.store.priv;
    Batch batch(a);
    uint32_t top = missing.size() - 1;
    Node* grown = above->with_child(al, base_name(path.prefix(missing[top])));
    if (!grown)
        return Err::enomem;
    Err e = batch.put(p, grown);
    const Node* from = above;
    Node* made = nullptr;
    for (uint32_t i = top + 1; i-- > 0 && e == Err::none;) {
        Str child = i > 0 ? base_name(path.prefix(missing[i - 1])) : Str();
        made = Node::make_below(al, *from, own, me, i == 0 ? value : Str(), child);
        if (!made)
            return Err::enomem;
        e = batch.put(path.prefix(missing[i]), made);
        from = made;
    }
    if (e == Err::none)
        e = batch.check_quota();
    if (e != Err::none)
        return e;
    batch.apply();
    a.fire(path, made, Match::subtree, nullptr);
    return Err::none;
}

} // namespace

Err write_value(Access& a, Str path, Str value)
{
    const Node* n;
    Err e = a.get_checked(path, perm_write, n);
    if (e == Err::enoent)
        return create(a, path, value);
    if (e != Err::none)
        return e;
    Node* fresh = n->with_value(a.store.alloc, value);
    if (!fresh)
        return Err::enomem;
    Batch batch(a);
    e = batch.put(path, fresh);
    if (e == Err::none)
        e = batch.check_quota();
    if (e != Err::none)
        return e;
    batch.apply();
    a.fire(path, fresh, Match::subtree, nullptr);
    return Err::none;
}

Err make_dir(Access& a, Str path)
{
    const Node* n;
    Err e = a.get_checked(path, perm_write, n);
    if (e == Err::enoent)
        return create(a, path, Str());
    return e;
}

Err remove_subtree(Access& a, Str path)
{
    if (is_root(path))
        return Err::einval;
    Str parent = parent_of(path);
    const Node* above;
    Err e = a.get(parent, above);
    if (e != Err::none)
        return e;
    if (!above)
        return Err::einval;
    Path_list paths(a.store.alloc);
    toolstack::Vec<const Node*> nodes(a.store.alloc);
    e = collect(a, path, paths, nodes);
    if (e != Err::none)
        return e;
    Node* shrunk = above->without_child(a.store.alloc, base_name(path));
    if (!shrunk)
        return Err::enomem;
    Batch batch(a);
    e = batch.put(parent, shrunk, false);
    for (uint32_t i = 0; i < paths.size() && e == Err::none; ++i)
        e = batch.remove(paths[i]);
    if (e != Err::none)
        return e;
    // Fire while the nodes (and their permissions) are still there, the
    // deepest first.
    for (uint32_t i = paths.size(); i-- > 0;)
        if (nodes[i])
            a.fire(paths[i], nodes[i], i == 0 ? Match::subtree : Match::exact, nullptr);
    batch.apply();
    return Err::none;
}

Err remove_path(Access& a, Str path)
{
    const Node* n;
    Err e = a.get_checked(path, perm_write, n);
    if (e == Err::enoent) {
        // Already gone: fine if the parent is there.
        const Node* above;
        e = a.get(parent_of(path), above);
        if (e != Err::none)
            return e;
        return above ? Err::none : Err::enoent;
    }
    if (e != Err::none)
        return e;
    return remove_subtree(a, path);
}

Err set_perms(Access& a, Str path, const Perm* perms, uint16_t count)
{
    const Node* n;
    Err e = a.get_checked(path, perm_write | perm_owner, n);
    if (e != Err::none)
        return e;
    if (a.limited() && perms[0].id != n->owner())
        return Err::eperm;
    Node* fresh = n->with_perms(a.store.alloc, perms, count);
    if (!fresh)
        return Err::enomem;
    Node* before = n->ref();
    Batch batch(a);
    e = batch.put(path, fresh);
    if (e == Err::none)
        e = batch.check_quota();
    if (e == Err::none) {
        batch.apply();
        a.fire(path, fresh, Match::subtree, before);
    }
    Node::unref(a.store.alloc, before);
    return e;
}

} // namespace xs
