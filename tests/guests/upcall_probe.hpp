// How far a long hypercall had got when it made way for a pending event.
// Xen's long hypercalls (batches of grant ops, mmu_update, mmuext_op) stop
// part-way when an event is due, and the guest re-issues them for the rest
// (hypercall_create_continuation): the upcall runs in between. arm() marks
// an event pending and unmasked and puts in a callback that calls
// 'progress' (what the call has done, as the guest can see it); disarm()
// masks events again, puts guest-abi's callback back and says what the
// upcall saw. A call that ran to its end before the upcall shows all done.
// An upcall that finds nothing done yet came before the call (an interrupt
// between arm() and the call): it is not counted and the event stays armed.
#pragma once
#include <cstdint>

namespace upcall_probe {

using Progress = uint32_t (*)();

struct Seen {
    uint32_t upcalls = 0;
    uint32_t progress = 0; // 'progress' at the (last) upcall
};

void arm(Progress progress);
Seen disarm();

// True when exactly one upcall came with part of 'total' done.
inline bool part_way(const Seen& s, uint32_t total)
{
    return s.upcalls == 1 && s.progress > 0 && s.progress < total;
}

} // namespace upcall_probe
