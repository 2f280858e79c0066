#include "tools/lib/xenstore/connection.hpp"

#include <new>

namespace xs {

Out_msg* Out_msg::make(const Allocator& a, uint32_t capacity)
{
    void* mem = a.allocate(sizeof(Out_msg) + capacity);
    if (!mem)
        return nullptr;
    Out_msg* m = new (mem) Out_msg;
    m->capacity = capacity;
    return m;
}

void Out_msg::free(const Allocator& a, Out_msg* m)
{
    size_t size = sizeof(Out_msg) + m->capacity;
    m->~Out_msg();
    a.free(m, size);
}

Transaction* Connection::find_transaction(uint32_t tx_id) const
{
    for (Transaction* t = transactions.first(); t; t = transactions.next(t))
        if (t->id == tx_id)
            return t;
    return nullptr;
}

} // namespace xs
