#include "tools/lib/xenstore/store/store.hpp"

#include "tools/lib/xenstore/store/access.hpp"

namespace xs {

Err Store::init()
{
    const Perm none[] = {{priv, perm_none, 0}};
    const Perm readable[] = {{priv, perm_none, 0}, {domid_any, perm_read, 0}};
    struct Initial {
        const char* path;
        const Perm* perms;
        uint16_t n;
        Str children;
    };
    const Initial initial[] = {
        {"/", none, 1, Str("tool", 5)},       {"/tool", none, 1, Str("xenstored", 10)},
        {"/tool/xenstored", none, 1, Str()},  {"@releaseDomain", readable, 2, Str()},
        {"@introduceDomain", none, 1, Str()},
    };
    Access self(*this, nullptr, nullptr);
    Batch batch(self);
    for (const Initial& i : initial) {
        Node* n = Node::make(alloc, i.perms, i.n, Str(), i.children);
        if (!n)
            return Err::enomem;
        Err e = batch.put(i.path, n, false);
        if (e != Err::none)
            return e;
    }
    batch.apply();
    return Err::none;
}

} // namespace xs
