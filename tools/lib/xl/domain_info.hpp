// What the hypervisor says about the host and its domains, read the way
// the xl commands (commands.cpp) and the management API (tools/lib/api)
// both show it. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/base/text.hpp"
#include "tools/lib/domain_builder/hypercalls.hpp"

namespace xl {

// xl list's State column, six letters (r b p s c d or '-'): out[0..6).
void state_letters(uint32_t flags, char out[6]);

// XEN_SYSCTL_physinfo.
[[nodiscard]] bool read_physinfo(toolstack::Hypercalls& hc, xen_sysctl_physinfo& out);

// Up to max domains with ids from first on (XEN_SYSCTL_getdomaininfolist);
// got says how many.
[[nodiscard]] bool read_domains(toolstack::Hypercalls& hc, domid_t first,
                                xen_domctl_getdomaininfo_t* out, uint32_t max, uint32_t& got);
// One domain's info; false if it does not exist.
[[nodiscard]] bool read_domain(toolstack::Hypercalls& hc, domid_t id,
                               xen_domctl_getdomaininfo_t& out);

// vCPU v of dom (false past the last one) and its hard affinity (all
// bits set when the hypervisor does not say).
[[nodiscard]] bool read_vcpu(toolstack::Hypercalls& hc, domid_t dom, uint32_t v,
                             xen_domctl_getvcpuinfo& out, uint64_t& hard_affinity);

// The host's CPUs as a bit mask (all 64 when physinfo cannot be read).
uint64_t online_cpu_mask(toolstack::Hypercalls& hc);
// A hard affinity as vcpu-list shows it: "all" when it covers every CPU
// of online, else the CPU numbers ("0,2").
void put_affinity(toolstack::Text& out, uint64_t mask, uint64_t online);

// The hypervisor's console ring, all of it (at most 1 MiB), appended to out.
[[nodiscard]] bool read_dmesg(toolstack::Hypercalls& hc, toolstack::Text& out);

} // namespace xl
