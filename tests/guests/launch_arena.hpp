// The domain builder's allocations (the P2M, a vCPU context) for a test
// dom0, from a static bump arena: only the latest block is ever given back,
// which is all the builder needs (it frees in reverse order).
#pragma once
#include <cstddef>

#include "tools/lib/base/allocator.hpp"

namespace launch {

toolstack::Allocator arena_allocator();
// Bytes the builder still holds (0 once a build has returned).
size_t arena_used();

} // namespace launch
