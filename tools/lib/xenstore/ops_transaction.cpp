// TRANSACTION_START and TRANSACTION_END (xenstored's transaction.c).
#include "tools/lib/xenstore/ops.hpp"

namespace xs {

Err op_transaction_start(Request& rq)
{
    // No nesting: a TRANSACTION_START inside a transaction.
    if (rq.txn)
        return Err::ebusy;
    Connection& c = rq.conn;
    Usage* u = rq.xs.db().accounts.find(c.id);
    if (!u)
        return Err::enomem;
    if (rq.limited() && over(u->transactions + 1ull, rq.xs.config().quota.transactions))
        return Err::enospc;
    // Ids run on from 1; 0 means "no transaction" and live ones are skipped.
    uint32_t id;
    do
        id = c.next_tx_id++;
    while (id == 0 || c.find_transaction(id));
    Transaction* t = toolstack::create<Transaction>(rq.xs.alloc(), rq.xs.db(), id, c.id);
    if (!t)
        return Err::enomem;
    c.transactions.push_back(t);
    charge(u->transactions, 1);
    Text reply(rq.xs.alloc());
    reply.put_u64(id).put_char('\0');
    Err e = reply.ok() ? rq.reply(reply.str()) : Err::enomem;
    if (e != Err::none) {
        toolstack::List<Transaction>::remove(t);
        charge(u->transactions, -1);
        toolstack::destroy(rq.xs.alloc(), t);
    }
    return e;
}

Err op_transaction_end(Request& rq)
{
    Str arg;
    if (!rq.one_arg(arg) || (arg != Str("T") && arg != Str("F")))
        return Err::einval;
    Transaction* t = rq.txn;
    if (!t)
        return Err::enoent;
    // Whatever the outcome, the transaction is over.
    toolstack::List<Transaction>::remove(t);
    if (Usage* u = rq.xs.db().accounts.find(rq.conn.id))
        charge(u->transactions, -1);
    rq.txn = nullptr;
    Err e = arg == Str("T") ? commit_transaction(rq.xs.db(), *t, &rq.who) : Err::none;
    toolstack::destroy(rq.xs.alloc(), t);
    return e != Err::none ? e : rq.ack();
}

} // namespace xs
