// Paths to nodes: a hash table of Entry, each holding its path and a
// counted reference to a Node. The global store has one; every open
// transaction has one more for the paths it has touched, where an entry
// also records what the commit must check and which watches it fires.
// Entries also stay in insertion order (a transaction commits in the order
// it touched its nodes). Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/list.hpp"
#include "tools/lib/xenstore/store/node.hpp"

namespace xs {

// How a change matches watches (xenstored's enum watch_match).
enum class Match : uint8_t {
    exact,   // watches on this very path
    subtree, // watches on this path or above it
    depth,   // a special event for watches with a depth
    nodepth, // a special event for watches without one
};

struct Entry : toolstack::List_link {
    Entry* hash_next = nullptr;
    uint32_t hash = 0;
    uint32_t path_len = 0;
    Node* node = nullptr; // nullptr: no node at this path (in a transaction: it reads
                          // as missing there)

    // Transaction tables only.
    uint64_t seen_generation = no_generation; // the global node's generation when first read
    bool check_generation = false; // first touched by a read: must be unchanged at commit
    bool modified = false;         // written or deleted in the transaction
    bool fire_watch = false;       // the commit fires watches for this path
    Match watch_match = Match::exact;
    Node* original = nullptr; // the version first read: its permissions decide
                              // who hears of the change

    Str path() const { return Str(reinterpret_cast<const char*>(this + 1), path_len); }
};

class Node_table {
public:
    explicit Node_table(const Allocator& a) : alloc_(a) {}
    // Frees every entry and drops its node references.
    ~Node_table();
    Node_table(const Node_table&) = delete;
    Node_table& operator=(const Node_table&) = delete;

    Entry* find(Str path) const;
    // A new entry for path (not in the table yet), no node; nullptr when out
    // of memory.
    [[nodiscard]] Entry* insert(Str path);
    // Unlinks e, frees it, drops its references.
    void erase(Entry* e);

    uint32_t count() const { return count_; }
    Entry* first() const { return order_.first(); }
    Entry* next(const Entry* e) const { return order_.next(e); }

    // Bytes an entry for a path of len bytes takes (memory accounting).
    static uint32_t entry_bytes(uint32_t len)
    {
        return static_cast<uint32_t>(sizeof(Entry)) + len + 1;
    }

private:
    static uint32_t hash_of(Str path);
    void grow();

    const Allocator& alloc_;
    Entry** buckets_ = nullptr;
    uint32_t n_buckets_ = 0;
    uint32_t count_ = 0;
    toolstack::List<Entry> order_;
};

} // namespace xs
