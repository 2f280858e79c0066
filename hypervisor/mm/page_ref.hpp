// General reference counts (count_info). A frame's owner can only change
// while its count is zero, so holding a reference pins the ownership.
#pragma once
#include <cstdint>

#include "hypervisor/mm/page.hpp"

// Give a free frame to 'owner': the allocation holds the first reference.
void assign_page(Page& pg, uint16_t owner);
// Take a reference if the frame is allocated to 'owner' and the count
// does not overflow.
[[nodiscard]] bool get_page(Page& pg, uint16_t owner);
// Drop a reference; true when it was the last one (the frame is free).
[[nodiscard]] bool put_page(Page& pg);
// The owner gives the frame up: drop the allocation reference (once).
// True when that was the last reference.
[[nodiscard]] bool relinquish_page(Page& pg);
