// Physical interrupts (PIRQs) a domain owns: its pirq number -> GSI table,
// the event channel each is bound to, and Xen's EOI protocol for PV
// guests (xen/arch/x86/irq.c): a level-triggered GSI is masked at the
// IO-APIC when it fires and unmasked by the guest's PHYSDEVOP_eoi; an edge
// one is never masked. Portable: the IO-APIC and vector work reach the
// core through Pirq_hw, so host tests substitute fakes.
//
// Locking: a domain's pirq table is guarded by its event-channel lock
// (bind_pirq and close change both at once). The GSI -> owner map is
// written under the same lock of the owning domain plus gsi_lock (for
// mapping races between domains) and read lock-free by the interrupt
// handler, which then takes the owner's evtchn lock and re-checks.
// Lock order: evtchn (by domain id) -> gsi_lock.
#pragma once
#include <cstdint>

// Before public/xen.h, as in evtchn.hpp (DOMID_* constants vs macros).
#include "hypervisor/mm/frame_space.hpp"
#include "public/event_channel.h"
#include "public/physdev.h"

struct Domain;

enum class Pirq_state : uint8_t {
    unmapped,   // no GSI behind this pirq
    unbound,    // mapped, no event channel
    bound,      // bound, idle: the GSI is routed and unmasked
    in_flight,  // edge: delivered, the guest's EOI not seen yet (no masking)
    masked,     // level: delivered, IO-APIC entry masked until PHYSDEVOP_eoi
};

struct Gsi_mode {
    bool level = false;
    bool active_low = false;
};

struct Pirq {
    static constexpr uint8_t will_share = 1;  // BIND_PIRQ__WILL_SHARE given

    Pirq_state state = Pirq_state::unmapped;
    uint8_t flags = 0;
    uint16_t gsi = 0;
    uint16_t port = 0;       // bound: the event channel
    Gsi_mode mode;           // fixed when bound
};

struct Pirq_table {
    static constexpr uint32_t nr_pirqs = 256;
    Pirq pirqs[nr_pirqs];
};

// What the core needs of the interrupt controllers. enable() routes 'gsi'
// to a vector of its own on the calling CPU and unmasks it; disable()
// masks it and gives the vector back.
struct Pirq_hw {
    // A reference to the domain (nullptr: none), given back with release.
    Domain* (*lookup)(uint16_t domid) = nullptr;
    void (*release)(Domain* d) = nullptr;
    uint32_t (*gsi_limit)() = nullptr;             // one past the highest GSI
    bool (*gsi_reserved)(uint32_t gsi) = nullptr;  // the hypervisor's own line
    Gsi_mode (*default_mode)(uint32_t gsi) = nullptr;
    bool (*enable)(uint32_t gsi, Gsi_mode m) = nullptr;
    void (*disable)(uint32_t gsi) = nullptr;
    void (*mask)(uint32_t gsi) = nullptr;
    void (*unmask)(uint32_t gsi) = nullptr;
};

namespace pirq {

constexpr uint32_t max_gsis = 256;

void set_hw(const Pirq_hw& hw);
// Forgets every GSI owner and setup_gsi mode (host tests).
void reset_global();
void init(Domain& d);

// PHYSDEVOP_* workers on structs already copied in; 'cur' is the caller.
[[nodiscard]] long map(Domain& cur, physdev_map_pirq_t& m);
[[nodiscard]] long unmap(Domain& cur, const physdev_unmap_pirq_t& u);
[[nodiscard]] long status_query(Domain& cur, physdev_irq_status_query_t& q);
[[nodiscard]] long eoi(Domain& cur, uint32_t pirq);
[[nodiscard]] long setup_gsi(Domain& cur, const physdev_setup_gsi_t& s);

// EVTCHNOP_bind_pirq halves, under d.evtchn.lock: check_bind says whether
// 'pirq' may be bound (0 or -XEN_E*); bind routes it to 'port' (fails
// only when the hardware refuses); unbind undoes it when 'port' is still
// the pirq's port (a port left over from an unmap does nothing).
[[nodiscard]] long check_bind(const Domain& d, uint32_t pirq);
[[nodiscard]] long bind(Domain& d, uint32_t pirq, evtchn_port_t port, uint32_t flags);
void unbind(Domain& d, uint32_t pirq, evtchn_port_t port);

// Domain teardown, once d's ports are closed: every pirq still mapped
// loses its GSI (masked, free for another owner). Takes d.evtchn.lock.
void release_all(Domain& d);

// The interrupt handler's part, before its local APIC EOI: masks a level
// GSI, and raises the owner's port.
void interrupt(uint32_t gsi);

const Pirq* find(const Domain& d, uint32_t pirq);

} // namespace pirq
