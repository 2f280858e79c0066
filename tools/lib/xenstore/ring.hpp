// Byte streams over a domain's xenstore ring page (public/io/xs_wire.h,
// docs/misc/xenstore-ring.txt): requests arrive in req (the guest
// produces, we consume), replies and watch events leave through rsp. The
// indexes are free-running 32-bit counters masked by MASK_XENSTORE_IDX; the
// guest may write anything into the page at any time, so each index is read
// once per call and checked (a producer more than a ring ahead of its
// consumer is an error) before any byte is copied. Portable and
// freestanding.
#pragma once
#include <cstdint>

#include "public/io/xs_wire.h"

namespace xs {

constexpr int32_t ring_broken = -1;

// Up to len bytes from the request ring into buf: the count copied (0 if
// the ring is empty), or ring_broken if its indexes are inconsistent.
int32_t ring_read(xenstore_domain_interface& r, void* buf, uint32_t len);
// Up to len bytes of buf into the response ring: the count copied (0 if the
// ring is full), or ring_broken.
int32_t ring_write(xenstore_domain_interface& r, const void* buf, uint32_t len);
// The guest has produced requests we have not consumed.
bool ring_has_input(const xenstore_domain_interface& r);
// The response ring has room.
bool ring_has_room(const xenstore_domain_interface& r);

// Loads and stores of fields the guest shares: exactly once each.
inline uint32_t shared_load(const uint32_t& f)
{
    return __atomic_load_n(&f, __ATOMIC_RELAXED);
}
inline void shared_store(uint32_t& f, uint32_t v)
{
    __atomic_store_n(&f, v, __ATOMIC_RELAXED);
}

} // namespace xs
