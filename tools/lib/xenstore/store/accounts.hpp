// What each domain uses of the store, for its quotas: the nodes it owns,
// its watches, open transactions, queued replies and memory. A record is
// made the first time a domain is charged and stays while anything is
// charged to it. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/allocator.hpp"
#include "tools/lib/xenstore/store/quota.hpp"

namespace xs {

struct Usage {
    uint32_t nodes = 0;
    uint32_t watches = 0;
    uint32_t transactions = 0;
    uint32_t outstanding = 0; // replies queued and not yet taken by the client
    uint64_t memory = 0;      // bytes: owned nodes (size + path), watches (path + token),
                              // transaction entries, queued output

    bool unused() const { return !nodes && !watches && !transactions && !outstanding && !memory; }
};

class Accounts {
public:
    explicit Accounts(const toolstack::Allocator& a) : alloc_(a) {}
    ~Accounts();
    Accounts(const Accounts&) = delete;
    Accounts& operator=(const Accounts&) = delete;

    // The record of domid, nullptr if it has none.
    Usage* find(Domid domid) const;
    // The record of domid, made if needed; nullptr when out of memory.
    [[nodiscard]] Usage* get(Domid domid);
    // Frees domid's record if nothing is charged to it.
    void drop_if_unused(Domid domid);

    // Each record in turn (tests and the consistency check).
    template <class F> void for_each(F&& f) const
    {
        for (unsigned b = 0; b < n_buckets; ++b)
            for (const Record* r = buckets_[b]; r; r = r->next)
                f(r->domid, r->usage);
    }

private:
    struct Record {
        Record* next;
        Domid domid;
        Usage usage;
    };
    static constexpr unsigned n_buckets = 64;

    const toolstack::Allocator& alloc_;
    Record* buckets_[n_buckets] = {};
};

// Adds d (which may be negative) to a counter, never below 0.
inline void charge(uint64_t& v, int64_t d)
{
    if (d < 0 && static_cast<uint64_t>(-d) > v)
        v = 0;
    else
        v = static_cast<uint64_t>(static_cast<int64_t>(v) + d);
}
inline void charge(uint32_t& v, int32_t d)
{
    if (d < 0 && static_cast<uint32_t>(-d) > v)
        v = 0;
    else
        v = static_cast<uint32_t>(static_cast<int64_t>(v) + d);
}

} // namespace xs
