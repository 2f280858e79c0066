// A vCPU's runstate bookkeeping (public/vcpu.h vcpu_runstate_info): the
// time it spent running, runnable, blocked and offline. Changed under the
// vCPU's runqueue lock (schedule.cpp); read for VCPUOP_get_runstate_info and
// the guest's registered copy.
#pragma once
#include <cstdint>

#include "hypervisor/domain/vcpu.hpp"

// v enters 'state' (RUNSTATE_*) at 'now': the time since its last change
// goes to the state it leaves. Inline: a switch makes three changes.
inline void runstate_change(Vcpu& v, uint8_t state, uint64_t now)
{
    if (state == v.runstate)
        return;
    if (now > v.runstate_entry_ns)
        v.runstate_time[v.runstate & 3] += now - v.runstate_entry_ns;
    v.runstate = state;
    v.runstate_entry_ns = now;
}
