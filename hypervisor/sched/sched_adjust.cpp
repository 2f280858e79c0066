// What the toolstack changes of scheduling (domctl): pausing until a
// domain is off every CPU, and hard affinity.
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace {

// A CPU spinning here answers other CPUs' requests (TLB flushes) through
// the relax hook, so no two CPUs wait on each other.
void relax()
{
    if (Spin_relax_hook h = __atomic_load_n(&spin_relax_hook, __ATOMIC_ACQUIRE))
        h();
    __builtin_ia32_pause();
}

} // namespace

void domain_pause_sync(Domain& d)
{
    domain_pause(d);
    // The policy was told each vCPU sleeps and kicked the CPUs running
    // them; they save the vCPUs at their next exit.
    while (!domain_quiet(d))
        relax();
}

void vcpu_pause_sync(Vcpu& v)
{
    vcpu_pause(v);
    while (__atomic_load_n(&v.is_running, __ATOMIC_ACQUIRE))
        relax();
}

int vcpu_set_hard_affinity(Vcpu& v, sched::Cpu_mask hard)
{
    sched::Affinity_result r = sched::policy().set_affinity(v.sched, hard);
    sched_kick(r.kick);
    return r.rc;
}

sched::Cpu_mask vcpu_hard_affinity(Vcpu& v)
{
    // 64 bits: read whole under the lock that guards it (no 64-bit
    // atomics on i686).
    sched::Vcpu_lock l(sched::policy(), v.sched);
    return v.sched.affinity;
}

sched::Cpu_mask sched_online_cpus() { return sched::policy().online(); }
