// The real machine behind the page-type core's Frame_space interface: the
// frame table, the map cache, the M2P and the domain table.
#pragma once
#include "hypervisor/mm/frame_space.hpp"

namespace arch {

Frame_space& pv_frame_space();

} // namespace arch
