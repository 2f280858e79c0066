// Credit scheduler: the debug shell's view (Xen's 'r' key, csched_dump_*),
// one line at a time through the caller's sink.
#include "hypervisor/sched/credit.hpp"

#include "hypervisor/lib/format.hpp"

namespace sched {

namespace {

const char* prio_name(Prio p)
{
    switch (p) {
    case Prio::boost: return "BOOST";
    case Prio::under: return "UNDER";
    case Prio::over: return "OVER";
    case Prio::idle: return "IDLE";
    }
    return "?";
}

// Weight and cap are read without the scheduler lock: a dump may show a
// value being changed, nothing worse.
void dump_vcpu(const char* what, const Sched_vcpu& v, Dump_sink out, void* ctx)
{
    char line[160];
    const Sched_domain& d = *v.dom;
    fmt::snprint(
        line, sizeof line, "  %s d%u.v%u %s credit=%d w=%u cap=%u aff=%llx ran=%llums%s%s%s%s",
        what, unsigned{d.id}, unsigned{v.id}, prio_name(v.prio()), v.credits(),
        unsigned{load(d.weight)}, unsigned{load(d.cap)},
        static_cast<unsigned long long>(v.affinity.bits),
        static_cast<unsigned long long>(v.consumed_ns / ns_per_ms), v.is_parked() ? " parked" : "",
        v.yielding ? " yield" : "", load(v.active) ? " active" : "", v.moving ? " moving" : "");
    out(ctx, line);
}

} // namespace

void Credit_scheduler::dump_cpu(Credit_cpu& c, uint64_t now, Dump_sink out, void* ctx)
{
    Lock_guard g(c.lock);
    Cpu_times t = cpu_times(c, now);
    char line[160];
    fmt::snprint(
        line, sizeof line, "CPU%u: %u queued, busy %llums idle %llums, %llu ticks, %u steals%s",
        c.id, c.runq.size(), static_cast<unsigned long long>(t.busy_ns / ns_per_ms),
        static_cast<unsigned long long>(t.idle_ns / ns_per_ms),
        static_cast<unsigned long long>(c.ticks), c.steals, idlers().has(c.id) ? ", idle" : "");
    out(ctx, line);
    if (c.curr)
        dump_vcpu("run", *c.curr, out, ctx);
    for (const Sched_vcpu* v = c.runq.front(); v; v = Runq::next(*v))
        dump_vcpu("   ", *v, out, ctx);
}

void Credit_scheduler::dump_params(Dump_sink out, void* ctx)
{
    Lock_guard g(lock_);
    char line[160];
    fmt::snprint(line, sizeof line,
                 "credit: tslice %ums ratelimit %uus tick %lluus, %u CPUs (master %u), "
                 "credit %u/period, weight %llu, balance %d",
                 tslice_ms(), ratelimit_us(),
                 static_cast<unsigned long long>(tick_period_ns() / 1000), ncpus_, master_cpu(),
                 credit_total_, static_cast<unsigned long long>(weight_total_), balance_);
    out(ctx, line);
    for (const Sched_domain* d = active_first_; d; d = d->adom_next) {
        fmt::snprint(line, sizeof line, "  active d%u: weight %u cap %u, %u of %u vCPUs earning",
                     unsigned{d->id}, unsigned{d->weight}, unsigned{d->cap}, unsigned{d->nr_active},
                     unsigned{d->nr_vcpus});
        out(ctx, line);
    }
}

} // namespace sched
