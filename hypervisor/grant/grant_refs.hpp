// References a grant operation takes on a granted frame, and the undoing
// of one mapping. The frame belongs to the granting domain, whose mm_lock
// is taken for each change of its counts (never with another mm_lock
// held). Callers hold the granter's table lock.
#pragma once
#include <cstdint>

#include "hypervisor/grant/grant_table.hpp"

namespace grant {

// One general reference on m if 'owner' owns it and it is ordinary RAM
// (Xen's get_page_from_gfn for a PV domain) and, when 'writable', one
// writable type reference (refused while m is a page table or descriptor
// page), under one hold of the owner's lock: ok, or which of the two
// failed (then nothing is taken).
enum class Frame_ref { ok, no_frame, no_type };
[[nodiscard]] Frame_ref get_frame_as(Grant_env& env, Domain& owner, Mfn m, bool writable);
// Undoes get_frame_as: the type reference first, then the general one.
void put_frame_as(Grant_env& env, Domain& owner, Mfn m, bool writable);

// The pin of a mapping with map flags 'flags' (Xen's pin_incr): one
// counter per kind, host and device, read-only or writable.
uint32_t pin_increment(uint32_t flags);

// Ends mapping kinds 'kinds' (GNTMAP_host_map, GNTMAP_device_map) of
// grant 'ref' of rd, made with 'flags': drops the references they hold
// (the host kind's only if 'host_refs': a PTE the guest removed took its
// references with it), their pins, and the GTF_reading/GTF_writing bits
// the remaining pins no longer need. Caller holds rd's table lock, after
// the TLB flush that follows removing the PTE.
void end_mapping(Grant_env& env, Domain& rd, Grant_table& rt, uint32_t ref, uint32_t kinds,
                 uint32_t flags, bool host_refs);

} // namespace grant
