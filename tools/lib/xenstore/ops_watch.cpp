// WATCH, UNWATCH, RESET_WATCHES (xenstored's watch.c and domain.c).
#include "tools/lib/xenstore/ops.hpp"

namespace xs {

Err op_watch(Request& rq)
{
    Str args[3];
    uint32_t n = rq.args(args, 3);
    int32_t depth = -1;
    if (n == 3 && (rq.xs.config().features & XENSTORE_SERVER_FEATURE_WATCHDEPTH)) {
        uint64_t d;
        if (!toolstack::parse_u64(args[2], 0x7FFFFFFF, d))
            return Err::einval;
        depth = static_cast<int32_t>(d);
    } else if (n != 2) {
        return Err::einval;
    }
    bool relative = args[0].empty() || (args[0][0] != '/' && args[0][0] != '@');
    Text path(rq.xs.alloc());
    Err e = rq.path(args[0], true, path);
    if (e != Err::none)
        return e;
    Connection& c = rq.conn;
    for (const Watch* w = c.watches.first(); w; w = c.watches.next(w))
        if (w->path() == path.str() && w->token() == args[1])
            return Err::eexist;
    Usage* u = rq.xs.db().accounts.find(c.id);
    const Quota& q = rq.xs.config().quota;
    if (!u)
        return Err::enomem;
    if (rq.limited() && over(u->watches + 1ull, q.watches))
        return Err::enospc;
    if (rq.limited() && over(u->memory + path.size() + args[1].n, q.memory))
        return Err::enomem;
    Watch* w = Watch::make(rq.xs.alloc(), path.str(), args[1]);
    if (!w)
        return Err::enomem;
    w->depth = depth;
    w->prefix_len = relative ? path.size() - args[0].n : 0;
    c.watches.push_back(w);
    charge(u->watches, 1);
    charge(u->memory, w->charge());
    e = rq.ack();
    // Fired once straight away (not tied to this request, as xenstored).
    rq.xs.queue_event(c, w->path().sub(w->prefix_len), w->token());
    return e;
}

Err op_unwatch(Request& rq)
{
    Str args[2];
    if (rq.args(args, 2) != 2)
        return Err::einval;
    Text path(rq.xs.alloc());
    Err e = rq.path(args[0], true, path);
    if (e != Err::none)
        return e;
    Connection& c = rq.conn;
    for (Watch* w = c.watches.first(); w; w = c.watches.next(w)) {
        if (w->path() != path.str() || w->token() != args[1])
            continue;
        toolstack::List<Watch>::remove(w);
        if (Usage* u = rq.xs.db().accounts.find(c.id)) {
            charge(u->watches, -1);
            charge(u->memory, -static_cast<int64_t>(w->charge()));
        }
        Watch::free(rq.xs.alloc(), w);
        return rq.ack();
    }
    return Err::enoent;
}

Err op_reset_watches(Request& rq)
{
    rq.xs.clear_watches(rq.conn);
    rq.xs.clear_transactions(rq.conn);
    return rq.ack();
}

} // namespace xs
