#include "hypervisor/sched/runstate.hpp"

#include <cstddef>

#include "arch/x86_32/include/vtime.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/sched/schedule.hpp"

vcpu_runstate_info_t runstate_snapshot(const Vcpu& t)
{
    vcpu_runstate_info_t r{};
    // Under the runqueue lock so that state, entry time and totals agree.
    sched::Vcpu_lock l(sched::policy(), const_cast<Vcpu&>(t).sched);
    uint64_t now = arch::system_time_ns();
    r.state = t.runstate;
    r.state_entry_time = t.runstate_entry_ns;
    for (unsigned i = 0; i < 4; ++i)
        r.time[i] = t.runstate_time[i];
    if (now > t.runstate_entry_ns)
        r.time[r.state & 3] += now - t.runstate_entry_ns;
    return r;
}

// Xen's update_runstate_area: with VMASST_TYPE_runstate_update_flag,
// XEN_RUNSTATE_UPDATE is set in state_entry_time (its top byte is written
// first and last) while the rest changes, so a reader on another vCPU can
// tell a torn copy.
bool runstate_write_guest(Vcpu& t)
{
    uint32_t gva = t.runstate_guest;
    if (gva == 0)
        return true;
    vcpu_runstate_info_t r = runstate_snapshot(t);
    constexpr uint32_t flag_byte = offsetof(vcpu_runstate_info_t, state_entry_time) + 7;
    bool flagged = (t.domain->vm_assist & (1u << VMASST_TYPE_runstate_update_flag)) != 0;
    if (flagged) {
        uint8_t top = static_cast<uint8_t>((r.state_entry_time | XEN_RUNSTATE_UPDATE) >> 56);
        if (!copy_bytes_to_guest(gva + flag_byte, &top, 1))
            return false;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        r.state_entry_time |= XEN_RUNSTATE_UPDATE;
    }
    if (!copy_to_guest(gva, r))
        return false;
    if (flagged) {
        __atomic_thread_fence(__ATOMIC_RELEASE);
        uint8_t top = static_cast<uint8_t>((r.state_entry_time & ~XEN_RUNSTATE_UPDATE) >> 56);
        if (!copy_bytes_to_guest(gva + flag_byte, &top, 1))
            return false;
    }
    return true;
}
