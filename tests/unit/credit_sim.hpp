// A small discrete-event simulator of the scheduling mechanism around the
// credit policy, for the Credit* unit tests: CPUs with a current vCPU, a
// timeslice timer, a 10 ms tick while busy, the 30 ms accounting on the
// master CPU, kicks (IPIs) delivered at once, and vCPUs that are CPU hogs
// or do I/O (run a burst, block, get woken by an event later). It calls
// the policy exactly as credit.hpp tells the mechanism to, locks included
// (single-threaded, so a lock taken twice hangs the test), and time only
// moves to the next event, so the figures come from running the policy.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <random>
#include <vector>

#include "hypervisor/sched/credit.hpp"

namespace credit_sim {

using namespace sched;

constexpr uint64_t us = 1000;
constexpr uint64_t ms = 1000 * us;
constexpr uint64_t never = ~0ull;

struct Vcpu {
    Sched_vcpu sv;
    unsigned dom = 0;
    unsigned index = 0;
    bool io = false;                       // else a hog: always runnable once started
    uint64_t burst_ns = 0;                 // io: runs this long, then blocks
    uint64_t sleep_min = 0, sleep_max = 0; // io: blocked this long
    uint64_t burst_left = 0;
    uint64_t block_at = never;       // running io: when it blocks
    uint64_t wake_at = never;        // blocked io: when its event comes
    uint64_t woke_at = never;        // woken, not yet running
    std::vector<uint64_t> latencies; // wake to run
    bool gone = false;               // removed and freed: the simulator forgets it
};

class Sim {
public:
    explicit Sim(unsigned ncpus, uint32_t tslice_ms = 30, uint32_t ratelimit_us = 1000,
                 uint64_t seed = 1)
        : cpus(ncpus), curr(ncpus, nullptr), run_start(ncpus, 0), slice_end(ncpus, never),
          next_tick(ncpus, never), resched(ncpus, false), rng(seed)
    {
        if (s.set_tslice(tslice_ms, ratelimit_us) != 0)
            std::abort();
        for (unsigned c = 0; c < ncpus; ++c)
            s.init_cpu(cpus[c], c, 0);
        next_account = s.account_period_ns();
    }

    unsigned add_domain(uint16_t weight = default_weight, uint16_t cap = 0)
    {
        doms.emplace_back();
        Credit_scheduler::init_domain(doms.back(), nullptr, static_cast<uint16_t>(doms.size() - 1));
        if (s.set_params(doms.back(), weight, cap) != 0)
            std::abort();
        return static_cast<unsigned>(doms.size() - 1);
    }

    Vcpu& add_vcpu(unsigned dom, Cpu_mask aff = Cpu_mask::all())
    {
        vcpus.emplace_back();
        Vcpu& v = vcpus.back();
        v.dom = dom;
        v.index = static_cast<unsigned>(vcpus.size() - 1);
        s.add_vcpu(v.sv, doms[dom], &v, static_cast<uint16_t>(doms[dom].nr_vcpus), aff);
        return v;
    }
    Vcpu& add_hog(unsigned dom, Cpu_mask aff = Cpu_mask::all())
    {
        Vcpu& v = add_vcpu(dom, aff);
        wake(v);
        return v;
    }
    Vcpu& add_io(unsigned dom, uint64_t burst, uint64_t sleep_min, uint64_t sleep_max,
                 Cpu_mask aff = Cpu_mask::all())
    {
        Vcpu& v = add_vcpu(dom, aff);
        v.io = true;
        v.burst_ns = burst;
        v.sleep_min = sleep_min;
        v.sleep_max = sleep_max;
        v.wake_at = now + pick(sleep_min, sleep_max);
        return v;
    }

    static Vcpu& of(Sched_vcpu* sv) { return *static_cast<Vcpu*>(sv->owner); }

    void wake(Vcpu& v)
    {
        v.wake_at = never;
        v.burst_left = v.burst_ns;
        Wake_result r;
        {
            Vcpu_lock l(s, v.sv);
            r = s.wake(v.sv, now);
        }
        if (v.woke_at == never)
            v.woke_at = now;
        kick(r.kick);
    }

    void block(Vcpu& v)
    {
        Cpu_mask k;
        {
            Vcpu_lock l(s, v.sv);
            k = s.sleep(v.sv);
        }
        v.block_at = never;
        v.woke_at = never;
        v.wake_at = now + pick(v.sleep_min, v.sleep_max);
        kick(k);
    }

    void yield(Vcpu& v)
    {
        Cpu_mask k;
        {
            Vcpu_lock l(s, v.sv);
            k = s.yield(v.sv);
        }
        kick(k);
        drain();
    }

    // remove_vcpu, then free it (poisoned) as soon as the policy allows.
    void remove(Vcpu& v)
    {
        Remove_result r = s.remove_vcpu(v.sv);
        kick(r.kick);
        if (!r.freeable)
            drain(); // the CPU it ran on switches away and saves it
        if (!r.freeable && v.sv.running)
            std::abort();
        v.gone = true;
        v.wake_at = never;
        std::memset(static_cast<void*>(&v.sv), 0xA5, sizeof v.sv);
    }

    void set_affinity(Vcpu& v, Cpu_mask m)
    {
        Affinity_result r = s.set_affinity(v.sv, m);
        kick(r.kick);
    }

    void kick(Cpu_mask m)
    {
        for (unsigned c = 0; c < cpus.size(); ++c)
            if (m.has(c))
                resched[c] = true;
    }

    // Runs the machine for 'ns' more nanoseconds.
    void run_for(uint64_t ns)
    {
        uint64_t end = now + ns;
        for (;;) {
            drain();
            uint64_t t = next_event();
            if (t > end)
                break;
            now = t;
            fire_due();
        }
        now = end;
    }

    void drain()
    {
        for (bool any = true; any;) {
            any = false;
            for (unsigned c = 0; c < cpus.size(); ++c)
                if (resched[c]) {
                    resched[c] = false;
                    schedule(c);
                    any = true;
                }
        }
    }

    void schedule(unsigned c)
    {
        Vcpu* prev = curr[c];
        if (prev && prev->io)
            prev->burst_left -= std::min(prev->burst_left, now - run_start[c]);
        Decision d;
        {
            Lock_guard g(cpus[c].lock);
            d = s.schedule(cpus[c], now);
        }
        ++schedules;
        Vcpu* next = d.next ? &of(d.next) : nullptr;
        curr[c] = next;
        run_start[c] = now;
        slice_end[c] = next ? now + d.run_ns : never;
        if (prev && prev != next)
            prev->block_at = never;
        if (next && next->io)
            next->block_at = now + next->burst_left;
        if (next && next->woke_at != never) {
            next->latencies.push_back(now - next->woke_at);
            next->woke_at = never;
        }
        if (!next)
            next_tick[c] = never;
        else if (next_tick[c] == never)
            next_tick[c] = now - now % s.tick_period_ns() + s.tick_period_ns();
        if (on_schedule)
            on_schedule(c, d);
        kick(d.kick);
        if (d.prev)
            kick(s.context_saved(*d.prev));
    }

    uint64_t domain_ns(unsigned dom) const
    {
        uint64_t t = 0;
        for (const Vcpu& v : vcpus)
            if (v.dom == dom && !v.gone)
                t += consumed(v);
        return t;
    }
    // Run time including the stretch in progress.
    uint64_t consumed(const Vcpu& v) const
    {
        uint64_t t = v.sv.consumed_ns;
        for (unsigned c = 0; c < cpus.size(); ++c)
            if (curr[c] == &v && cpus[c].curr == &v.sv)
                t += now - v.sv.start_time;
        return t;
    }
    Cpu_times times(unsigned c)
    {
        Lock_guard g(cpus[c].lock);
        return s.cpu_times(cpus[c], now);
    }

    Credit_scheduler s;
    std::deque<Credit_cpu> cpus;
    std::deque<Sched_domain> doms;
    std::deque<Vcpu> vcpus;
    std::vector<Vcpu*> curr;
    std::vector<uint64_t> run_start, slice_end, next_tick;
    std::vector<bool> resched;
    uint64_t now = 0;
    uint64_t next_account = 0;
    uint64_t schedules = 0;
    std::mt19937_64 rng;
    std::function<void(unsigned cpu, const Decision&)> on_schedule;
    std::function<void()> on_account;

private:
    uint64_t pick(uint64_t lo, uint64_t hi) { return lo >= hi ? lo : lo + rng() % (hi - lo); }

    uint64_t next_event() const
    {
        uint64_t t = next_account;
        for (unsigned c = 0; c < cpus.size(); ++c) {
            t = std::min({t, slice_end[c], next_tick[c]});
            if (curr[c])
                t = std::min(t, curr[c]->block_at);
        }
        for (const Vcpu& v : vcpus)
            if (!v.gone)
                t = std::min(t, v.wake_at);
        return t;
    }

    void fire_due()
    {
        for (unsigned c = 0; c < cpus.size(); ++c)
            if (curr[c] && curr[c]->block_at <= now)
                block(*curr[c]);
        for (unsigned c = 0; c < cpus.size(); ++c)
            if (next_tick[c] <= now) {
                next_tick[c] += s.tick_period_ns();
                Cpu_mask k;
                {
                    Lock_guard g(cpus[c].lock);
                    k = s.tick(cpus[c], now);
                }
                kick(k);
            }
        if (next_account <= now) {
            next_account += s.account_period_ns();
            kick(s.account(now));
            if (on_account)
                on_account();
        }
        for (Vcpu& v : vcpus)
            if (!v.gone && v.wake_at <= now)
                wake(v);
        for (unsigned c = 0; c < cpus.size(); ++c)
            if (slice_end[c] <= now)
                resched[c] = true;
    }
};

} // namespace credit_sim
