#include "tools/lib/xl/domain_info.hpp"

namespace xl {

void state_letters(uint32_t f, char out[6])
{
    uint32_t reason = (f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    bool shut = (f & XEN_DOMINF_shutdown) != 0;
    out[0] = f & XEN_DOMINF_running ? 'r' : '-';
    out[1] = f & XEN_DOMINF_blocked ? 'b' : '-';
    out[2] = f & XEN_DOMINF_paused ? 'p' : '-';
    // xl's list_domains: s for any shutdown, then the reason's letter.
    out[3] = shut ? 's' : '-';
    out[4] = !shut ? '-' : reason < 6 ? "-rscwS"[reason] : '?';
    out[5] = f & XEN_DOMINF_dying ? 'd' : '-';
}

bool read_physinfo(toolstack::Hypercalls& hc, xen_sysctl_physinfo& out)
{
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if (hc.sysctl(op, nullptr, 0) != 0)
        return false;
    out = op.u.physinfo;
    return true;
}

bool read_domains(toolstack::Hypercalls& hc, domid_t first, xen_domctl_getdomaininfo_t* out,
                  uint32_t max, uint32_t& got)
{
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_getdomaininfolist;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op.u.getdomaininfolist.first_domain = first;
    op.u.getdomaininfolist.max_domains = max;
    if (hc.sysctl(op, out, max * sizeof *out) != 0)
        return false;
    got = op.u.getdomaininfolist.num_domains < max ? op.u.getdomaininfolist.num_domains : max;
    return true;
}

bool read_domain(toolstack::Hypercalls& hc, domid_t id, xen_domctl_getdomaininfo_t& out)
{
    uint32_t got = 0;
    return read_domains(hc, id, &out, 1, got) && got == 1 && out.domain == id;
}

bool read_vcpu(toolstack::Hypercalls& hc, domid_t dom, uint32_t v, xen_domctl_getvcpuinfo& out,
               uint64_t& hard_affinity)
{
    xen_domctl op{};
    op.cmd = XEN_DOMCTL_getvcpuinfo;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = dom;
    op.u.getvcpuinfo.vcpu = v;
    if (v >= XEN_LEGACY_MAX_VCPUS || hc.domctl(op, nullptr, 0) != 0)
        return false;
    out = op.u.getvcpuinfo;
    uint8_t bits[8] = {};
    xen_domctl aff{};
    aff.cmd = XEN_DOMCTL_getvcpuaffinity;
    aff.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    aff.domain = dom;
    aff.u.vcpuaffinity.vcpu = v;
    aff.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    aff.u.vcpuaffinity.cpumap_hard.nr_bits = 64;
    hard_affinity = ~0ull;
    if (hc.domctl(aff, bits, sizeof bits) == 0) {
        hard_affinity = 0;
        for (unsigned b = 0; b < 8; ++b)
            hard_affinity |= uint64_t{bits[b]} << (8 * b);
    }
    return true;
}

bool read_dmesg(toolstack::Hypercalls& hc, toolstack::Text& all)
{
    char buf[2048];
    uint32_t index = 0;
    for (int i = 0; i < 512; ++i) { // at most 1 MiB
        xen_sysctl op{};
        op.cmd = XEN_SYSCTL_readconsole;
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        op.u.readconsole.incremental = 1;
        op.u.readconsole.index = index;
        op.u.readconsole.count = sizeof buf;
        if (hc.sysctl(op, buf, sizeof buf) != 0)
            return false;
        uint32_t n = op.u.readconsole.count;
        if (n == 0)
            break;
        all.put(buf, n < sizeof buf ? n : static_cast<uint32_t>(sizeof buf));
        index = op.u.readconsole.index;
    }
    return all.ok();
}

uint64_t online_cpu_mask(toolstack::Hypercalls& hc)
{
    xen_sysctl_physinfo p{};
    uint32_t nr_cpus = read_physinfo(hc, p) ? p.nr_cpus : 64;
    return nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
}

void put_affinity(toolstack::Text& out, uint64_t mask, uint64_t online)
{
    if ((mask & online) == online) {
        out.put("all");
        return;
    }
    bool first = true;
    for (unsigned c = 0; c < 64; ++c) {
        if (!(mask >> c & 1))
            continue;
        if (!first)
            out.put_char(',');
        out.put_u64(c);
        first = false;
    }
}

} // namespace xl
