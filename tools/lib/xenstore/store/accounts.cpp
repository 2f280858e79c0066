#include "tools/lib/xenstore/store/accounts.hpp"

namespace xs {

Accounts::~Accounts()
{
    for (auto& head : buckets_)
        while (Record* r = head) {
            head = r->next;
            toolstack::destroy(alloc_, r);
        }
}

Usage* Accounts::find(Domid domid) const
{
    for (Record* r = buckets_[domid % n_buckets]; r; r = r->next)
        if (r->domid == domid)
            return &r->usage;
    return nullptr;
}

Usage* Accounts::get(Domid domid)
{
    if (Usage* u = find(domid))
        return u;
    Record* r = toolstack::create<Record>(alloc_);
    if (!r)
        return nullptr;
    r->domid = domid;
    r->next = buckets_[domid % n_buckets];
    buckets_[domid % n_buckets] = r;
    return &r->usage;
}

void Accounts::drop_if_unused(Domid domid)
{
    for (Record** p = &buckets_[domid % n_buckets]; *p; p = &(*p)->next)
        if ((*p)->domid == domid) {
            Record* r = *p;
            if (!r->usage.unused())
                return;
            *p = r->next;
            toolstack::destroy(alloc_, r);
            return;
        }
}

} // namespace xs
