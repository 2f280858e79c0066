// The 8254 PIT, used only as a reference clock for calibration: channel 2
// counting down once with its gate controlled through port 0x61, so no
// interrupt is involved.
#pragma once
#include <cstdint>

namespace arch::pit {

constexpr uint32_t hz = 1193182;

// Loads 'count' into channel 2 (mode 0) with the speaker off and the gate
// high; OUT2 rises when the count runs out.
void gate_start(uint16_t count);
bool gate_expired();
// Channel 2 counting down from 65536 over and over (gate on, speaker off).
void periodic_start();
// Channel 2's current count (latched, so the two bytes belong together).
uint16_t read_count();
void gate_stop();

} // namespace arch::pit
