#include "hypervisor/mm/page_ref.hpp"

#include "hypervisor/mm/page_type.hpp"

void assign_page(Page& pg, uint16_t owner)
{
    pg.owner = owner;
    pg.count_info = pgc::allocated | 1;
    pg.type_info = 0;
}

bool relinquish_page(Page& pg)
{
    if (!pgc::is_allocated(pg.count_info))
        return false;
    pg.count_info &= ~pgc::allocated;
    return put_page(pg);
}
