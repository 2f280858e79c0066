// Waking: boost gives a sleeper low wake-to-run latency under CPU hogs;
// preemption and the CPU to kick; yield; sleep of a running vCPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "tests/unit/credit_sim.hpp"

namespace {

using namespace credit_sim;

void report_latency(const char* what, const Vcpu& v)
{
    uint64_t worst = *std::max_element(v.latencies.begin(), v.latencies.end());
    uint64_t sum = std::accumulate(v.latencies.begin(), v.latencies.end(), uint64_t{0});
    std::printf("[ figures  ] %s: %zu wakes, latency mean %.1f us, max %.1f us\n", what,
                v.latencies.size(),
                static_cast<double>(sum) / 1e3 / static_cast<double>(v.latencies.size()),
                static_cast<double>(worst) / 1e3);
}

TEST(Credit_wake, ASleeperWokenUnderEightHogsRunsWithinOneTick)
{
    Sim sim(1);
    unsigned hogs = sim.add_domain(), io = sim.add_domain();
    for (int i = 0; i < 8; ++i)
        sim.add_hog(hogs);
    // The hogs all start boosted (woken): let the ticks take that away.
    sim.run_for(1000 * ms);
    Vcpu& v = sim.add_io(io, 300 * us, 5 * ms, 50 * ms);
    sim.run_for(10000 * ms);
    ASSERT_GT(v.latencies.size(), 200u);
    report_latency("I/O vCPU under 8 hogs on 1 CPU", v);
    EXPECT_LT(*std::max_element(v.latencies.begin(), v.latencies.end()), 10 * ms);
}

TEST(Credit_wake, SleepersOnTwoCpusWithEightHogsEachRunWithinOneTick)
{
    Sim sim(2, 30, 1000, 7);
    unsigned hogs = sim.add_domain(), io = sim.add_domain();
    for (int i = 0; i < 8; ++i)
        sim.add_hog(hogs);
    sim.run_for(1000 * ms);
    Vcpu& a = sim.add_io(io, 1 * ms, 2 * ms, 30 * ms);
    Vcpu& b = sim.add_io(io, 200 * us, 1 * ms, 10 * ms);
    sim.run_for(10000 * ms);
    report_latency("I/O vCPU a, 8 hogs on 2 CPUs", a);
    report_latency("I/O vCPU b, 8 hogs on 2 CPUs", b);
    for (const Vcpu* v : {&a, &b})
        EXPECT_LT(*std::max_element(v->latencies.begin(), v->latencies.end()), 10 * ms);
}

TEST(Credit_wake, AWokenUnderVcpuIsBoostedAndPreemptsAHog)
{
    Sim sim(1, 30, 0);
    unsigned d = sim.add_domain();
    Vcpu& hog = sim.add_hog(d);
    sim.run_for(15 * ms);
    ASSERT_EQ(hog.sv.prio(), Prio::under) << "a tick found it running";
    Vcpu& v = sim.add_vcpu(d);
    Wake_result r;
    {
        Vcpu_lock l(sim.s, v.sv);
        r = sim.s.wake(v.sv, sim.now);
    }
    EXPECT_EQ(v.sv.prio(), Prio::boost);
    EXPECT_TRUE(r.preempt);
    EXPECT_EQ(r.kick, Cpu_mask::of(0));
    sim.kick(r.kick);
    sim.drain();
    EXPECT_EQ(sim.curr[0], &v);
    EXPECT_TRUE(hog.sv.queued);
}

TEST(Credit_wake, AWokenVcpuGoesToAnIdleCpuRatherThanPreempting)
{
    Sim sim(2);
    unsigned d = sim.add_domain();
    Vcpu& hog = sim.add_hog(d, Cpu_mask::of(0));
    sim.drain();
    Vcpu& v = sim.add_vcpu(d, Cpu_mask::of(0)); // its CPU is the hog's
    sim.set_affinity(v, Cpu_mask::all());
    ASSERT_EQ(v.sv.cpu, 0u);
    Wake_result r;
    {
        Vcpu_lock l(sim.s, v.sv);
        r = sim.s.wake(v.sv, sim.now);
    }
    EXPECT_EQ(r.kick, Cpu_mask::of(1));
    EXPECT_FALSE(r.preempt);
    sim.kick(r.kick);
    sim.drain();
    EXPECT_EQ(sim.curr[0], &hog);
    EXPECT_EQ(sim.curr[1], &v);
}

TEST(Credit_wake, YieldLetsTheOtherRunnableVcpuRun)
{
    Sim sim(1, 30, 0);
    unsigned d = sim.add_domain();
    Vcpu& a = sim.add_hog(d);
    Vcpu& b = sim.add_hog(d);
    sim.drain();
    Vcpu* first = sim.curr[0];
    Vcpu* second = first == &a ? &b : &a;
    sim.run_for(1 * ms);
    sim.yield(*first);
    EXPECT_EQ(sim.curr[0], second);
    sim.run_for(1 * ms);
    sim.yield(*second);
    EXPECT_EQ(sim.curr[0], first);
}

TEST(Credit_wake, YieldWithNobodyElseKeepsRunning)
{
    Sim sim(1);
    unsigned d = sim.add_domain();
    Vcpu& a = sim.add_hog(d);
    sim.run_for(1 * ms);
    sim.yield(a);
    EXPECT_EQ(sim.curr[0], &a);
    EXPECT_FALSE(a.sv.yielding);
}

TEST(Credit_wake, ARunningVcpuThatSleepsIsDescheduledAndNotQueued)
{
    Sim sim(1);
    unsigned d = sim.add_domain();
    Vcpu& a = sim.add_hog(d);
    sim.run_for(2 * ms);
    Cpu_mask k;
    {
        Vcpu_lock l(sim.s, a.sv);
        k = sim.s.sleep(a.sv);
    }
    EXPECT_EQ(k, Cpu_mask::of(0));
    sim.kick(k);
    sim.drain();
    EXPECT_EQ(sim.curr[0], nullptr);
    EXPECT_FALSE(a.sv.queued);
    EXPECT_FALSE(a.sv.running) << "its context was saved";
    EXPECT_TRUE(sim.s.idlers().has(0));
}

TEST(Credit_wake, AWakeWhileStillRunningIsNotLost)
{
    Sim sim(1);
    unsigned d = sim.add_domain();
    Vcpu& a = sim.add_hog(d);
    sim.run_for(2 * ms);
    Cpu_mask k;
    Wake_result r;
    {
        // Blocks, and the event comes before this CPU got to schedule().
        Vcpu_lock l(sim.s, a.sv);
        k = sim.s.sleep(a.sv);
        r = sim.s.wake(a.sv, sim.now);
    }
    EXPECT_TRUE(r.kick.empty());
    sim.kick(k);
    sim.drain();
    EXPECT_EQ(sim.curr[0], &a);
}

} // namespace
