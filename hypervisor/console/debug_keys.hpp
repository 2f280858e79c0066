// The debug shell's single-key commands (serial input switched to the
// hypervisor with Ctrl-A three times). Each key prints one report through
// console::printf; handlers run in the UART interrupt, interrupts off.
#pragma once

namespace debug_keys {

void handle(char key);

// The reports, one per concern (their own files).
void dump_evtchns();        // 'e' (debug_dump_evtchn.cpp)
void dump_domains();        // 'd' (arch/x86_32/cpu/debug_dump_cpus.cpp)
void dump_queues();         // 'q' (arch/x86_32/cpu/debug_dump_cpus.cpp)
void dump_frames();         // 'm' (arch/x86_32/mm/debug_dump_memory.cpp)
void dump_memory_use();     // 'i' (arch/x86_32/mm/debug_dump_memory.cpp)

} // namespace debug_keys
