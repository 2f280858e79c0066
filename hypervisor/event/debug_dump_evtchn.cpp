// Debug key 'e': every domain's ports that are in use.
#include "hypervisor/console/console.hpp"
#include "hypervisor/console/debug_keys.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/lib/format.hpp"

namespace debug_keys {
namespace {

const char* state_name(Evtchn_state s)
{
    switch (s) {
    case Evtchn_state::free: return "free";
    case Evtchn_state::reserved: return "reserved";
    case Evtchn_state::unbound: return "unbound";
    case Evtchn_state::interdomain: return "interdomain";
    case Evtchn_state::pirq: return "pirq";
    case Evtchn_state::virq: return "virq";
    case Evtchn_state::ipi: return "ipi";
    }
    return "?";
}

void print_port(const Domain& d, uint32_t port, const Evtchn_port& p)
{
    char binding[40];
    switch (p.state) {
    case Evtchn_state::unbound: fmt::snprint(binding, sizeof binding, "remote d%u", p.remote_dom); break;
    case Evtchn_state::interdomain:
        fmt::snprint(binding, sizeof binding, "peer d%u port %u", p.remote_dom, p.value);
        break;
    case Evtchn_state::virq: fmt::snprint(binding, sizeof binding, "virq %u", p.value); break;
    case Evtchn_state::pirq: fmt::snprint(binding, sizeof binding, "pirq %u", p.value); break;
    default: binding[0] = '\0'; break;
    }
    console::printf("  port %4u: %-11s vcpu %u %-20s pending %d masked %d\n", port, state_name(p.state),
                    p.vcpu, binding, evtchn::port_pending(d, port), evtchn::port_masked(d, port));
}

} // namespace

void dump_evtchns()
{
    console::printf("(e) event channels:\n");
    for_each_domain(
        [](Domain& d, void*) {
            if (!d.shared)
                return;
            unsigned used = 0;
            for (uint32_t port = 1; port < Evtchn_table::nr_ports; ++port) {
                const Evtchn_port& p = d.evtchn.ports[port];
                if (p.state == Evtchn_state::free)
                    continue;
                if (used++ == 0)
                    console::printf(" domain %u:\n", d.id);
                print_port(d, port, p);
            }
            if (used == 0)
                console::printf(" domain %u: no ports in use\n", d.id);
            else
                console::printf(" domain %u: %u ports in use\n", d.id, used);
        },
        nullptr);
}

} // namespace debug_keys
