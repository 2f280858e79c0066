// General reference counts (count_info). A frame's owner can only change
// while its count is zero, so holding a reference pins the ownership.
#pragma once
#include <cstdint>

#include "hypervisor/mm/page.hpp"
#include "hypervisor/mm/page_type.hpp"

// Give a free frame to 'owner': the allocation holds the first reference.
void assign_page(Page& pg, uint16_t owner);
// Take a reference if the frame is allocated to 'owner' and the count
// does not overflow. Inline: every entry of a table takes one.
[[nodiscard]] inline bool get_page(Page& pg, uint16_t owner)
{
    uint32_t n = pgc::count(pg.count_info);
    // A zero count means free or being freed: never resurrect it.
    if (n == 0 || n == pgc::count_mask || pg.owner != owner)
        return false;
    pg.count_info += 1; // n < count_mask: no carry out of the count
    return true;
}
// Drop a reference; true when it was the last one (the frame is free).
[[nodiscard]] inline bool put_page(Page& pg)
{
    uint32_t n = pgc::count(pg.count_info);
    if (n == 0)
        return false; // unbalanced put: the audit reports the damage
    pg.count_info -= 1;
    return n == 1;
}
// The owner gives the frame up: drop the allocation reference (once).
// True when that was the last reference.
[[nodiscard]] bool relinquish_page(Page& pg);
