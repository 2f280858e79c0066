#include "tools/lib/xenstore/ring.hpp"

#include "tools/lib/base/text.hpp"

namespace xs {

namespace {

// A full barrier, as xenstored's xen_mb(): the guest runs on another CPU
// and orders its side with its own barriers.
inline void full_barrier()
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool consistent(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
    return prod - cons <= XENSTORE_RING_SIZE;
}

} // namespace

int32_t ring_read(xenstore_domain_interface& r, void* buf, uint32_t len)
{
    XENSTORE_RING_IDX cons = shared_load(r.req_cons);
    XENSTORE_RING_IDX prod = shared_load(r.req_prod);
    // The indexes before the bytes they cover: a guest writes its bytes,
    // then (after its write barrier) req_prod.
    full_barrier();
    if (!consistent(cons, prod))
        return ring_broken;
    uint32_t avail = prod - cons;
    uint32_t n = len < avail ? len : avail;
    auto* out = static_cast<char*>(buf);
    for (uint32_t done = 0; done < n;) {
        uint32_t at = MASK_XENSTORE_IDX(cons + done);
        uint32_t chunk = XENSTORE_RING_SIZE - at;
        if (chunk > n - done)
            chunk = n - done;
        toolstack::mem_copy(out + done, r.req + at, chunk);
        done += chunk;
    }
    // The bytes are copied before the guest may reuse their space.
    full_barrier();
    shared_store(r.req_cons, cons + n);
    return static_cast<int32_t>(n);
}

int32_t ring_write(xenstore_domain_interface& r, const void* buf, uint32_t len)
{
    XENSTORE_RING_IDX cons = shared_load(r.rsp_cons);
    XENSTORE_RING_IDX prod = shared_load(r.rsp_prod);
    // The guest's consumer index before we overwrite the space it freed.
    full_barrier();
    if (!consistent(cons, prod))
        return ring_broken;
    uint32_t room = XENSTORE_RING_SIZE - (prod - cons);
    uint32_t n = len < room ? len : room;
    auto* in = static_cast<const char*>(buf);
    for (uint32_t done = 0; done < n;) {
        uint32_t at = MASK_XENSTORE_IDX(prod + done);
        uint32_t chunk = XENSTORE_RING_SIZE - at;
        if (chunk > n - done)
            chunk = n - done;
        toolstack::mem_copy(r.rsp + at, in + done, chunk);
        done += chunk;
    }
    // The bytes are in the ring before the guest can see rsp_prod cover
    // them. The new index is ours, computed from the value read above.
    full_barrier();
    shared_store(r.rsp_prod, prod + n);
    return static_cast<int32_t>(n);
}

bool ring_has_input(const xenstore_domain_interface& r)
{
    return shared_load(r.req_cons) != shared_load(r.req_prod);
}

bool ring_has_room(const xenstore_domain_interface& r)
{
    return shared_load(r.rsp_prod) - shared_load(r.rsp_cons) != XENSTORE_RING_SIZE;
}

} // namespace xs
