#include "tools/lib/xenstore/store/path.hpp"
#include "tools/lib/xenstore/store/tree.hpp"
#include "tools/lib/xenstore/store/walk.hpp"

namespace xs {

namespace {

// Each child name of n appears once.
bool unique_children(const Node& n)
{
    bool unique = true;
    Str c = n.children();
    for_each_child(c, [&](Str a) {
        uint32_t seen = 0;
        for_each_child(c, [&](Str b) { seen += a == b ? 1 : 0; });
        unique = unique && seen == 1 && !a.empty();
    });
    return unique;
}

} // namespace

Tree_check check_tree(const Store& s)
{
    Tree_check r;
    // The walk only reads the global table; Access needs a non-const store.
    Store& store = const_cast<Store&>(s);
    Access self(store, nullptr, nullptr);
    Path_list paths(s.alloc);
    toolstack::Vec<const Node*> nodes(s.alloc);
    if (collect(self, "/", paths, nodes) != Err::none) {
        r.problem("out of memory");
        return r;
    }
    for (uint32_t i = 0; i < paths.size(); ++i) {
        if (!nodes[i]) {
            r.problem("a child named that does not exist");
            continue;
        }
        ++r.nodes;
        if (!unique_children(*nodes[i]))
            r.problem("a child named twice or empty");
        if (nodes[i]->n_perms() == 0)
            r.problem("a node without permissions");
    }
    const char* const specials[] = {"@releaseDomain", "@introduceDomain"};
    for (const char* special : specials) {
        if (s.lookup(special))
            ++r.nodes;
        else
            r.problem("a special node missing");
    }
    // Nothing in the table that the walk did not reach.
    uint32_t present = 0;
    for (const Entry* e = s.table.first(); e; e = s.table.next(e))
        present += e->node ? 1 : 0;
    if (present != r.nodes || present != s.table.count())
        r.problem("a node not reachable from the root");
    // Every domain's count of owned nodes.
    s.accounts.for_each([&](Domid d, const Usage& u) {
        uint32_t owned = 0;
        for (const Entry* e = s.table.first(); e; e = s.table.next(e))
            owned += e->node && e->node->owner() == d ? 1 : 0;
        if (owned != u.nodes)
            r.problem("a domain's node count");
    });
    for (const Entry* e = s.table.first(); e; e = s.table.next(e))
        if (e->node && !s.accounts.find(e->node->owner()))
            r.problem("an owner without an account");
    return r;
}

} // namespace xs
