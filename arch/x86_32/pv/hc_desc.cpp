// set_gdt and update_descriptor: guest descriptor tables live in frames
// typed as descriptor pages, whose every entry passed check_descriptor.
#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/pv/desc_frames.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/pv/descriptor.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/lib/xen_errno.hpp"


long do_set_gdt(Vcpu& v, const Hypercall_args& a)
{
    uint32_t list = a.a[0], entries = a.a[1];
    if (entries > Vcpu::max_gdt_entries)
        return -XEN_EINVAL;
    unsigned n = (entries + 511) / 512;
    Mfn frames[Vcpu::max_gdt_frames];
    for (unsigned i = 0; i < n; ++i) {
        uint32_t f;
        if (!copy_from_guest(f, list + 4 * i))
            return -XEN_EFAULT;
        frames[i] = Mfn{f};
    }
    Domain& d = *v.domain;
    Lock_guard<Spinlock> g(d.mm_lock);
    Mm_ctx ctx{arch::pv_frame_space(), d.mm};
    return arch::set_gdt_frames(ctx, v, frames, n, entries);
}

long do_update_descriptor(Vcpu& v, const Hypercall_args& a)
{
    uint64_t ma = (uint64_t{a.a[1]} << 32) | a.a[0];
    uint64_t desc = (uint64_t{a.a[3]} << 32) | a.a[2];
    if (ma & 7)
        return -XEN_EINVAL;
    if (!check_descriptor(desc))
        return -XEN_EINVAL;
    Domain& d = *v.domain;
    Mfn m = paddr_to_mfn(ma);
    Lock_guard<Spinlock> g(d.mm_lock);
    Mm_ctx ctx{arch::pv_frame_space(), d.mm};
    Page* pg = mfn_to_page(m);
    if (!pg || !get_page(*pg, d.id))
        return -XEN_EINVAL;
    // A descriptor page in use takes the checked descriptor as it is; any
    // other frame must be one the guest could write itself.
    bool in_use_desc = pgt::type(pg->type_info) == Page_type::seg_desc && pgt::count(pg->type_info);
    long rc = in_use_desc ? 0 : get_page_type(ctx, m, *pg, pgt::bits(Page_type::writable));
    if (rc == 0) {
        arch::Frame_mapping map(m);
        map.as<uint64_t>()[(ma & 0xFFF) / 8] = desc;
        if (!in_use_desc)
            put_page_type(ctx, m, *pg);
    }
    if (put_page(*pg))
        ctx.fs.page_released(m);
    return rc;
}
