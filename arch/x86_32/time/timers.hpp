// Inside the time code: the timer interrupt runs this CPU's expired timers
// (timers.cpp) and re-programs the CPU's timer.
#pragma once
#include <cstdint>

namespace arch {

void timers_run(uint64_t now);

} // namespace arch
