// INTRODUCE, RELEASE, GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, RESUME,
// SET_TARGET (xenstored's domain.c). The work is in domains.cpp, shared
// with the toolstack's direct calls.
#include "tools/lib/xenstore/ops.hpp"
#include "tools/lib/xenstore/store/path.hpp"

namespace xs {

namespace {

Err one_domid(Request& rq, Domid& out)
{
    Str arg;
    return rq.one_arg(arg) && parse_domid(arg, out) ? Err::none : Err::einval;
}

Err done(Request& rq, Err e)
{
    return e != Err::none ? e : rq.ack();
}

} // namespace

// <domid>|<gfn>|<evtchn>|: gfn in signed decimal (ignored if not a number,
// as xenstored ignores it: the ring may come from the reserved grant).
Err op_introduce(Request& rq)
{
    Str args[3];
    Domid domid;
    uint64_t port;
    if (rq.args(args, 3) < 3 || !parse_domid(args[0], domid) ||
        !toolstack::parse_u64(args[2], 0x7FFFFFFF, port) || port == 0)
        return Err::einval;
    int64_t gfn = 0;
    if (!toolstack::parse_i64(args[1], gfn))
        gfn = 0;
    return done(rq,
                rq.xs.introduce(domid, static_cast<uint64_t>(gfn), static_cast<uint32_t>(port)));
}

Err op_release(Request& rq)
{
    Domid domid;
    Err e = one_domid(rq, domid);
    return done(rq, e != Err::none ? e : rq.xs.release(domid));
}

Err op_resume(Request& rq)
{
    Domid domid;
    Err e = one_domid(rq, domid);
    return done(rq, e != Err::none ? e : rq.xs.resume(domid));
}

Err op_set_target(Request& rq)
{
    Str args[2];
    Domid domid, target;
    if (rq.args(args, 2) < 2 || !parse_domid(args[0], domid) || !parse_domid(args[1], target))
        return Err::einval;
    return done(rq, rq.xs.set_target(domid, target));
}

Err op_get_domain_path(Request& rq)
{
    Domid domid;
    Err e = one_domid(rq, domid);
    if (e != Err::none)
        return e;
    Text path(rq.xs.alloc());
    home_path(domid, path);
    path.put_char('\0');
    return path.ok() ? rq.reply(path.str()) : Err::enomem;
}

Err op_is_domain_introduced(Request& rq)
{
    Domid domid;
    Err e = one_domid(rq, domid);
    if (e != Err::none)
        return e;
    // The control domain and the caller itself are always connected.
    bool yes = domid == DOMID_SELF || domid == rq.xs.config().priv_domid || rq.xs.introduced(domid);
    return rq.reply(yes ? Str("T", 2) : Str("F", 2));
}

} // namespace xs
