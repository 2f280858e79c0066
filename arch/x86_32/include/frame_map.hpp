// Hypervisor mappings of machine frames that outlive one operation (a
// vCPU's registered vcpu_info page, written on every event and time update).
// Short-lived mappings go through the page-type core's Frame_space instead.
#pragma once
#include "hypervisor/mm/frame.hpp"

namespace arch {

// A write-back mapping of frame 'm' that stays valid until the machine
// stops; nullptr when no mapping space is left.
void* map_frame_global(Mfn m);

} // namespace arch
