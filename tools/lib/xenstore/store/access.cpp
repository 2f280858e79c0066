#include "tools/lib/xenstore/store/access.hpp"

#include "tools/lib/xenstore/store/path.hpp"

namespace xs {

Err Access::get(Str path, const Node*& out)
{
    out = nullptr;
    if (!txn) {
        out = store.lookup(path);
        return Err::none;
    }
    if (Entry* e = txn->overlay.find(path)) {
        out = e->node;
        return Err::none;
    }
    if (limited() && over(txn->overlay.count() + 1ull, store.quota.transaction_nodes))
        return Err::enospc;
    const Node* g = store.lookup(path);
    uint32_t cost = path.n + (g ? g->acc_size() : 0);
    Usage* u = store.accounts.get(txn->owner);
    if (!u || (limited() && over(u->memory + cost, store.quota.memory)))
        return Err::enomem;
    Entry* e = txn->overlay.insert(path);
    if (!e)
        return Err::enomem;
    if (g) {
        e->node = g->ref();
        e->original = g->ref();
    }
    e->seen_generation = g ? g->generation : no_generation;
    e->check_generation = true;
    txn->memory += cost;
    charge(u->memory, cost);
    out = e->node;
    return Err::none;
}

uint8_t Access::perm(const Node& n) const
{
    return who ? perm_for(*who, n.perms(), n.n_perms()) : perm_all;
}

Err Access::get_checked(Str path, uint8_t want, const Node*& out)
{
    Err e = get(path, out);
    if (e != Err::none)
        return e;
    if (out && (perm(*out) & want) == want)
        return Err::none;
    Err refused = out ? Err::eacces : Err::enoent;
    out = nullptr;
    // What do the parents say? Only someone granted some of the access on
    // the nearest node that exists learns why.
    const Node* above = nullptr;
    Str p = path;
    while (!above && !(p.n == 1 && p[0] == '/')) {
        p = parent_of(p);
        e = get(p, above);
        if (e != Err::none)
            return e;
    }
    return above && (perm(*above) & want) ? refused : Err::eacces;
}

void Access::fire(Str path, const Node* node, Match match, const Node* original)
{
    if (!txn) {
        if (store.sink.fire)
            store.sink.fire(store.sink.ctx, path, node, match, original);
        return;
    }
    Entry* e = txn->overlay.find(path);
    if (!e) {
        txn->failed = true;
        return;
    }
    if (!e->fire_watch) {
        e->fire_watch = true;
        e->watch_match = match;
    } else if (match == Match::subtree) {
        e->watch_match = Match::subtree;
    }
}

Batch::~Batch()
{
    if (applied_)
        return;
    for (uint32_t i = 0; i < items_.size(); ++i) {
        Node::unref(access_.store.alloc, items_[i].node);
        if (items_[i].new_entry)
            access_.store.table.erase(items_[i].entry);
    }
}

Err Batch::put(Str path, Node* node, bool check_size)
{
    return add(path, node, check_size);
}

Err Batch::remove(Str path)
{
    return add(path, nullptr, false);
}

Err Batch::add(Str path, Node* node, bool check_size)
{
    Store& s = access_.store;
    Transaction* txn = access_.txn;
    if (check_size && node && access_.limited() && over(node->acc_size(), s.quota.node_size)) {
        Node::unref(s.alloc, node);
        return Err::enospc;
    }
    Entry* e;
    bool fresh = false;
    if (txn) {
        e = txn->overlay.find(path);
        if (!e) {
            const Node* seen;
            Err err = access_.get(path, seen);
            e = txn->overlay.find(path);
            if (err != Err::none || !e) {
                Node::unref(s.alloc, node);
                return err != Err::none ? err : Err::enomem;
            }
        }
    } else {
        e = s.table.find(path);
        if (!e && !node)
            return Err::none;
        if (node && !s.accounts.get(node->owner())) {
            Node::unref(s.alloc, node);
            return Err::enomem;
        }
        if (!e) {
            e = s.table.insert(path);
            if (!e) {
                Node::unref(s.alloc, node);
                return Err::enomem;
            }
            fresh = true;
        }
    }
    if (!items_.push_back({e, node, fresh})) {
        Node::unref(s.alloc, node);
        if (fresh)
            s.table.erase(e);
        return Err::enomem;
    }
    if (access_.who) {
        Domid me = access_.who->id;
        const Node* old = current(e);
        own_nodes_ += (node && node->owner() == me ? 1 : 0) - (old && old->owner() == me ? 1 : 0);
        if (txn) {
            int64_t before = path.n + (old ? old->acc_size() : 0);
            int64_t after = path.n + (node ? node->acc_size() : 0);
            if (e->original && e->original != old)
                before += e->original->acc_size();
            if (e->original && e->original != node)
                after += e->original->acc_size();
            own_memory_ += after - before;
        } else {
            if (node)
                charge_other(node->owner(), Store::node_charge(path, node));
            if (old)
                charge_other(old->owner(), -static_cast<int64_t>(Store::node_charge(path, old)));
        }
    }
    return Err::none;
}

void Batch::charge_other(Domid owner, int64_t delta)
{
    if (owner == access_.who->id) {
        own_memory_ += delta;
        return;
    }
    for (unsigned i = 0; i < n_others_; ++i)
        if (others_[i].owner == owner) {
            others_[i].delta += delta;
            return;
        }
    if (n_others_ < tracked_owners)
        others_[n_others_++] = {owner, delta};
}

Err Batch::check_quota(bool memory_too) const
{
    if (!access_.limited())
        return Err::none;
    const Store& s = access_.store;
    const Usage* u = s.accounts.find(access_.who->id);
    int64_t nodes = (u ? u->nodes : 0) + own_nodes_ + (access_.txn ? access_.txn->own_nodes : 0);
    if (own_nodes_ > 0 && nodes > 0 && over(static_cast<uint64_t>(nodes), s.quota.nodes))
        return Err::enospc;
    int64_t memory = static_cast<int64_t>(u ? u->memory : 0) + own_memory_;
    if (memory_too && own_memory_ > 0 && over(static_cast<uint64_t>(memory), s.quota.memory))
        return Err::enomem;
    for (unsigned i = 0; i < n_others_; ++i) {
        const Owner_charge& o = others_[i];
        const Usage* ou = s.accounts.find(o.owner);
        if (o.delta > 0 && o.owner != s.priv && ou &&
            over(ou->memory + static_cast<uint64_t>(o.delta), s.quota.memory))
            return Err::enomem;
    }
    return Err::none;
}

void Batch::apply()
{
    Store& s = access_.store;
    Transaction* txn = access_.txn;
    for (uint32_t i = 0; i < items_.size(); ++i) {
        Entry* e = items_[i].entry;
        Node* fresh = items_[i].node;
        items_[i].node = nullptr;
        Node* old = e->node;
        if (fresh)
            fresh->generation = s.next_generation();
        if (txn) {
            uint32_t before = Transaction::entry_charge(*e);
            if (old && old->owner() == txn->owner)
                --txn->own_nodes;
            if (fresh && fresh->owner() == txn->owner)
                ++txn->own_nodes;
            if (fresh && !old)
                txn->node_created = true;
            e->node = fresh;
            e->modified = true;
            Node::unref(s.alloc, old);
            uint32_t after = Transaction::entry_charge(*e);
            txn->memory = txn->memory + after - before;
            if (Usage* u = s.accounts.find(txn->owner))
                charge(u->memory, static_cast<int64_t>(after) - before);
            continue;
        }
        Str path = e->path();
        if (old) {
            if (Usage* u = s.accounts.find(old->owner())) {
                charge(u->nodes, -1);
                charge(u->memory, -static_cast<int64_t>(Store::node_charge(path, old)));
            }
        }
        if (fresh) {
            if (Usage* u = s.accounts.find(fresh->owner())) {
                charge(u->nodes, 1);
                charge(u->memory, Store::node_charge(path, fresh));
            }
        }
        e->node = fresh;
        Node::unref(s.alloc, old);
        if (!fresh)
            s.table.erase(e);
    }
    applied_ = true;
}

} // namespace xs
