#include "hypervisor/domain/domain_pause.hpp"

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace {

constexpr uint32_t max_controller_pauses = 255;

// Adds delta to the count unless that leaves [0, max]; the count is
// changed by concurrent controllers, hence the compare-exchange loop.
bool step(Domain& d, int delta)
{
    uint32_t old = __atomic_load_n(&d.controller_pause_count, __ATOMIC_RELAXED);
    for (;;) {
        if ((delta < 0 && old == 0) || (delta > 0 && old >= max_controller_pauses))
            return false;
        uint32_t next = delta < 0 ? old - 1 : old + 1;
        if (__atomic_compare_exchange_n(&d.controller_pause_count, &old, next, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            return true;
    }
}

} // namespace

void domain_pause_for_creation(Domain& d)
{
    __atomic_store_n(&d.controller_pause_count, 1u, __ATOMIC_SEQ_CST);
    domain_pause(d);
}

int domain_pause_by_controller(Domain& d)
{
    if (!step(d, +1))
        return -XEN_EOVERFLOW;
    domain_pause_sync(d);
    return 0;
}

int domain_unpause_by_controller(Domain& d)
{
    if (!step(d, -1))
        return -XEN_EINVAL;
    domain_unpause(d);
    return 0;
}
