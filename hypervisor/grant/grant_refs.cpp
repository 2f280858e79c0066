#include "hypervisor/grant/grant_refs.hpp"

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_entry.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"

namespace grant {
Frame_ref get_frame_as(Grant_env& env, Domain& owner, Mfn m, bool writable)
{
    Frame_space& fs = env.frames();
    Lock_guard<Spinlock> g(owner.mm_lock);
    Page* pg = fs.ram_page(m);
    if (pg == nullptr || !get_page(*pg, owner.id))
        return Frame_ref::no_frame;
    if (writable) {
        Mm_ctx c{fs, owner.mm};
        if (get_page_type(c, m, *pg, pgt::bits(Page_type::writable)) != 0) {
            if (put_page(*pg))
                fs.page_released(m);
            return Frame_ref::no_type;
        }
    }
    return Frame_ref::ok;
}

void put_frame_as(Grant_env& env, Domain& owner, Mfn m, bool writable)
{
    Frame_space& fs = env.frames();
    Lock_guard<Spinlock> g(owner.mm_lock);
    Page* pg = fs.page_of(m);
    if (pg == nullptr)
        return;
    if (writable) {
        Mm_ctx c{fs, owner.mm};
        put_page_type(c, m, *pg);
    }
    if (put_page(*pg))
        fs.page_released(m);
}

uint32_t pin_increment(uint32_t flags)
{
    bool ro = (flags & GNTMAP_readonly) != 0;
    uint32_t inc = 0;
    if (flags & GNTMAP_device_map)
        inc += ro ? gntpin::devr : gntpin::devw;
    if (flags & GNTMAP_host_map)
        inc += ro ? gntpin::hstr : gntpin::hstw;
    return inc;
}

void end_mapping(Grant_env& env, Domain& rd, Grant_table& rt, uint32_t ref, uint32_t kinds,
                 uint32_t flags, bool host_refs)
{
    Active_entry& act = rt.active_entry(ref);
    bool ro = (flags & GNTMAP_readonly) != 0;
    uint32_t refs = 0;
    if (kinds & GNTMAP_device_map)
        ++refs;
    if ((kinds & GNTMAP_host_map) && host_refs)
        ++refs;
    for (uint32_t i = 0; i < refs; ++i)
        put_frame_as(env, rd, act.mfn, !ro);
    act.pin -= pin_increment(flags & (kinds | GNTMAP_readonly));
    reduce_status(env, rt, ref, act, ro);
}

} // namespace grant
