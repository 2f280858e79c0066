#include "hypervisor/console/console_ring.hpp"

#include "hypervisor/lib/xen_errno.hpp"

void Console_ring::put(const char* s, size_t len)
{
    uint32_t p = prod_;
    for (size_t i = 0; i < len; ++i)
        buf_[slot(p++)] = s[i];
    // Release: a reader that sees the new prod sees the bytes before it.
    __atomic_store_n(&prod_, p, __ATOMIC_RELEASE);
    if (p - cons_ > size)
        __atomic_store_n(&cons_, p - size, __ATOMIC_RELEASE);
}

long Console_ring::read(Read& r, Out out, void* ctx) const
{
    uint32_t c = cons(), p = prod();
    // An index is taken only when it lies in (cons, prod], with the
    // counters wrapped or not (Xen's test).
    bool inside = c <= p ? (c < r.index && r.index <= p) : (c < r.index || r.index <= p);
    if (r.incremental && inside)
        c = r.index;
    uint32_t sofar = 0;
    while (c != p && sofar < r.count) {
        uint32_t idx = slot(c);
        uint32_t len = p - c;
        if (idx + len > size)
            len = size - idx;
        if (sofar + len > r.count)
            len = r.count - sofar;
        if (!out(ctx, sofar, buf_ + idx, len))
            return -XEN_EFAULT;
        sofar += len;
        c += len;
    }
    r.count = sofar;
    r.index = c;
    return 0;
}

void Console_ring::clear_to(uint32_t upto)
{
    uint32_t p = prod_;
    __atomic_store_n(&cons_, p - upto > size ? p - size : upto, __ATOMIC_RELEASE);
}
