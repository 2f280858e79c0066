// The store itself: every node by path, the global generation count, what
// each domain uses, and where changes are announced. Reading and changing
// nodes goes through Access (access.hpp), never straight to the table, so
// that permissions, quotas, transactions and accounting are applied in one
// place. Single-threaded: the host serialises all calls. Portable and
// freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/xenstore/store/accounts.hpp"
#include "tools/lib/xenstore/store/node_table.hpp"

namespace xs {

// Where changes go once they are visible outside any transaction: the
// server matches them against its watches. node is the node as it is now
// (nullptr: look it up, or it is gone); original, if not nullptr, the
// version before the change (whoever could read either hears of it).
struct Event_sink {
    void (*fire)(void* ctx, Str path, const Node* node, Match match,
                 const Node* original) = nullptr;
    void* ctx = nullptr;
};

class Store {
public:
    Store(const Allocator& a, Domid privileged, const Quota& limits)
        : alloc(a), priv(privileged), quota(limits), table(a), accounts(a)
    {
    }
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // The nodes every store starts with, as xenstored's setup_structure:
    // "/", "/tool", "/tool/xenstored" (owned by priv, no access for others),
    // "@releaseDomain" (readable by all domains) and "@introduceDomain".
    [[nodiscard]] Err init();

    // The next generation count: every change and every transaction start
    // takes one, so generations are unique and increasing.
    uint64_t next_generation() { return ++generation_; }
    uint64_t generation() const { return generation_; }

    // The global node at path, nullptr if none.
    const Node* lookup(Str path) const
    {
        const Entry* e = table.find(path);
        return e ? e->node : nullptr;
    }

    // Memory charged for a node in the table (xenstored: size + name).
    static uint32_t node_charge(Str path, const Node* n) { return n ? n->acc_size() + path.n : 0; }

    const Allocator& alloc;
    const Domid priv;
    Quota quota;
    bool keep_orphans = false;
    Node_table table;
    Accounts accounts;
    Event_sink sink;

private:
    uint64_t generation_ = 0;
};

} // namespace xs
