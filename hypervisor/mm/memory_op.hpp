// The pieces of memory_op its sub-operations share (hc_memory.cpp).
#pragma once
#include <cstdint>

#include "hypervisor/domain/domain.hpp"

struct Domain;
struct Vcpu;

// The largest extent order d may ask for (Xen's max_order(): 9 for a
// domU, the allocator's largest block for the hardware domain).
unsigned max_order(const Domain& d);

// The domain a memory_op names: the caller itself (DOMID_SELF or its own
// id), or for a privileged caller any domain; -EPERM or -ESRCH otherwise.
[[nodiscard]] long memory_target_domain(Vcpu& v, uint16_t id, Domain_ref& d);

// XENMEM_exchange (memory_exchange.cpp).
long memory_exchange(Vcpu& v, uint32_t arg);
