// Softirqs: work a CPU does on its way back to a guest (pv_exit_to_guest)
// or in its idle loop, never in the middle of a hypercall or an interrupt
// handler: re-programming its timer for a queue another CPU changed, and
// running the scheduler. Any CPU raises them; raising one on another CPU
// sends it the event-check IPI, whose handler does nothing but end a halt
// or a guest's run so that the exit path looks.
#pragma once
#include <cstdint>

namespace arch {

struct Percpu;

enum : uint32_t {
    softirq_timer = 1u << 0,    // its timer queue's head changed
    softirq_schedule = 1u << 1, // run the scheduler
};

void raise_softirq(unsigned cpu, uint32_t bits);
// Takes (and clears) this CPU's pending softirqs.
uint32_t take_softirqs(Percpu& cpu);
bool softirq_pending(const Percpu& cpu);

// Boot: the event-check vector's handler.
void softirq_init();

} // namespace arch
