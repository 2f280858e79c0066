#include "tools/lib/xenstore/xenstored.hpp"

#include "tools/lib/xenstore/store/path.hpp"

namespace xs {

Xenstored::Xenstored(const Allocator& a, const Hooks& hooks, const Config& config)
    : alloc_(a), hooks_(hooks), config_(config), store_(a, config.priv_domid, config.quota)
{
    store_.keep_orphans = config.keep_orphans;
    store_.sink.fire = sink_fire;
    store_.sink.ctx = this;
}

Xenstored::~Xenstored()
{
    while (Connection* c = conns_.first())
        destroy(c);
}

Err Xenstored::init()
{
    if (!store_.accounts.get(config_.priv_domid))
        return Err::enomem;
    return store_.init();
}

Connection* Xenstored::find_ring(Domid domid) const
{
    for (Connection* c = conns_.first(); c; c = conns_.next(c))
        if (c->kind == Connection::Kind::ring && c->id == domid)
            return c;
    return nullptr;
}

Connection* Xenstored::open_local(Domid as)
{
    if (!store_.accounts.get(as))
        return nullptr;
    Connection* c = toolstack::create<Connection>(alloc_, Connection::Kind::local, as);
    if (c)
        conns_.push_back(c);
    return c;
}

void Xenstored::close_local(Connection* c)
{
    if (c && c->kind == Connection::Kind::local)
        destroy(c);
}

void Xenstored::destroy(Connection* c)
{
    clear_watches(*c);
    clear_transactions(*c);
    clear_io(*c);
    if (c->spare)
        Out_msg::free(alloc_, c->spare);
    c->spare = nullptr;
    if (c->kind == Connection::Kind::ring) {
        if (c->ring && hooks_.unmap_ring)
            hooks_.unmap_ring(hooks_.ctx, c->id, c->ring);
        if (c->port && hooks_.unbind_port)
            hooks_.unbind_port(hooks_.ctx, c->port);
    }
    toolstack::List<Connection>::remove(c);
    Domid id = c->id;
    toolstack::destroy(alloc_, c);
    for (Connection* o = conns_.first(); o; o = conns_.next(o))
        if (o->id == id)
            return;
    store_.accounts.drop_if_unused(id);
}

Err Xenstored::submit(Connection& c, const xsd_sockmsg& hdr, const void* payload)
{
    if (c.kind != Connection::Kind::local || hdr.len > XENSTORE_PAYLOAD_MAX)
        return Err::einval;
    if (!ready_spare(c))
        return Err::enomem;
    process(c, hdr, static_cast<const char*>(payload));
    // Events this request caused for domains go out now.
    flush_rings();
    return Err::none;
}

const Out_msg* Xenstored::find_reply(const Connection& c, uint32_t req_id) const
{
    for (const Out_msg* m = c.out.first(); m; m = c.out.next(m))
        if (!m->event && m->hdr.req_id == req_id)
            return m;
    return nullptr;
}

void Xenstored::take(Connection& c, const Out_msg* m)
{
    free_out(c, const_cast<Out_msg*>(m));
}

void Xenstored::free_out(Connection& c, Out_msg* m)
{
    toolstack::List<Out_msg>::remove(m);
    if (Usage* u = store_.accounts.find(c.id)) {
        charge(u->memory, -static_cast<int64_t>(m->charge()));
        if (!m->event)
            charge(u->outstanding, -1);
    }
    Out_msg::free(alloc_, m);
}

Err Xenstored::queue_reply(Connection& c, const xsd_sockmsg& hdr, uint32_t type, Str payload)
{
    if (payload.n > XENSTORE_PAYLOAD_MAX)
        return Err::e2big;
    Usage* u = store_.accounts.find(c.id);
    bool limited = c.id != config_.priv_domid;
    uint32_t total = static_cast<uint32_t>(sizeof(xsd_sockmsg)) + payload.n;
    // Small replies are always sent (they may be the error that says why);
    // larger ones count against the memory quota.
    bool small = payload.n <= spare_capacity;
    if (!small && limited && u && over(u->memory + total, config_.quota.memory))
        return Err::enomem;
    Out_msg* m = Out_msg::make(alloc_, payload.n);
    if (!m && small) {
        m = c.spare;
        c.spare = nullptr;
    }
    if (!m)
        return Err::enomem;
    m->hdr.type = type;
    m->hdr.req_id = hdr.req_id;
    m->hdr.tx_id = hdr.tx_id;
    m->hdr.len = payload.n;
    m->sent = 0;
    m->event = false;
    toolstack::mem_copy(m->payload(), payload.p, payload.n);
    c.out.push_back(m);
    if (u) {
        charge(u->memory, m->charge());
        charge(u->outstanding, 1);
    }
    return Err::none;
}

void Xenstored::queue_event(Connection& c, Str path, Str token)
{
    if (c.ignored)
        return;
    uint64_t len = static_cast<uint64_t>(path.n) + token.n + 2;
    if (len > XENSTORE_PAYLOAD_MAX)
        return;
    auto n = static_cast<uint32_t>(len);
    Text body(alloc_);
    body.put_z(path).put_z(token);
    if (!body.ok())
        return;
    // The same event still queued says all this one would (special events
    // excepted: each names an occurrence).
    if (path.empty() || path[0] != '@')
        for (const Out_msg* m = c.out.first(); m; m = c.out.next(m))
            if (m->event && m->hdr.len == n && toolstack::mem_eq(m->payload(), body.data(), n))
                return;
    Usage* u = store_.accounts.find(c.id);
    bool limited = c.id != config_.priv_domid;
    if (limited && u && over(u->memory + sizeof(xsd_sockmsg) + n, config_.quota.memory))
        return;
    Out_msg* m = Out_msg::make(alloc_, n);
    if (!m)
        return;
    m->hdr.type = XS_WATCH_EVENT;
    m->hdr.len = n;
    m->event = true;
    toolstack::mem_copy(m->payload(), body.data(), n);
    c.out.push_back(m);
    if (u)
        charge(u->memory, m->charge());
}

void Xenstored::sink_fire(void* ctx, Str path, const Node* node, Match m, const Node* original)
{
    static_cast<Xenstored*>(ctx)->fire(path, node, m, original);
}

bool Xenstored::watch_permitted(const Connection& c, Str path, const Node* node,
                                const Node* original) const
{
    Who who = c.who(config_.priv_domid);
    if (original && (perm_for(who, original->perms(), original->n_perms()) & perm_read))
        return true;
    if (!node)
        node = store_.lookup(path);
    if (!node)
        return false;
    if (perm_for(who, node->perms(), node->n_perms()) & perm_read)
        return true;
    const Node* parent = store_.lookup(parent_of(path));
    return parent && (perm_for(who, parent->perms(), parent->n_perms()) & perm_read);
}

void Xenstored::fire(Str path, const Node* node, Match m, const Node* original)
{
    for (Connection* c = conns_.first(); c; c = conns_.next(c)) {
        if (c->watches.empty() || c->ignored || !watch_permitted(*c, path, node, original))
            continue;
        for (Watch* w = c->watches.first(); w; w = c->watches.next(w))
            if (watch_matches(*w, path, m))
                queue_event(*c, path.n >= w->prefix_len ? path.sub(w->prefix_len) : path,
                            w->token());
    }
}

void Xenstored::fire_special(Str name, Domid domid, bool plain, bool with_domid)
{
    const Node* n = store_.lookup(name);
    if (!n)
        return;
    if (plain)
        fire(name, n, Match::nodepth, nullptr);
    if (with_domid) {
        Text p(alloc_);
        p.put(name).put_char('/').put_u64(domid);
        if (p.ok())
            fire(p.str(), n, Match::depth, nullptr);
    }
}

void Xenstored::clear_watches(Connection& c)
{
    Usage* u = store_.accounts.find(c.id);
    while (Watch* w = c.watches.first()) {
        toolstack::List<Watch>::remove(w);
        if (u) {
            charge(u->watches, -1);
            charge(u->memory, -static_cast<int64_t>(w->charge()));
        }
        Watch::free(alloc_, w);
    }
}

void Xenstored::clear_transactions(Connection& c)
{
    Usage* u = store_.accounts.find(c.id);
    while (Transaction* t = c.transactions.first()) {
        toolstack::List<Transaction>::remove(t);
        if (u)
            charge(u->transactions, -1);
        toolstack::destroy(alloc_, t);
    }
}

void Xenstored::clear_io(Connection& c)
{
    while (Out_msg* m = c.out.first())
        free_out(c, m);
    c.in_used = 0;
}

Tree_check Xenstored::check() const
{
    Tree_check r = check_tree(store_);
    store_.accounts.for_each([&](Domid d, const Usage& u) {
        Usage want;
        for (const Entry* e = store_.table.first(); e; e = store_.table.next(e))
            if (e->node && e->node->owner() == d)
                want.memory += Store::node_charge(e->path(), e->node);
        for (const Connection* c = conns_.first(); c; c = conns_.next(c)) {
            if (c->id != d)
                continue;
            for (const Watch* w = c->watches.first(); w; w = c->watches.next(w)) {
                ++want.watches;
                want.memory += w->charge();
            }
            for (const Transaction* t = c->transactions.first(); t; t = c->transactions.next(t)) {
                ++want.transactions;
                want.memory += t->memory;
                uint64_t entries = 0;
                for (const Entry* e = t->overlay.first(); e; e = t->overlay.next(e))
                    entries += Transaction::entry_charge(*e);
                if (entries != t->memory)
                    r.problem("a transaction's memory");
            }
            for (const Out_msg* m = c->out.first(); m; m = c->out.next(m)) {
                want.memory += m->charge();
                want.outstanding += m->event ? 0 : 1;
            }
        }
        if (u.memory != want.memory)
            r.problem("a domain's memory");
        if (u.watches != want.watches || u.transactions != want.transactions ||
            u.outstanding != want.outstanding)
            r.problem("a domain's watch, transaction or reply count");
    });
    return r;
}

void Xenstored::log(Str line)
{
    if (!hooks_.log)
        return;
    Text z(alloc_);
    z.put(line).put_char('\0');
    if (z.ok())
        hooks_.log(hooks_.ctx, z.data());
}

} // namespace xs
