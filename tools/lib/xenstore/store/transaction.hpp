// A transaction (TRANSACTION_START .. TRANSACTION_END): its own table of
// every path it has read or changed, over the global store. The first read
// of a path keeps the version seen (a counted reference) and its
// generation; later reads in the transaction see that version or the
// transaction's own changes. Commit fails with EAGAIN if any node first
// read by the transaction has a different generation in the global store
// by then (it was written, created or deleted meanwhile), as xenstored's
// finalize_transaction. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/list.hpp"
#include "tools/lib/xenstore/store/store.hpp"

namespace xs {

class Transaction : public toolstack::List_link {
public:
    Transaction(Store& s, uint32_t tx_id, Domid charged)
        : id(tx_id), owner(charged), generation(s.next_generation()), overlay(s.alloc), store_(s)
    {
    }
    // Gives back what the transaction was charged.
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // Memory charged to the owner for entry e (its path and the nodes it
    // holds).
    static uint32_t entry_charge(const Entry& e);

    const uint32_t id;
    const Domid owner;         // the domain charged for it
    const uint64_t generation; // taken when it started
    Node_table overlay;
    uint64_t memory = 0;   // charged to owner
    int32_t own_nodes = 0; // nodes owned by owner it created minus deleted
    bool node_created = false;
    bool failed = false; // a change went halfway: it cannot commit

private:
    Store& store_;
};

// Ends t: on commit, checks and applies it (EAGAIN on a conflict, ENOSPC
// over the node quota, ENOMEM if it failed or memory runs out) and fires
// the watches of what it changed. Either way t can then be destroyed.
[[nodiscard]] Err commit_transaction(Store& s, Transaction& t, const Who* who);

} // namespace xs
