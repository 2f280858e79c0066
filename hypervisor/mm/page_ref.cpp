#include "hypervisor/mm/page_ref.hpp"

#include "hypervisor/mm/page_type.hpp"

void assign_page(Page& pg, uint16_t owner)
{
    pg.owner = owner;
    pg.count_info = pgc::allocated | 1;
    pg.type_info = 0;
}

bool get_page(Page& pg, uint16_t owner)
{
    uint32_t n = pgc::count(pg.count_info);
    // A zero count means free or being freed: never resurrect it.
    if (n == 0 || n == pgc::count_mask || pg.owner != owner)
        return false;
    pg.count_info = pgc::with_count(pg.count_info, n + 1);
    return true;
}

bool put_page(Page& pg)
{
    uint32_t n = pgc::count(pg.count_info);
    if (n == 0)
        return false; // unbalanced put: the audit reports the damage
    pg.count_info = pgc::with_count(pg.count_info, n - 1);
    return n == 1;
}

bool relinquish_page(Page& pg)
{
    if (!pgc::is_allocated(pg.count_info))
        return false;
    pg.count_info &= ~pgc::allocated;
    return put_page(pg);
}
