#include "hypervisor/grant/grant_table.hpp"

#include <new>

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"

uint32_t* Grant_table::header(uint32_t ref) const
{
    uint32_t per = per_frame();
    auto* words = static_cast<uint32_t*>(shared[ref / per].va);
    return words + (ref % per) * (version == 1 ? 2 : 4);
}

uint32_t* Grant_table::v1_frame(uint32_t ref) const
{
    return header(ref) + 1;
}

uint32_t* Grant_table::v2_words(uint32_t ref) const
{
    return header(ref);
}

uint16_t* Grant_table::status_word(uint32_t ref) const
{
    if (version == 1)
        return nullptr;
    auto* words = static_cast<uint16_t*>(status[ref / status_per_frame].va);
    return words + ref % status_per_frame;
}

Maptrack_entry* Grant_table::map_entry(uint32_t handle) const
{
    if (handle >= maptrack_limit)
        return nullptr;
    return &maptrack[handle / maptrack_per_page][handle % maptrack_per_page];
}

namespace grant {

void share_frame(Frame_space& fs, Mfn m, uint16_t owner)
{
    Page& pg = *fs.page(m);
    pg.owner = owner;
    pg.count_info = pgc::with_count(0, 1);
    pg.type_info = pgt::bits(Page_type::writable) | pgt::validated | 1;
}

void unshare_frame(Frame_space& fs, const Domain& owner, Mfn m)
{
    Page* pg = fs.page(m);
    if (pg == nullptr)
        return;
    Mm_ctx c{fs, owner.mm};
    put_page_type(c, m, *pg);
    if (put_page(*pg))
        fs.page_released(m);
}

bool frame_unused(Frame_space& fs, Mfn m)
{
    const Page* pg = fs.page(m);
    return pg != nullptr && pgc::count(pg->count_info) == 1 && pgt::count(pg->type_info) == 1;
}

namespace {

// A shared frame for t's domain, or false.
bool new_shared(Grant_env& env, const Grant_table& t, Shared_frame& f)
{
    if (!env.alloc_frame(f))
        return false;
    share_frame(env.frames(), f.mfn, t.domid);
    env.frame_owned(t.domid);
    return true;
}

// Frames [from, to) of 'frames' go back (they were never in use).
void drop_shared(Grant_env& env, Shared_frame* frames, uint32_t from, uint32_t to)
{
    Frame_space& fs = env.frames();
    for (uint32_t i = from; i < to; ++i) {
        Page* pg = fs.page(frames[i].mfn);
        if (pg != nullptr) {
            pg->type_info = 0;
            pg->count_info = 0;
            fs.page_released(frames[i].mfn);
        }
        frames[i] = Shared_frame{};
    }
}

} // namespace

bool populate_status(Grant_env& env, Grant_table& t)
{
    uint32_t want = Grant_table::status_frames_for(t.nr_frames);
    for (uint32_t i = t.nr_status_frames; i < want; ++i)
        if (!new_shared(env, t, t.status[i])) {
            drop_shared(env, t.status, t.nr_status_frames, i);
            return false;
        }
    t.nr_status_frames = want;
    return true;
}

long unpopulate_status(Grant_env& env, Grant_table& t)
{
    Frame_space& fs = env.frames();
    // All or nothing: a status frame the guest still maps stays, with the
    // others (Xen's gnttab_unpopulate_status_frames, -EBUSY).
    for (uint32_t i = 0; i < t.nr_status_frames; ++i)
        if (!frame_unused(fs, t.status[i].mfn))
            return -XEN_EBUSY;
    drop_shared(env, t.status, 0, t.nr_status_frames);
    t.nr_status_frames = 0;
    return 0;
}

bool grow(Grant_env& env, Grant_table& t, uint32_t n)
{
    if (n < Grant_table::initial_frames)
        n = Grant_table::initial_frames;
    if (n > t.max_frames)
        return false;
    if (n <= t.nr_frames)
        return t.version == 1 || populate_status(env, t);
    uint32_t old_pages = Grant_table::active_pages_for(t.nr_frames);
    uint32_t new_pages = Grant_table::active_pages_for(n);
    uint32_t p = old_pages;
    for (; p < new_pages; ++p) {
        t.active[p] = static_cast<Active_entry*>(env.alloc(page_size));
        if (t.active[p] == nullptr)
            break;
    }
    uint32_t f = t.nr_frames;
    if (p == new_pages)
        for (; f < n; ++f)
            if (!new_shared(env, t, t.shared[f]))
                break;
    uint32_t old_frames = t.nr_frames;
    bool ok = p == new_pages && f == n;
    if (ok) {
        t.nr_frames = n;
        if (t.version == 2 && !populate_status(env, t)) {
            t.nr_frames = old_frames;
            ok = false;
        }
    }
    if (!ok) {
        drop_shared(env, t.shared, old_frames, f);
        for (uint32_t q = old_pages; q < p; ++q) {
            env.free(t.active[q]);
            t.active[q] = nullptr;
        }
    }
    return ok;
}

long table_create(Grant_env& env, Domain& d, const Grant_limits& lim)
{
    if (d.grant != nullptr)
        return -XEN_EEXIST;
    if (lim.max_frames < Grant_table::initial_frames || lim.max_version < 1 ||
        lim.max_version > 2 || lim.max_frames > 0x10000u || lim.max_maptrack_frames > 0x100000u)
        return -XEN_EINVAL;
    Grant_table* t = new (&d.grant_storage) Grant_table;
    t->domid = d.id;
    t->max_version = static_cast<uint8_t>(lim.max_version);
    t->max_frames = lim.max_frames;
    t->max_maptrack_frames = lim.max_maptrack_frames;
    t->shared = static_cast<Shared_frame*>(env.alloc(lim.max_frames * sizeof(Shared_frame)));
    t->status = static_cast<Shared_frame*>(
        env.alloc(Grant_table::status_frames_for(lim.max_frames) * sizeof(Shared_frame)));
    t->active = static_cast<Active_entry**>(
        env.alloc(Grant_table::active_pages_for(lim.max_frames) * sizeof(Active_entry*)));
    t->maptrack = static_cast<Maptrack_entry**>(env.alloc(
        (lim.max_maptrack_frames ? lim.max_maptrack_frames : 1) * sizeof(Maptrack_entry*)));
    bool ok = t->shared && t->status && t->active && t->maptrack;
    for (uint32_t i = 0; ok && i < lim.max_frames; ++i)
        t->shared[i] = Shared_frame{};
    for (uint32_t i = 0; ok && i < Grant_table::status_frames_for(lim.max_frames); ++i)
        t->status[i] = Shared_frame{};
    if (!ok || !grow(env, *t, Grant_table::initial_frames)) {
        env.free(t->shared);
        env.free(t->status);
        env.free(t->active);
        env.free(t->maptrack);
        t->~Grant_table();
        return -XEN_ENOMEM;
    }
    __atomic_store_n(&d.grant, t, __ATOMIC_RELEASE);
    return 0;
}

} // namespace grant
