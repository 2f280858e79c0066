#include "arch/x86_32/ptwr.hpp"

namespace arch {

// Not implemented yet: every page fault goes to the guest.
bool emulate_pt_write(Vcpu&, Exception_frame&, uint32_t) { return false; }

} // namespace arch
