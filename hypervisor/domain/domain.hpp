// A domain: a PV guest's memory, vCPUs and shared pages. Domains live in a
// fixed table indexed by domain id.
#pragma once
#include <cstdint>

#include "arch/x86_32/include/arch_domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/frame_space.hpp"
#include "hypervisor/event/pirq.hpp"
#include "hypervisor/lib/spinlock.hpp"
#include "hypervisor/domain/vcpu.hpp"
#include "public/xen.h"

struct Grant_table;

struct Domain {
    static constexpr unsigned max_vcpus = XEN_LEGACY_MAX_VCPUS;

    uint16_t id = DOMID_INVALID;
    bool privileged = false;
    Mm_domain mm;            // what page-table validation needs to know
    uint32_t vm_assist = 0;  // VMASST_TYPE_* bits

    // Memory: frames owned (Page::owner names the domain) and the limit.
    uint32_t tot_pages = 0;
    uint32_t max_pages = 0;

    Mfn shared_info_mfn = invalid_mfn;
    shared_info* shared = nullptr;   // direct-mapped

    Vcpu vcpus[max_vcpus];
    unsigned nr_vcpus = 0;

    Evtchn_table evtchn;
    Pirq_table pirqs;        // guarded by evtchn.lock

    // Grant table (hypervisor/grant/grant_table.hpp); made at domain
    // creation, freed by grant::table_destroy.
    Grant_table* grant = nullptr;

    bool shutting_down = false;
    uint8_t shutdown_reason = 0;

    // Serialises page-table changes of this domain (the page-type core
    // assumes a single writer per domain).
    Spinlock mm_lock;

    arch::Arch_domain arch;
};

// Xen's is_hardware_domain(): the domain that owns the machine's devices.
inline bool is_hardware_domain(const Domain& d) { return d.id == 0; }

// Domain table: ids 0 .. max_domains - 1. Ids are Xen's: 0 is dom0, DOMID_FIRST_RESERVED and up are
// special and never name a Domain.
constexpr unsigned max_domains = 64;
Domain* domain_by_id(uint16_t id);
// A fresh, zeroed domain in slot 'id', or nullptr if taken or out of range.
Domain* domain_create(uint16_t id, bool privileged);
