#include "hypervisor/domain/domctl_rules.hpp"

#include "hypervisor/lib/xen_errno.hpp"

namespace {

constexpr uint32_t known_cdf = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                               XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off |
                               XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |
                               XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu |
                               XEN_DOMCTL_CDF_trap_unmapped_accesses;
// Asked for, but this machine has none of it (Xen: "not available").
constexpr uint32_t unavailable_cdf = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                                     XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_iommu |
                                     XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu |
                                     XEN_DOMCTL_CDF_trap_unmapped_accesses;

// sanitise_domain_config and arch_sanitise_domain_config.
long sanitise(const xen_domctl_createdomain& c, uint32_t vcpu_limit)
{
    if ((c.flags & ~known_cdf) || (c.grant_opts & ~XEN_DOMCTL_GRANT_version_mask))
        return -XEN_EINVAL;
    if (c.max_vcpus < 1 || c.max_vcpus > vcpu_limit)
        return -XEN_EINVAL;
    if ((c.flags & unavailable_cdf) || c.iommu_opts || c.vmtrace_size)
        return -XEN_EINVAL;
    if ((c.arch.misc_flags & ~XEN_X86_MSR_RELAXED) ||
        (c.altp2m.opts & ~XEN_DOMCTL_ALTP2M_mode_mask))
        return -XEN_EINVAL;
    // altp2m needs HAP: any mode, or a count without a mode, is refused.
    if (c.altp2m.opts || c.altp2m.nr)
        return -XEN_EINVAL;
    return 0;
}

} // namespace

long createdomain_check(const xen_domctl_createdomain& c, uint32_t vcpu_limit,
                        Createdomain_limits& out)
{
    if (long rc = sanitise(c, vcpu_limit))
        return rc;
    // arch_domain_create: a PV domain may have the PIT emulated, nothing else.
    if (c.arch.emulation_flags & ~XEN_X86_EMU_ALL)
        return -XEN_EINVAL;
    if (c.arch.emulation_flags & ~XEN_X86_EMU_PIT)
        return -XEN_EOPNOTSUPP;
    // grant_table_init.
    uint32_t version = XEN_DOMCTL_GRANT_version(c.grant_opts);
    if (version < 1 || version > 2)
        return -XEN_EINVAL;
    uint32_t frames = c.max_grant_frames < 0 ? default_max_grant_frames
                                             : static_cast<uint32_t>(c.max_grant_frames);
    uint32_t maptrack = c.max_maptrack_frames < 0 ? default_max_maptrack_frames
                                                  : static_cast<uint32_t>(c.max_maptrack_frames);
    if (frames < 1)
        return -XEN_EINVAL;
    // sched_init_domain: only pool 0 exists.
    if (c.cpupool_id != 0)
        return -XEN_ENOENT;
    out.max_vcpus = c.max_vcpus;
    out.max_evtchn_port = c.max_evtchn_port;
    out.max_grant_frames = frames;
    out.max_maptrack_frames = maptrack;
    out.max_grant_version = version;
    return 0;
}

uint16_t domid_choose(uint16_t requested, uint16_t last, Domid_in_use in_use, void* ctx)
{
    if (requested != 0 && requested < DOMID_FIRST_RESERVED)
        return in_use(requested, ctx) ? static_cast<uint16_t>(DOMID_INVALID) : requested;
    uint32_t start = last + 1u < DOMID_FIRST_RESERVED ? last + 1u : 1u;
    uint32_t id = start;
    do {
        if (!in_use(static_cast<uint16_t>(id), ctx))
            return static_cast<uint16_t>(id);
        id = id + 1 < DOMID_FIRST_RESERVED ? id + 1 : 1;
    } while (id != start);
    return static_cast<uint16_t>(DOMID_INVALID);
}

uint32_t dominfo_flags(const Dominfo_facts& f)
{
    uint32_t vcpu_flags = f.all_online_blocked ? XEN_DOMINF_blocked : 0;
    if (f.any_running)
        vcpu_flags |= XEN_DOMINF_running;
    uint32_t flags = f.online_vcpus ? vcpu_flags : 0;
    if (f.dying)
        flags |= XEN_DOMINF_dying;
    if (f.shut_down)
        flags |= XEN_DOMINF_shutdown;
    if (f.controller_paused)
        flags |= XEN_DOMINF_paused;
    return flags | f.shutdown_code << XEN_DOMINF_shutdownshift;
}

uint64_t mask_from_bitmap(const uint8_t* bytes, uint32_t nr_bits)
{
    uint64_t m = 0;
    uint32_t n = bitmap_bytes(nr_bits) < mask_bytes ? bitmap_bytes(nr_bits) : mask_bytes;
    for (uint32_t i = 0; i < n; ++i)
        m |= uint64_t{bytes[i]} << (8 * i);
    if (nr_bits < 64)
        m &= (uint64_t{1} << nr_bits) - 1;
    return m;
}

void mask_to_bitmap(uint64_t mask, uint8_t* out, uint32_t nr_bits)
{
    if (nr_bits < 64)
        mask &= (uint64_t{1} << nr_bits) - 1;
    for (uint32_t i = 0; i < bitmap_bytes(nr_bits); ++i)
        out[i] = i < mask_bytes ? static_cast<uint8_t>(mask >> (8 * i)) : 0;
}
