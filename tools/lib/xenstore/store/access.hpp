// Reading and changing nodes on behalf of someone, in the global store or
// in a transaction: the one place where permissions, quotas, accounting and
// transaction bookkeeping happen.
//
// A change is a Batch: put() and remove() only prepare (every allocation
// and check happens there, and may fail), apply() then makes all of them
// visible in one step that cannot fail. A Batch destroyed without apply()
// leaves the store as it was. Events go through fire(): straight to the
// store's sink outside a transaction, onto the transaction's entry inside
// one (they fire when it commits). Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/vec.hpp"
#include "tools/lib/xenstore/store/store.hpp"
#include "tools/lib/xenstore/store/transaction.hpp"

namespace xs {

class Access {
public:
    // who == nullptr: the store itself (privileged, no quota, no
    // transaction).
    Access(Store& s, const Who* by, Transaction* in) : store(s), who(by), txn(in) {}

    // The node at path as this access sees it (out = nullptr: there is
    // none). In a transaction the first look at a path is recorded: it can
    // fail with Err::enomem or Err::enospc (transaction-nodes quota).
    [[nodiscard]] Err get(Str path, const Node*& out);
    // get() and the access want must be granted: xenstored's get_node.
    // A missing node is Err::enoent, a refused one Err::eacces; both become
    // Err::eacces unless the nearest existing ancestor grants some of want,
    // so nobody learns of nodes they could not see.
    [[nodiscard]] Err get_checked(Str path, uint8_t want, const Node*& out);

    uint8_t perm(const Node& n) const;
    bool privileged() const { return !who || who->privileged; }
    // Quotas apply to this access (an unprivileged domain).
    bool limited() const { return !privileged(); }

    // A change at path: to the sink now, or to the transaction's commit.
    void fire(Str path, const Node* node, Match match, const Node* original);

    Store& store;
    const Who* const who;
    Transaction* const txn;
};

class Batch {
public:
    explicit Batch(Access& a) : access_(a), items_(a.store.alloc) {}
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

    // path gets node (the Batch takes the reference, even on failure).
    // check_size: the node-size quota applies (xenstored skips it when a
    // child entry is only taken out).
    [[nodiscard]] Err put(Str path, Node* node, bool check_size = true);
    // No node at path any more (nothing happens if there is none).
    [[nodiscard]] Err remove(Str path);
    // The quotas after all changes, when the acting domain is limited:
    // Err::enospc over its node quota, Err::enomem over the memory quota of
    // any unprivileged domain whose nodes grow (its own unless memory is
    // false: a commit only moves what the transaction was charged for).
    [[nodiscard]] Err check_quota(bool memory = true) const;
    // Makes every change visible and charges it. Cannot fail.
    void apply();

private:
    struct Item {
        Entry* entry;   // the entry changed (a new one in the global table if made here)
        Node* node;     // what it gets; nullptr: removed
        bool new_entry; // made by this Batch: erased again if not applied
    };
    [[nodiscard]] Err add(Str path, Node* node, bool check_size);
    // The node the target table has at e now.
    static const Node* current(const Entry* e) { return e ? e->node : nullptr; }

    Access& access_;
    toolstack::Vec<Item> items_;
    int32_t own_nodes_ = 0;  // nodes owned by the acting domain: made minus removed
    int64_t own_memory_ = 0; // memory charged to the acting domain
    // Memory charged to other owners (a limited domain writing nodes it
    // may write but does not own); the first few owners are tracked.
    struct Owner_charge {
        Domid owner;
        int64_t delta;
    };
    static constexpr unsigned tracked_owners = 4;
    Owner_charge others_[tracked_owners] = {};
    unsigned n_others_ = 0;
    void charge_other(Domid owner, int64_t delta);
    bool applied_ = false;
};

} // namespace xs
