#include "arch/x86_32/pv_events.hpp"

// No event sources exist yet: nothing is ever pending.
extern "C" void pv_exit_to_guest(arch::Exception_frame*) {}
