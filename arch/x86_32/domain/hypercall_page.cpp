#include "arch/x86_32/include/hypercall_page.hpp"

#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "public/xen.h"

namespace arch {

void fill_hypercall_page(uint8_t* page)
{
    __builtin_memset(page, 0xCC, page_size);
    for (uint32_t n = 0; n < page_size / 32; ++n) {
        uint8_t* s = page + n * 32;
        unsigned i = 0;
        if (n == __HYPERVISOR_iret)
            s[i++] = 0x50; // push %eax
        s[i++] = 0xB8;     // mov $n, %eax
        s[i++] = static_cast<uint8_t>(n);
        s[i++] = 0;
        s[i++] = 0;
        s[i++] = 0;
        s[i++] = 0xCD; // int $0x82
        s[i++] = 0x82;
        if (n != __HYPERVISOR_iret)
            s[i++] = 0xC3; // ret
    }
}

long hypercall_page_init(Domain& d, uint64_t gmfn)
{
    if (gmfn >> 32)
        return -XEN_EINVAL;
    Mfn m{static_cast<uint32_t>(gmfn)};
    Page* pg = mfn_to_page(m);
    if (!pg || !get_page(*pg, d.id))
        return -XEN_EINVAL;
    long rc;
    {
        // A writable type reference proves no page-table or descriptor
        // use of the frame while the stubs go in.
        Lock_guard<Spinlock> g(d.mm_lock);
        Mm_ctx ctx{pv_frame_space(), d.mm};
        rc = get_page_type(ctx, m, *pg, pgt::bits(Page_type::writable));
        if (rc == 0) {
            {
                Frame_mapping f(m);
                fill_hypercall_page(static_cast<uint8_t*>(f.get()));
            }
            put_page_type(ctx, m, *pg);
        } else {
            rc = -XEN_EPERM;
        }
    }
    if (put_page(*pg))
        pv_frame_space().page_released(m);
    return rc;
}

} // namespace arch
