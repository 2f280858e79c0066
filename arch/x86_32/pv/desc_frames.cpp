#include "arch/x86_32/pv/desc_frames.hpp"

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

} // namespace arch
