// Event channels, 2-level ABI (public/event_channel.h, xen.h shared_info):
// a domain's port table and the operations of HYPERVISOR_event_channel_op
// on kernel structs. Portable: the domain lookup and the vCPU wake-up reach
// the core through Evtchn_hooks, so the host tests substitute fakes.
//
// Locking: each domain's table has its own lock; an operation on two
// domains takes both, lower domain id first. A send takes only the
// sender's: binding and closing an interdomain pair take both, so the pair
// cannot change under it (evtchn.cpp send). Holders never enable
// interrupts, so VIRQ delivery from an interrupt handler may take a lock.
// Lock order: domain list -> evtchn (by domain id) -> nothing else.
#pragma once
#include <cstdint>

// frame_space.hpp declares DOMID_IO/XEN/INVALID as constants: it must come
// before public/xen.h turns those names into macros.
#include "hypervisor/mm/frame_space.hpp"
#include "hypervisor/lib/spinlock.hpp"
#include "public/event_channel.h"
#include "public/xen.h"

struct Domain;
struct Vcpu;

enum class Evtchn_state : uint8_t { free, reserved, unbound, interdomain, pirq, virq, ipi };

struct Evtchn_port {
    Evtchn_state state = Evtchn_state::free;
    uint8_t vcpu = 0;          // the vCPU notified (notify_vcpu_id)
    uint16_t remote_dom = 0;   // unbound: who may bind; interdomain: the peer
    uint16_t value = 0;        // interdomain: peer's port; virq: virq; pirq: pirq
};

struct Evtchn_table {
    // 2-level ABI on x86_32: 32 selector bits x 32-bit words.
    static constexpr uint32_t nr_ports = 32 * 32;
    static constexpr unsigned nr_vcpus = XEN_LEGACY_MAX_VCPUS;

    Spinlock lock;
    uint32_t max_port = nr_ports - 1;      // per-domain limit (ports 1..max_port)
    Evtchn_port ports[nr_ports];
    uint16_t virq_port[nr_vcpus][NR_VIRQS]{};  // 0 = not bound; global VIRQs on vCPU 0
};

struct Evtchn_hooks {
    // A reference to the domain (nullptr: no such domain), given back with
    // release once the operation is done with it.
    Domain* (*lookup)(uint16_t domid) = nullptr;
    void (*release)(Domain* d) = nullptr;
    void (*kick)(Vcpu& v) = nullptr;              // v has an upcall pending now
    // Port 'port' of d became pending, masked or not (its pollers wake).
    void (*port_raised)(Domain& d, uint32_t port) = nullptr;
    // The domain, without a reference, for a caller that knows it is alive:
    // a send holds its own table's lock over a bound interdomain port, and
    // the peer cannot close its end (which takes both tables' locks), so it
    // cannot be destroyed either (it closes every port first).
    Domain* (*peek)(uint16_t domid) = nullptr;
};

namespace evtchn {

void set_hooks(const Evtchn_hooks& h);

// A fresh table: every port free except port 0, which is never usable.
void init(Domain& d);

bool virq_is_global(uint32_t virq);

// The operations; 'cur' is the calling domain. Results: >= 0 or -XEN_E*.
// OUT fields of the argument structs are filled on success.
[[nodiscard]] long alloc_unbound(Domain& cur, evtchn_alloc_unbound_t& a);
[[nodiscard]] long bind_interdomain(Domain& cur, evtchn_bind_interdomain_t& a);
[[nodiscard]] long bind_virq(Domain& cur, evtchn_bind_virq_t& a);
[[nodiscard]] long bind_ipi(Domain& cur, evtchn_bind_ipi_t& a);
// A mapped pirq of the caller to a fresh port on vCPU 0 (hypervisor/event/pirq.hpp).
[[nodiscard]] long bind_pirq(Domain& cur, evtchn_bind_pirq_t& a);
[[nodiscard]] long close(Domain& cur, evtchn_port_t port);
[[nodiscard]] long send(Domain& cur, evtchn_port_t port);
[[nodiscard]] long status(Domain& cur, evtchn_status_t& s);
[[nodiscard]] long bind_vcpu(Domain& cur, evtchn_port_t port, uint32_t vcpu);
[[nodiscard]] long unmask(Domain& cur, evtchn_port_t port);
[[nodiscard]] long reset(Domain& cur, domid_t dom);

// Raises a VIRQ: per-vCPU ones on v, global ones on whichever vCPU their
// port is bound to. False when nothing is bound.
bool send_virq(Vcpu& v, uint32_t virq);
bool send_global_virq(Domain& d, uint32_t virq);

// A domain shut down or crashed: VIRQ_DOM_EXC for the domain handling
// global VIRQs, dom0 (Xen: __domain_finalise_shutdown and domain_crash,
// through send_global_virq). False when dom0 is missing or did not bind it.
bool notify_domain_exception();

// The 2-level pending protocol on port 'port' notifying vCPU 'v': sets the
// pending bit; on 0->1 with the port unmasked, sets the selector bit and
// evtchn_upcall_pending, and kicks v when the latter went 0->1.
void set_pending(Domain& d, Vcpu& v, evtchn_port_t port);

bool port_pending(const Domain& d, evtchn_port_t port);
bool port_masked(const Domain& d, evtchn_port_t port);

} // namespace evtchn
