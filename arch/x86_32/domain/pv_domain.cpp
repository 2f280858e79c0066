#include "arch/x86_32/include/pv_domain.hpp"

#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/include/pv_grant_env.hpp"
#include "arch/x86_32/include/vtime.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/domain/domain_pause.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_ref.hpp"

namespace arch {
namespace {

// shared_info: a direct-mapped frame the guest maps by machine address.
// The hypervisor's own reference keeps the frame while it writes it, even
// if the guest gives the page back or maps it; not in the domain's frame
// list (the hypervisor gives it back itself, as Xen's xenheap pages), but
// the domain's to own and count.
bool make_shared_info(Domain& d)
{
    Mfn si = alloc_frames(0, Zone::direct);
    if (si == invalid_mfn)
        return false;
    d.shared_info_mfn = si;
    d.shared = phys_to_virt<shared_info>(static_cast<uint32_t>(mfn_to_paddr(si)));
    __builtin_memset(static_cast<void*>(d.shared), 0, page_size);
    for (auto& vi : d.shared->vcpu_info)
        vi.evtchn_upcall_mask = 1;
    assign_page(*mfn_to_page(si), d.id);
    (void)get_page(*mfn_to_page(si), d.id);
    domain_frame_owned(d);
    // Every vCPU's vcpu_info starts in shared_info (ids below
    // XEN_LEGACY_MAX_VCPUS).
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        d.vcpus[i]->info = &d.shared->vcpu_info[i];
    return true;
}

void drop_shared_info(Domain& d)
{
    Page& pg = *mfn_to_page(d.shared_info_mfn);
    for (unsigned i = 0; i < d.nr_vcpus; ++i)
        d.vcpus[i]->info = nullptr;
    d.shared = nullptr;
    bool last = put_page(pg);
    last = relinquish_page(pg) || last;
    if (last)
        pv_frame_space().page_released(d.shared_info_mfn);
    d.shared_info_mfn = invalid_mfn;
}

} // namespace

Domain* pv_domain_create(uint16_t id, const Pv_domain_config& cfg, int& err)
{
    Domain* d = domain_create(id, cfg.core, err);
    if (!d)
        return nullptr;
    if (!make_shared_info(*d)) {
        err = -XEN_ENOMEM;
        domain_abandon(*d);
        return nullptr;
    }
    if (long rc = grant::table_create(grant_env(), *d, cfg.grant); rc != 0) {
        err = static_cast<int>(rc);
        drop_shared_info(*d);
        domain_abandon(*d);
        return nullptr;
    }
    d->arch.emulation_flags = cfg.emulation_flags;
    if (cfg.handle)
        __builtin_memcpy(d->handle, cfg.handle, sizeof d->handle);
    vtime_domain_init(*d);
    domain_pause_for_creation(*d);
    domain_publish(*d);
    err = 0;
    return d;
}

} // namespace arch
