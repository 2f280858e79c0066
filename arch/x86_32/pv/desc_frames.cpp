#include "arch/x86_32/pv/desc_frames.hpp"

#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace arch {

void release_desc_frames(Mm_ctx& ctx, const Mfn* frames, unsigned n)
{
    for (unsigned i = 0; i < n; ++i) {
        Page* pg = mfn_to_page(frames[i]);
        put_page_type(ctx, frames[i], *pg);
        if (put_page(*pg))
            ctx.fs.page_released(frames[i]);
    }
}

long take_desc_frames(Mm_ctx& ctx, uint16_t owner, const Mfn* frames, unsigned n)
{
    for (unsigned i = 0; i < n; ++i) {
        Page* pg = mfn_to_page(frames[i]);
        long rc = -XEN_EINVAL;
        if (pg && get_page(*pg, owner)) {
            rc = get_page_type(ctx, frames[i], *pg, pgt::bits(Page_type::seg_desc));
            if (rc != 0 && put_page(*pg))
                ctx.fs.page_released(frames[i]);
        }
        if (rc != 0) {
            release_desc_frames(ctx, frames, i);
            return rc;
        }
    }
    return 0;
}

long set_gdt_frames(Mm_ctx& ctx, Vcpu& v, const Mfn* frames, unsigned n, uint32_t entries)
{
    if (long rc = take_desc_frames(ctx, v.domain->id, frames, n))
        return rc;
    release_desc_frames(ctx, v.gdt_frames, v.nr_gdt_frames);
    for (unsigned i = 0; i < n; ++i)
        v.gdt_frames[i] = frames[i];
    v.nr_gdt_frames = n;
    v.gdt_ents = entries;
    Percpu& cpu = this_cpu();
    if (cpu.current == &v && !map_guest_gdt_frames(cpu, v.gdt_frames, n))
        return -XEN_EINVAL;
    return 0;
}

} // namespace arch
