#include "hypervisor/grant/maptrack.hpp"

namespace grant {

uint32_t maptrack_get(Grant_env& env, Grant_table& t)
{
    if (t.maptrack_free == Grant_table::no_handle) {
        uint32_t page = t.maptrack_limit / Grant_table::maptrack_per_page;
        if (page >= t.max_maptrack_frames)
            return Grant_table::no_handle;
        auto* entries = static_cast<Maptrack_entry*>(env.alloc(page_size));
        if (entries == nullptr)
            return Grant_table::no_handle;
        // The new page's handles go on the free list, lowest first.
        uint32_t first = t.maptrack_limit;
        for (uint32_t i = 0; i < Grant_table::maptrack_per_page; ++i)
            entries[i].ref =
                i + 1 < Grant_table::maptrack_per_page ? first + i + 1 : Grant_table::no_handle;
        t.maptrack[page] = entries;
        t.maptrack_limit += Grant_table::maptrack_per_page;
        t.maptrack_free = first;
    }
    uint32_t h = t.maptrack_free;
    Maptrack_entry* e = t.map_entry(h);
    t.maptrack_free = e->ref;
    *e = Maptrack_entry{};
    ++t.maptrack_used;
    return h;
}

void maptrack_put(Grant_table& t, uint32_t h)
{
    Maptrack_entry* e = t.map_entry(h);
    *e = Maptrack_entry{};
    e->ref = t.maptrack_free;
    t.maptrack_free = h;
    --t.maptrack_used;
}

void maptrack_free_pages(Grant_env& env, Grant_table& t)
{
    for (uint32_t p = 0; p < t.maptrack_limit / Grant_table::maptrack_per_page; ++p) {
        env.free(t.maptrack[p]);
        t.maptrack[p] = nullptr;
    }
    t.maptrack_limit = 0;
    t.maptrack_free = Grant_table::no_handle;
    t.maptrack_used = 0;
}

} // namespace grant
