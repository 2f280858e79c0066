// Event delivery to PV guests: called on every exit to a guest, it starts
// the guest's event callback when an upcall is pending and not masked.
#pragma once
#include "arch/x86_32/include/exception_frame.hpp"

// Boot, once, before the first domain is built: connects the event
// channel core to the domain table.
void pv_events_init();

extern "C" void pv_exit_to_guest(arch::Exception_frame* frame);
