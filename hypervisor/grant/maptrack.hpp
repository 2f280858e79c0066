// The maptrack of a domain as a mapper: handles for the mappings it makes
// with map_grant_ref (Xen's get_maptrack_handle / put_maptrack_handle).
// Pages of entries are added when the free list runs dry, up to the
// table's max_maptrack_frames; one free list per domain (Xen keeps one
// per vCPU, a scalability measure with the same guest-visible result).
// Caller holds the table's maptrack_lock.
#pragma once
#include <cstdint>

#include "hypervisor/grant/grant_table.hpp"

namespace grant {

// A free handle, its entry zeroed, or Grant_table::no_handle when every
// page allowed is in use or memory ran out.
[[nodiscard]] uint32_t maptrack_get(Grant_env& env, Grant_table& t);
// Handle h (taken by maptrack_get) is free again.
void maptrack_put(Grant_table& t, uint32_t h);
// The pages go (teardown, once no handle is in use).
void maptrack_free_pages(Grant_env& env, Grant_table& t);

} // namespace grant
