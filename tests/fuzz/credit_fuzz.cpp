// Random operation sequences against the credit scheduler, called the way
// credit.hpp tells the mechanism to (locks included): vCPUs added, removed
// (freed memory is poisoned for ASan), woken, put to sleep, yielding,
// re-pinned; CPUs scheduling, completing context switches late, ticking;
// accounting; weights and caps changing; time moving with the timers.
// After every step: each runnable vCPU is queued on exactly one runqueue,
// running, or in transit between CPUs; nothing is queued or picked outside
// its hard affinity; no vCPU is current on two CPUs; the scheduler's view
// of what runs matches the mechanism's; credits stay bounded; the total
// weight is the weight of the vCPUs earning credit.
#include <sanitizer/asan_interface.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "hypervisor/sched/credit.hpp"

namespace {

using namespace sched;

struct Input {
    const uint8_t* p;
    size_t n;
    uint8_t byte() { return n ? (--n, *p++) : 0; }
    uint16_t u16() { return static_cast<uint16_t>(byte() | byte() << 8); }
};

[[noreturn]] void fail(const char* what, unsigned a = 0, long b = 0)
{
    std::fprintf(stderr, "invariant broken: %s (%u, %ld)\n", what, a, b);
    std::abort();
}

constexpr unsigned nr_slots = 12;
constexpr unsigned nr_doms = 3;
constexpr unsigned max_ops = 400;

enum class Slot : uint8_t { free, live, dying };

struct World {
    Credit_scheduler s;
    Credit_cpu cpus[4];
    unsigned ncpus = 1;
    Sched_domain doms[nr_doms];
    Sched_vcpu vcpus[nr_slots];
    Slot slot[nr_slots] = {};
    Sched_vcpu* curr[4] = {};    // what the mechanism runs
    Sched_vcpu* unsaved[4] = {}; // switched away from, context_saved() not yet called
    uint64_t now = 0;
    uint64_t next_tick = 0, next_account = 0;

    World()
    {
        for (Sched_vcpu& v : vcpus)
            ASAN_POISON_MEMORY_REGION(&v, sizeof v);
    }

    unsigned index(const Sched_vcpu* v) const { return static_cast<unsigned>(v - vcpus); }
    Cpu_mask online() const { return {(1ull << ncpus) - 1}; }
    Cpu_mask mask(Input& in) const
    {
        Cpu_mask m{in.byte() & online().bits};
        return m.empty() ? Cpu_mask::of(0) : m;
    }

    void free_slot(unsigned i)
    {
        slot[i] = Slot::free;
        ASAN_POISON_MEMORY_REGION(&vcpus[i], sizeof vcpus[i]);
    }

    void saved(unsigned c)
    {
        Sched_vcpu* v = unsaved[c];
        if (!v)
            return;
        unsaved[c] = nullptr;
        (void)s.context_saved(*v);
        if (slot[index(v)] == Slot::dying)
            free_slot(index(v));
    }

    void schedule(unsigned c, bool save_now)
    {
        saved(c); // a CPU finishes one switch before it schedules again
        if (cpus[c].curr != curr[c])
            fail("scheduler and mechanism disagree on current", c);
        Decision d;
        {
            Lock_guard g(cpus[c].lock);
            d = s.schedule(cpus[c], now);
        }
        if (d.next && !d.next->affinity.has(c))
            fail("picked outside its affinity", c, d.next ? static_cast<long>(index(d.next)) : -1);
        if (d.next && slot[index(d.next)] != Slot::live)
            fail("picked a removed vCPU", c);
        if (d.prev != (curr[c] != d.next ? curr[c] : nullptr))
            fail("Decision::prev is not the vCPU switched away from", c);
        curr[c] = d.next;
        unsaved[c] = d.prev;
        if (save_now)
            saved(c);
    }

    void tick(unsigned c)
    {
        Lock_guard g(cpus[c].lock);
        (void)s.tick(cpus[c], now);
    }

    // Time moves; the timers that fall due fire in order.
    void advance(uint64_t dt)
    {
        uint64_t end = now + dt;
        for (;;) {
            uint64_t t = next_tick < next_account ? next_tick : next_account;
            if (t > end)
                break;
            now = t;
            if (t == next_tick) {
                next_tick += s.tick_period_ns();
                for (unsigned c = 0; c < ncpus; ++c)
                    tick(c);
            } else {
                next_account += s.account_period_ns();
                (void)s.account(now);
            }
        }
        now = end;
    }

    void dump(unsigned c)
    {
        auto sink = [](void* ctx, const char* line) { *static_cast<size_t*>(ctx) += line[0] != 0; };
        size_t lines = 0;
        s.dump_params(sink, &lines);
        s.dump_cpu(cpus[c], now, sink, &lines);
        if (lines < 2)
            fail("dump printed nothing", c);
    }

    void step(Input& in);
    void add(Input& in);
    void remove(unsigned i);
    void check() const;
    void check_cpu(unsigned c, unsigned (&seen)[nr_slots]) const;
    void check_vcpu(unsigned i, const unsigned (&seen)[nr_slots]) const;
};

void World::add(Input& in)
{
    unsigned i = in.byte() % nr_slots;
    if (slot[i] != Slot::free)
        return;
    ASAN_UNPOISON_MEMORY_REGION(&vcpus[i], sizeof vcpus[i]);
    slot[i] = Slot::live;
    s.add_vcpu(vcpus[i], doms[i % nr_doms], nullptr, static_cast<uint16_t>(i), mask(in));
}

void World::remove(unsigned i)
{
    Remove_result r = s.remove_vcpu(vcpus[i]);
    if (r.freeable)
        free_slot(i);
    else
        slot[i] = Slot::dying; // freed once its context is saved
}

void World::step(Input& in)
{
    uint8_t op = in.byte();
    unsigned i = in.byte() % nr_slots;
    unsigned c = in.byte() % ncpus;
    bool live = slot[i] == Slot::live;
    Sched_vcpu& v = vcpus[i];
    switch (op % 13) {
    case 0: add(in); break;
    case 1:
        if (live)
            remove(i);
        break;
    case 2:
        if (live) {
            Vcpu_lock l(s, v);
            (void)s.wake(v, now);
        }
        break;
    case 3:
        if (live) {
            Vcpu_lock l(s, v);
            (void)s.sleep(v);
        }
        break;
    case 4:
        if (live) {
            Vcpu_lock l(s, v);
            (void)s.yield(v);
        }
        break;
    case 5: schedule(c, true); break;
    case 6: schedule(c, false); break;
    case 7: saved(c); break;
    case 8: advance(uint64_t{in.byte()} * 250000); break;
    case 9:
        if (live)
            (void)s.set_affinity(v, mask(in));
        break;
    case 10: (void)s.set_params(doms[i % nr_doms], in.u16(), in.u16() % 500); break;
    case 11: tick(c); break;
    case 12:
        if (i == 0)
            dump(c);
        break;
    }
}

void World::check_cpu(unsigned c, unsigned (&seen)[nr_slots]) const
{
    const Credit_cpu& cpu = cpus[c];
    if (cpu.curr != curr[c])
        fail("current differs from the mechanism's", c);
    if (const Sched_vcpu* v = cpu.curr) {
        ++seen[index(v)];
        if (v->cpu != c || !v->running || v->queued)
            fail("current vCPU state", c, index(v));
        if (!v->affinity.has(c) && !v->moving && !v->removed)
            fail("running outside its affinity and not leaving", c,
                 static_cast<long>(index(v) | v->runnable << 8 | v->removed << 9));
    }
    Cpu_times t = s.cpu_times(cpu, now);
    if (t.busy_ns + t.idle_ns != now)
        fail("busy + idle is not the time elapsed", c);
    unsigned n = 0;
    for (const Sched_vcpu* v = cpu.runq.front(); v; v = Runq::next(*v), ++n) {
        ++seen[index(v)];
        if (v->cpu != c || !v->queued || !v->runnable || v->removed)
            fail("queued vCPU state", c, index(v));
        if (!v->affinity.has(c))
            fail("queued outside its affinity", c, index(v));
        if (v->running && v != curr[c] && v != unsaved[c])
            fail("queued while running elsewhere", c, index(v));
    }
    if (n != cpu.runq.size())
        fail("runqueue length", c, n);
}

void World::check_vcpu(unsigned i, const unsigned (&seen)[nr_slots]) const
{
    if (slot[i] == Slot::free)
        return;
    const Sched_vcpu& v = vcpus[i];
    if (seen[i] > 1)
        fail("on two runqueues, or running twice, or both", i, seen[i]);
    bool in_transit = v.moving && v.running && !seen[i];
    if (v.runnable && !v.removed && !seen[i] && !in_transit)
        fail("runnable but neither queued, running nor in transit", i);
    if (v.moving && !v.running)
        fail("in transit with its context saved", i);
    int32_t cpt = s.credits_per_tslice();
    int32_t high = static_cast<int32_t>(nr_slots + 6) * cpt;
    // A removed vCPU earns nothing any more; its credit no longer matters.
    if (!v.removed && (v.credits() < -3 * cpt || v.credits() > high))
        fail(v.active ? "credit out of bounds (active)" : "credit out of bounds (inactive)", i,
             v.credits());
}

void World::check() const
{
    unsigned seen[nr_slots] = {};
    for (unsigned c = 0; c < ncpus; ++c)
        check_cpu(c, seen);
    uint64_t weight = 0;
    for (unsigned i = 0; i < nr_slots; ++i) {
        check_vcpu(i, seen);
        if (slot[i] != Slot::free && vcpus[i].active)
            weight += vcpus[i].dom->weight;
    }
    if (weight != s.total_weight())
        fail("total weight is not that of the earning vCPUs", 0, static_cast<long>(weight));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Input in{data, size};
    World* w = new (std::nothrow) World;
    if (!w)
        return 0;
    w->ncpus = 1 + in.byte() % 4;
    (void)w->s.set_tslice(1 + in.byte() % 60, in.byte() % 2 ? 0 : 1000);
    for (unsigned c = 0; c < w->ncpus; ++c)
        w->s.init_cpu(w->cpus[c], c, 0);
    for (unsigned d = 0; d < nr_doms; ++d)
        Credit_scheduler::init_domain(w->doms[d], nullptr, static_cast<uint16_t>(d));
    w->next_tick = w->s.tick_period_ns();
    w->next_account = w->s.account_period_ns();
    for (unsigned n = 0; n < max_ops && in.n; ++n) {
        w->step(in);
        w->check();
    }
    for (Sched_vcpu& v : w->vcpus)
        ASAN_UNPOISON_MEMORY_REGION(&v, sizeof v);
    delete w;
    return 0;
}
