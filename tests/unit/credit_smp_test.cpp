// Several CPUs: hard affinity, spreading and stealing, affinity changes,
// removal of running and queued vCPUs, and the dumps.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "tests/unit/credit_sim.hpp"

namespace {

using namespace credit_sim;

// What must hold whenever no call is in progress and every kick has been
// delivered.
void check_placement(Sim& sim)
{
    std::set<const Sched_vcpu*> seen;
    for (unsigned c = 0; c < sim.cpus.size(); ++c) {
        const Credit_cpu& cpu = sim.cpus[c];
        if (cpu.curr) {
            ASSERT_TRUE(seen.insert(cpu.curr).second) << "running twice";
            EXPECT_EQ(cpu.curr->cpu, c);
            EXPECT_TRUE(cpu.curr->affinity.has(c));
            EXPECT_FALSE(cpu.curr->queued);
        }
        for (const Sched_vcpu* v = cpu.runq.front(); v; v = Runq::next(*v)) {
            ASSERT_TRUE(seen.insert(v).second) << "queued twice or queued and running";
            EXPECT_EQ(v->cpu, c);
            EXPECT_TRUE(v->affinity.has(c)) << "queued outside its affinity";
            EXPECT_TRUE(v->runnable);
        }
    }
    for (const Vcpu& v : sim.vcpus) {
        if (v.gone)
            continue;
        EXPECT_FALSE(v.sv.moving) << "left in transit";
        if (v.sv.runnable) {
            EXPECT_TRUE(seen.count(&v.sv)) << "runnable but neither running nor queued";
        }
    }
}

TEST(Credit_smp, HardAffinityIsNeverViolatedOverManyRandomSteps)
{
    for (uint64_t seed = 1; seed <= 4; ++seed) {
        Sim sim(4, 30, 1000, seed);
        std::mt19937_64 rng(seed * 77);
        auto random_mask = [&] {
            return Cpu_mask{(rng() & 0xF) ? (rng() & 0xF) : 1} & Cpu_mask{0xF};
        };
        unsigned d[3] = {sim.add_domain(128), sim.add_domain(256, 150), sim.add_domain(1024)};
        for (unsigned i = 0; i < 16; ++i) {
            Cpu_mask m = random_mask();
            if (m.empty())
                m = Cpu_mask::of(i % 4);
            if (i % 3 == 0)
                sim.add_hog(d[i % 3], m);
            else
                sim.add_io(d[i % 3], (1 + rng() % 8) * ms, 1 * ms, 40 * ms, m);
        }
        unsigned violations = 0, picks = 0;
        sim.on_schedule = [&](unsigned c, const Decision& dec) {
            ++picks;
            if (dec.next && !dec.next->affinity.has(c))
                ++violations;
        };
        for (int step = 0; step < 400; ++step) {
            sim.run_for((1 + rng() % 20) * ms);
            Vcpu& v = sim.vcpus[rng() % sim.vcpus.size()];
            Cpu_mask m = random_mask();
            sim.set_affinity(v, m.empty() ? Cpu_mask::of(0) : m);
            sim.drain();
            check_placement(sim);
            if (HasFailure())
                return;
        }
        EXPECT_EQ(violations, 0u) << "seed " << seed;
        EXPECT_GT(picks, 1000u);
    }
}

TEST(Credit_smp, FourHogsStartedTogetherGetACpuEach)
{
    Sim sim(4);
    unsigned d = sim.add_domain();
    for (int i = 0; i < 4; ++i)
        sim.add_hog(d);
    sim.run_for(3000 * ms);
    for (const Vcpu& v : sim.vcpus)
        EXPECT_NEAR(static_cast<double>(sim.consumed(v)) / 3e9, 1.0, 0.05);
}

TEST(Credit_smp, FourHogsPinnedToOneCpuSpreadOverFourOnceUnpinned)
{
    Sim sim(4);
    unsigned d = sim.add_domain();
    for (int i = 0; i < 4; ++i)
        sim.add_hog(d, Cpu_mask::of(0));
    sim.run_for(1000 * ms);
    std::vector<uint64_t> before;
    for (const Vcpu& v : sim.vcpus)
        before.push_back(sim.consumed(v));
    for (Vcpu& v : sim.vcpus)
        sim.set_affinity(v, Cpu_mask::all());
    sim.run_for(3000 * ms);
    std::set<Vcpu*> running(sim.curr.begin(), sim.curr.end());
    EXPECT_EQ(running.size(), 4u) << "one hog on each CPU";
    for (unsigned i = 0; i < 4; ++i) {
        double share = static_cast<double>(sim.consumed(sim.vcpus[i]) - before[i]) / 3e9;
        std::printf("[ figures  ] unpinned hog %u: %.1f%% of a CPU\n", i, share * 100);
        EXPECT_NEAR(share, 1.0, 0.05);
    }
}

TEST(Credit_smp, ACpuGoingIdleStealsAVcpuQueuedOnABusyPeer)
{
    Sim sim(2);
    unsigned d = sim.add_domain();
    Vcpu& x = sim.add_io(d, 25 * ms, 100000 * ms, 100000 * ms, Cpu_mask::of(1));
    sim.wake(x);
    sim.drain();
    ASSERT_EQ(sim.curr[1], &x);
    Vcpu& a = sim.add_hog(d, Cpu_mask::of(0));
    Vcpu& b = sim.add_vcpu(d, Cpu_mask::of(0));
    sim.set_affinity(a, Cpu_mask::all());
    sim.set_affinity(b, Cpu_mask::all());
    sim.wake(b);
    sim.drain();
    ASSERT_TRUE(b.sv.queued) << "both CPUs busy: b waits on CPU 0";
    ASSERT_EQ(b.sv.cpu, 0u);
    sim.run_for(25 * ms); // x blocks
    EXPECT_EQ(sim.curr[1], &b);
    EXPECT_EQ(sim.cpus[1].steals, 1u);
    sim.run_for(1000 * ms);
    EXPECT_EQ(std::set<Vcpu*>(sim.curr.begin(), sim.curr.end()), (std::set<Vcpu*>{&a, &b}));
    EXPECT_EQ(sim.cpus[0].runq.size() + sim.cpus[1].runq.size(), 0u);
}

TEST(Credit_smp, ACpuWhoseBestIsOverStealsAnUnderVcpu)
{
    Sim sim(2, 30, 0);
    unsigned d = sim.add_domain();
    Vcpu& over = sim.add_hog(d, Cpu_mask::of(1));
    Vcpu& busy = sim.add_hog(d, Cpu_mask::of(0));
    sim.run_for(15 * ms);
    // Given CPU 0 busy with an UNDER vCPU waiting behind it, and CPU 1
    // running a vCPU that is OVER,
    busy.sv.set_prio(Prio::boost); // so the newcomer does not preempt it
    Vcpu& under = sim.add_vcpu(d, Cpu_mask::of(0));
    sim.wake(under);
    sim.drain();
    ASSERT_TRUE(under.sv.queued);
    sim.set_affinity(under, Cpu_mask::all());
    under.sv.set_prio(Prio::under);
    over.sv.set_prio(Prio::over);
    // when CPU 1 schedules, it takes the UNDER vCPU and leaves its own.
    sim.kick(Cpu_mask::of(1));
    sim.drain();
    EXPECT_EQ(sim.curr[1], &under);
    EXPECT_TRUE(over.sv.queued);
    EXPECT_EQ(sim.curr[0], &busy);
}

TEST(Credit_smp, ChangingTheAffinityOfARunningVcpuMovesItToAnAllowedCpu)
{
    Sim sim(2);
    unsigned d = sim.add_domain();
    Vcpu& a = sim.add_hog(d, Cpu_mask::of(0));
    sim.run_for(5 * ms);
    ASSERT_EQ(sim.curr[0], &a);
    sim.set_affinity(a, Cpu_mask::of(1));
    sim.drain();
    EXPECT_EQ(sim.curr[0], nullptr);
    EXPECT_EQ(sim.curr[1], &a);
    EXPECT_EQ(a.sv.cpu, 1u);
    Affinity_result r = sim.s.set_affinity(a.sv, Cpu_mask{1ull << 40});
    EXPECT_NE(r.rc, 0) << "no online CPU in the mask";
}

TEST(Credit_smp, RemovingARunningVcpuIsSafeAndTheOthersGoOn)
{
    Sim sim(2);
    unsigned d = sim.add_domain();
    for (int i = 0; i < 3; ++i)
        sim.add_hog(d);
    sim.run_for(100 * ms);
    Vcpu* victim = sim.curr[0];
    ASSERT_NE(victim, nullptr);
    Remove_result r = sim.s.remove_vcpu(victim->sv);
    EXPECT_EQ(r.kick, Cpu_mask::of(0));
    EXPECT_FALSE(r.freeable) << "running: only after its context is saved";
    sim.kick(r.kick);
    sim.drain();
    EXPECT_FALSE(victim->sv.running);
    victim->gone = true;
    std::memset(static_cast<void*>(&victim->sv), 0xA5, sizeof victim->sv);
    unsigned seen = 0;
    sim.on_schedule = [&](unsigned, const Decision& dec) { seen += dec.next == &victim->sv; };
    uint64_t before = sim.domain_ns(d);
    sim.run_for(1000 * ms);
    EXPECT_EQ(seen, 0u);
    EXPECT_NEAR(static_cast<double>(sim.domain_ns(d) - before), 2e9, 1e7) << "both CPUs stay busy";
    EXPECT_EQ(sim.s.total_weight(), 2u * default_weight);
}

TEST(Credit_smp, RemovingQueuedAndSleepingVcpusIsSafe)
{
    Sim sim(1);
    unsigned d = sim.add_domain();
    for (int i = 0; i < 3; ++i)
        sim.add_hog(d);
    Vcpu& sleeper = sim.add_io(d, 1 * ms, 50 * ms, 60 * ms);
    sim.run_for(100 * ms);
    Vcpu* queued = nullptr;
    for (Vcpu& v : sim.vcpus)
        if (v.sv.queued && !v.io)
            queued = &v;
    ASSERT_NE(queued, nullptr);
    Remove_result r = sim.s.remove_vcpu(queued->sv);
    EXPECT_TRUE(r.freeable);
    EXPECT_TRUE(r.kick.empty());
    queued->gone = true;
    std::memset(static_cast<void*>(&queued->sv), 0xA5, sizeof queued->sv);
    if (!sleeper.sv.runnable)
        sim.remove(sleeper);
    sim.run_for(1000 * ms);
    check_placement(sim);
    EXPECT_NEAR(static_cast<double>(sim.times(0).busy_ns), 1.1e9, 1e7);
}

TEST(Credit_smp, TheDumpListsEveryCpuWithWhatRunsAndWaits)
{
    Sim sim(2);
    unsigned d = sim.add_domain(512, 0);
    for (int i = 0; i < 3; ++i)
        sim.add_hog(d);
    sim.run_for(100 * ms);
    std::string text;
    auto sink = [](void* ctx, const char* line) {
        *static_cast<std::string*>(ctx) += line;
        *static_cast<std::string*>(ctx) += '\n';
    };
    sim.s.dump_params(sink, &text);
    for (Credit_cpu& c : sim.cpus)
        sim.s.dump_cpu(c, sim.now, sink, &text);
    EXPECT_NE(text.find("tslice 30ms ratelimit 1000us tick 10000us, 2 CPUs"), std::string::npos)
        << text;
    EXPECT_NE(text.find("active d0: weight 512 cap 0, 3 of 3 vCPUs earning"), std::string::npos)
        << text;
    EXPECT_NE(text.find(": 1 queued, busy 100ms idle 0ms, 10 ticks"), std::string::npos) << text;
    EXPECT_NE(text.find("  run d0.v"), std::string::npos) << text;
    EXPECT_NE(text.find("w=512 cap=0"), std::string::npos) << text;
}

} // namespace
