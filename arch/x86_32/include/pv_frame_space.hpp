// The real machine behind the page-type core's Frame_space interface: the
// frame table, the map cache, the M2P and the domain table.
#pragma once
#include "hypervisor/mm/frame_space.hpp"

namespace arch {

Frame_space& pv_frame_space();
// Boot, once the frame table exists: the fast paths' view of it.
void pv_frame_space_init();

} // namespace arch
