#include "tools/lib/xenstore/store/node_table.hpp"

#include <new>

namespace xs {

Node_table::~Node_table()
{
    while (Entry* e = order_.first())
        erase(e);
    alloc_.free(buckets_, n_buckets_ * sizeof(Entry*));
}

uint32_t Node_table::hash_of(Str path)
{
    // FNV-1a.
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < path.n; ++i) {
        h ^= static_cast<uint8_t>(path[i]);
        h *= 16777619u;
    }
    return h;
}

Entry* Node_table::find(Str path) const
{
    if (!n_buckets_)
        return nullptr;
    uint32_t h = hash_of(path);
    for (Entry* e = buckets_[h & (n_buckets_ - 1)]; e; e = e->hash_next)
        if (e->hash == h && e->path() == path)
            return e;
    return nullptr;
}

void Node_table::grow()
{
    uint32_t n = n_buckets_ ? n_buckets_ * 2 : 64;
    if (n < n_buckets_)
        return;
    auto** fresh = static_cast<Entry**>(alloc_.allocate(n * sizeof(Entry*)));
    // Without a bigger array the table still works, only with longer chains.
    if (!fresh)
        return;
    for (uint32_t i = 0; i < n; ++i)
        fresh[i] = nullptr;
    for (Entry* e = order_.first(); e; e = order_.next(e)) {
        Entry** slot = &fresh[e->hash & (n - 1)];
        e->hash_next = *slot;
        *slot = e;
    }
    alloc_.free(buckets_, n_buckets_ * sizeof(Entry*));
    buckets_ = fresh;
    n_buckets_ = n;
}

Entry* Node_table::insert(Str path)
{
    if (count_ >= n_buckets_)
        grow();
    if (!n_buckets_)
        return nullptr;
    void* mem = alloc_.allocate(entry_bytes(path.n));
    if (!mem)
        return nullptr;
    Entry* e = new (mem) Entry;
    char* text = reinterpret_cast<char*>(e + 1);
    toolstack::mem_copy(text, path.p, path.n);
    text[path.n] = '\0';
    e->path_len = path.n;
    e->hash = hash_of(path);
    Entry** slot = &buckets_[e->hash & (n_buckets_ - 1)];
    e->hash_next = *slot;
    *slot = e;
    order_.push_back(e);
    ++count_;
    return e;
}

void Node_table::erase(Entry* e)
{
    Entry** slot = &buckets_[e->hash & (n_buckets_ - 1)];
    while (*slot != e)
        slot = &(*slot)->hash_next;
    *slot = e->hash_next;
    toolstack::List<Entry>::remove(e);
    --count_;
    Node::unref(alloc_, e->node);
    Node::unref(alloc_, e->original);
    uint32_t size = entry_bytes(e->path_len);
    e->~Entry();
    alloc_.free(e, size);
}

} // namespace xs
