// xen_version: what this hypervisor is and offers. Xenith speaks the
// xen-3.0-x86_32p guest ABI and reports itself as interface version 4.0.
#include "hypervisor/boot/boot_info.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "public/version.h"

namespace {

constexpr uint32_t version_major = 4, version_minor = 0;

template <size_t N>
void put_string(char (&dst)[N], const char* s)
{
    size_t i = 0;
    for (; s && s[i] && i + 1 < N; ++i)
        dst[i] = s[i];
    for (; i < N; ++i)
        dst[i] = '\0';
}

uint32_t features(const Domain& d)
{
    // PV: preserve-A/D updates, and the highmem assist (MMUEXT_CLEAR_PAGE
    // and COPY_PAGE); grant-table avail bits come with grant tables.
    uint32_t f = (1u << XENFEAT_mmu_pt_update_preserve_ad) | (1u << XENFEAT_highmem_assist);
    if (d.id == 0)
        f |= 1u << XENFEAT_dom0;
    // As Xen: reported once the domain has the assist that allows it.
    if (d.vm_assist & (1u << VMASST_TYPE_pae_extended_cr3))
        f |= 1u << XENFEAT_pae_pgdir_above_4gb;
    return f;
}

long build_id(uint32_t arg)
{
    uint32_t len = 0;
    const uint8_t* id = hypervisor_build_id(len);
    if (arg == 0)
        return static_cast<long>(len);
    uint32_t room;
    if (!copy_from_guest(room, arg))
        return -XEN_EFAULT;
    if (room == 0)
        return -XEN_EINVAL;
    if (room < len)
        return -XEN_ENOBUFS;
    if (!copy_bytes_to_guest(arg + 4, id, len))
        return -XEN_EFAULT;
    return static_cast<long>(len);
}

template <typename T>
long reply(uint32_t arg, const T& value)
{
    return copy_to_guest(arg, value) ? 0 : -XEN_EFAULT;
}

} // namespace

long do_xen_version(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], arg = a.a[1];
    switch (cmd) {
    case XENVER_version:
        return static_cast<long>((version_major << 16) | version_minor);
    case XENVER_extraversion: {
        xen_extraversion_t s;
        put_string(s, "-xenith");
        return reply(arg, s);
    }
    case XENVER_compile_info: {
        xen_compile_info_t info;
        put_string(info.compiler, "gcc " __VERSION__);
        put_string(info.compile_by, "xenith");
        put_string(info.compile_domain, "xenith.build");
        put_string(info.compile_date, __DATE__ " " __TIME__);
        return reply(arg, info);
    }
    case XENVER_capabilities: {
        xen_capabilities_info_t caps;
        put_string(caps, "xen-3.0-x86_32p");
        return reply(arg, caps);
    }
    case XENVER_changeset: {
        xen_changeset_info_t cs;
        put_string(cs, "xenith " XENITH_VERSION);
        return reply(arg, cs);
    }
    case XENVER_platform_parameters: {
        xen_platform_parameters_t p{HYPERVISOR_VIRT_START};
        return reply(arg, p);
    }
    case XENVER_get_features: {
        xen_feature_info_t fi;
        if (!copy_from_guest(fi, arg))
            return -XEN_EFAULT;
        fi.submap = fi.submap_idx == 0 ? features(*v.domain) : 0;
        if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
            return -XEN_EINVAL;
        return reply(arg, fi);
    }
    case XENVER_pagesize:
        return 4096;
    case XENVER_guest_handle: {
        // The handle the toolstack gave it (createdomain, setdomainhandle).
        xen_domain_handle_t h;
        __builtin_memcpy(h, v.domain->handle, sizeof h);
        return reply(arg, h);
    }
    case XENVER_commandline: {
        xen_commandline_t line;
        put_string(line, hypervisor_cmdline());
        return reply(arg, line);
    }
    case XENVER_build_id:
        return build_id(arg);
    default:
        return -XEN_ENOSYS;
    }
}
