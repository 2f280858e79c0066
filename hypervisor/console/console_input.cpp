#include "hypervisor/console/console_input.hpp"

#include "hypervisor/console/console.hpp"
#include "hypervisor/console/debug_keys.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/event/evtchn.hpp"
#include "hypervisor/console/serial_input.hpp"

namespace console_input {
namespace {

Serial_input input;

} // namespace

void on_byte(char c)
{
    switch (input.receive(c)) {
    case Serial_input::Action::queued:
        // Xen sends VIRQ_CONSOLE to the domain handling global VIRQs: dom0.
        if (Domain_ref d = domain_get(0))
            (void)evtchn::send_global_virq(*d, VIRQ_CONSOLE);
        break;
    case Serial_input::Action::key: debug_keys::handle(c); break;
    case Serial_input::Action::switched:
        if (input.target() == Serial_input::Target::shell)
            console::printf("*** serial input now goes to the Xenith debug shell "
                            "('h' lists the keys; Ctrl-A three times switches back)\n");
        else
            console::printf("*** serial input now goes to dom0 (Ctrl-A three times switches)\n");
        break;
    case Serial_input::Action::none:
    case Serial_input::Action::dropped: break;
    }
}

uint32_t peek(char* out, uint32_t max) { return input.peek(out, max); }
void consume(uint32_t n) { input.consume(n); }

bool to_shell() { return input.target() == Serial_input::Target::shell; }

} // namespace console_input
