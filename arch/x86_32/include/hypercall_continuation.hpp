// Hypercalls that stop part-way and are entered again by the guest (Xen's
// hypercall_preempt_check() and hypercall_create_continuation()): the
// guest's eip is moved back onto its "int $0x82" and its registers rewritten
// to the call's new arguments, so the guest itself re-issues the call and
// whatever was waiting (an interrupt, an event) is taken in between.
#pragma once
#include <cstdint>

struct Vcpu;

namespace arch {

// Work is waiting on this CPU that a long hypercall should make way for.
bool hypercall_preempt_check(const Vcpu& v);

// Arranges for hypercall 'nr' to be re-entered with these arguments when
// the current one returns; returns what the current call returns (the
// guest never sees it: eax is rewritten to nr). Inside a multicall the
// entry's arguments in the guest's list become these, and the multicall
// is re-entered from that entry (hc_multicall.cpp), as Xen's.
long hypercall_continue(Vcpu& v, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2 = 0,
                        uint32_t a3 = 0, uint32_t a4 = 0);

} // namespace arch
