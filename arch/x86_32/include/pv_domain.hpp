// Making an empty PV domain: the one way every domain is made, dom0 by its
// builder at boot and every other by XEN_DOMCTL_createdomain. The domain
// gets its vCPUs (down, their vcpu_info in shared_info), event channels,
// scheduling state, a zeroed shared_info page with its wall clock, and a
// grant table; it owns no memory yet (max_pages 0) and starts paused by
// its controller (Xen's controller_pause_count 1), so that none of its
// vCPUs runs until domain_unpause_by_controller.
#pragma once
#include <cstdint>

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_table.hpp"

namespace arch {

struct Pv_domain_config {
    Domain_config core;          // privileged, vCPUs, highest event port
    Grant_limits grant;          // checked by grant::table_create
    const uint8_t* handle = nullptr; // 16 bytes (xen_domain_handle_t), or none
    uint32_t emulation_flags = 0;    // XEN_X86_EMU_PIT or 0
};

// The new domain (published: domain_get finds it), or nullptr with err:
// -EEXIST (the id is taken), -EINVAL (an id or limit out of range),
// -ENOMEM; nothing of it is left then.
Domain* pv_domain_create(uint16_t id, const Pv_domain_config& cfg, int& err);

} // namespace arch
