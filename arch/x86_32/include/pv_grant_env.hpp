// The real machine behind the grant core's Grant_env: the frame space,
// the domain table, the heap, direct-mapped frames for the shared grant
// and status frames, the M2P and the domain memory steps of a transfer.
#pragma once
#include "hypervisor/grant/grant_env.hpp"

namespace arch {

Grant_env& grant_env();

} // namespace arch
