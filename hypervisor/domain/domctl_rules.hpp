// The rules of domctl and sysctl that need no machine: checking a
// createdomain request, choosing a free domain id, the getdomaininfo flags,
// CPU masks to and from the guest's byte bitmaps. Portable, host-tested
// (tests/unit/domctl_rules_test.cpp).
#pragma once
#include <cstdint>

#include "public/domctl.h"

struct Createdomain_limits {
    uint32_t max_vcpus = 0;
    uint32_t max_evtchn_port = 0;
    uint32_t max_grant_frames = 0;
    uint32_t max_maptrack_frames = 0;
    uint32_t max_grant_version = 0;
};

// Xen's sanitise_domain_config, arch_sanitise_domain_config and the
// checks of arch_domain_create, evtchn_init, grant_table_init and
// sched_init_domain for a PV domain on a machine without HVM, IOMMU, vPMU,
// vmtrace or tboot: 0 and the limits to create with, or the errno Xen
// gives (-EINVAL; -EOPNOTSUPP for emulated devices other than the PIT;
// -ENOENT for a CPU pool other than 0). vcpu_limit: the most vCPUs a
// domain may have.
[[nodiscard]] long createdomain_check(const xen_domctl_createdomain& c, uint32_t vcpu_limit,
                                      Createdomain_limits& out);

// Defaults for the negative max_grant_frames / max_maptrack_frames
// (Xen's gnttab_max_frames and gnttab_max_maptrack_frames).
constexpr uint32_t default_max_grant_frames = 64;
constexpr uint32_t default_max_maptrack_frames = 1024;

// The id a createdomain asks for: 'requested' itself when it is an
// ordinary id other than 0, else the first id after 'last' that is not in
// use, wrapping round to 1 (never 0, never 'last' twice in a row unless it
// is the only one free, as Xen's domid_alloc); DOMID_INVALID when none.
using Domid_in_use = bool (*)(uint16_t id, void* ctx);
uint16_t domid_choose(uint16_t requested, uint16_t last, Domid_in_use in_use, void* ctx);

// What getdomaininfo's flags are made of.
struct Dominfo_facts {
    bool dying = false;       // Xen: dead (DOMDYING_dead)
    bool shut_down = false;
    uint32_t shutdown_code = ~0u; // SHUTDOWN_*, ~0 when none (Xen's SHUTDOWN_CODE_INVALID)
    bool controller_paused = false;
    uint32_t online_vcpus = 0;
    bool all_online_blocked = true;
    bool any_running = false;
};
// Xen's getdomaininfo(): blocked/running only with a vCPU online; the
// shutdown code shifted in as it is (all ones when there is none).
uint32_t dominfo_flags(const Dominfo_facts& f);

// A guest bitmap of nr_bits bits (bytes) as a mask of max_cpus bits, bits
// beyond nr_bits clear (Xen's xenctl_bitmap_to_bitmap), and back: out
// gets (nr_bits + 7) / 8 bytes, bits beyond the mask's 64 and beyond
// nr_bits zero (bitmap_to_xenctl_bitmap).
uint64_t mask_from_bitmap(const uint8_t* bytes, uint32_t nr_bits);
void mask_to_bitmap(uint64_t mask, uint8_t* out, uint32_t nr_bits);
// How many bytes of the guest's bitmap the conversions touch.
constexpr uint32_t bitmap_bytes(uint32_t nr_bits) { return (nr_bits + 7) / 8; }
constexpr uint32_t mask_bytes = 8;
