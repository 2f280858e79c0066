#include "tools/lib/xenstore/store/transaction.hpp"

#include "tools/lib/xenstore/store/access.hpp"

namespace xs {

Transaction::~Transaction()
{
    if (Usage* u = store_.accounts.find(owner))
        charge(u->memory, -static_cast<int64_t>(memory));
}

uint32_t Transaction::entry_charge(const Entry& e)
{
    uint32_t c = e.path_len;
    if (e.node)
        c += e.node->acc_size();
    if (e.original && e.original != e.node)
        c += e.original->acc_size();
    return c;
}

Err commit_transaction(Store& s, Transaction& t, const Who* who)
{
    if (t.failed)
        return Err::enomem;
    Access global(s, who, nullptr);
    Batch batch(global);
    for (Entry* e = t.overlay.first(); e; e = t.overlay.next(e)) {
        if (!e->modified)
            continue;
        Err err = e->node ? batch.put(e->path(), e->node->ref(), false) : batch.remove(e->path());
        if (err != Err::none)
            return err;
    }
    // The node quota first, then conflicts, as xenstored.
    if (t.node_created) {
        Err err = batch.check_quota(false);
        if (err != Err::none)
            return err;
    }
    for (Entry* e = t.overlay.first(); e; e = t.overlay.next(e)) {
        if (!e->check_generation)
            continue;
        const Node* now = s.lookup(e->path());
        if ((now ? now->generation : no_generation) != e->seen_generation)
            return Err::eagain;
    }
    batch.apply();
    for (Entry* e = t.overlay.first(); e; e = t.overlay.next(e))
        if (e->fire_watch)
            global.fire(e->path(), s.lookup(e->path()), e->watch_match, e->original);
    return Err::none;
}

} // namespace xs
