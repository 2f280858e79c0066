#include "tools/lib/xenstore/store/node.hpp"

#include <new>

namespace xs {

using toolstack::mem_copy;

Node* Node::build(const Allocator& a, const Perm* perms, uint16_t n_perms, Str value, Str c1,
                  Str c2, Str c3)
{
    uint32_t clen = c1.n + c2.n + c3.n;
    size_t size = sizeof(Node) + n_perms * sizeof(Perm) + value.n + clen;
    void* mem = a.allocate(size);
    if (!mem)
        return nullptr;
    Node* n = new (mem) Node(n_perms, value.n, clen);
    char* p = n->tail();
    mem_copy(p, perms, n_perms * sizeof(Perm));
    p += n_perms * sizeof(Perm);
    mem_copy(p, value.p, value.n);
    p += value.n;
    mem_copy(p, c1.p, c1.n);
    mem_copy(p + c1.n, c2.p, c2.n);
    mem_copy(p + c1.n + c2.n, c3.p, c3.n);
    return n;
}

Node* Node::make(const Allocator& a, const Perm* perms, uint16_t n_perms, Str value, Str children)
{
    return build(a, perms, n_perms, value, children, Str(), Str());
}

Node* Node::make_below(const Allocator& a, const Node& from, bool set_owner, Domid owner, Str value,
                       Str child)
{
    Node* n = build(a, from.perms(), from.n_perms_, value, child, Str(),
                    Str("", child.empty() ? 0u : 1u));
    if (n && set_owner)
        reinterpret_cast<Perm*>(n->tail())[0].id = owner;
    return n;
}

void Node::unref(const Allocator& a, Node* n)
{
    if (!n || --n->refs_ != 0)
        return;
    size_t size = n->bytes();
    n->~Node();
    a.free(n, size);
}

Node* Node::with_value(const Allocator& a, Str v) const
{
    Node* n = build(a, perms(), n_perms_, v, children(), Str(), Str());
    if (n)
        n->generation = generation;
    return n;
}

Node* Node::with_perms(const Allocator& a, const Perm* p, uint16_t count) const
{
    Node* n = build(a, p, count, value(), children(), Str(), Str());
    if (n)
        n->generation = generation;
    return n;
}

Node* Node::with_child(const Allocator& a, Str name) const
{
    Node* n = build(a, perms(), n_perms_, value(), children(), name, Str("", 1));
    if (n)
        n->generation = generation;
    return n;
}

Node* Node::without_child(const Allocator& a, Str name) const
{
    Str c = children();
    uint32_t at = 0;
    while (at < c.n) {
        uint32_t end = c.find('\0', at);
        if (Str(c.p + at, end - at) == name) {
            uint32_t after = end < c.n ? end + 1 : c.n;
            Node* n = build(a, perms(), n_perms_, value(), c.prefix(at), c.sub(after), Str());
            if (n)
                n->generation = generation;
            return n;
        }
        at = end + 1;
    }
    Node* n = build(a, perms(), n_perms_, value(), c, Str(), Str());
    if (n)
        n->generation = generation;
    return n;
}

bool Node::has_child(Str name) const
{
    bool found = false;
    for_each_child(children(), [&](Str c) { found = found || c == name; });
    return found;
}

} // namespace xs
