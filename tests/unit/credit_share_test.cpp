// Proportional share from weights, extreme weights, and the time
// accounting, measured by running the policy in the simulator.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/unit/credit_sim.hpp"

namespace {

using namespace credit_sim;

TEST(Credit_share, TwoHogsWithWeights256And512ShareOneCpuOneToTwo)
{
    Sim sim(1);
    unsigned a = sim.add_domain(256), b = sim.add_domain(512);
    sim.add_hog(a);
    sim.add_hog(b);
    sim.run_for(10000 * ms);
    double ta = static_cast<double>(sim.domain_ns(a)), tb = static_cast<double>(sim.domain_ns(b));
    double ratio = tb / ta;
    std::printf("[ figures  ] weight 256:512 over 10 s: %.3f s : %.3f s, ratio 1:%.4f\n", ta / 1e9,
                tb / 1e9, ratio);
    EXPECT_NEAR(ratio, 2.0, 0.1);
    EXPECT_NEAR(ta + tb, 10e9, 1e6) << "the CPU never idles with two hogs";
}

TEST(Credit_share, EqualWeightsShareEvenlyAcrossManyVcpus)
{
    Sim sim(2);
    unsigned d[4];
    for (unsigned& x : d)
        x = sim.add_domain();
    for (unsigned i = 0; i < 12; ++i)
        sim.add_hog(d[i % 4]);
    sim.run_for(10000 * ms);
    for (unsigned x : d) {
        double share = static_cast<double>(sim.domain_ns(x)) / 20e9;
        EXPECT_NEAR(share, 0.25, 0.25 * 0.05) << "domain " << x;
    }
}

TEST(Credit_share, WeightsOneAnd65535DoNotOverflowAndFavourTheHeavy)
{
    Sim sim(1);
    unsigned light = sim.add_domain(1), heavy = sim.add_domain(65535);
    sim.add_hog(light);
    sim.add_hog(heavy);
    sim.run_for(10000 * ms);
    double share = static_cast<double>(sim.domain_ns(heavy)) / 10e9;
    std::printf("[ figures  ] weight 1:65535 over 10 s: heavy %.2f%%, light %.2f%%\n", share * 100,
                static_cast<double>(sim.domain_ns(light)) / 1e8);
    EXPECT_GT(share, 0.95);
    EXPECT_LE(sim.s.total_weight(), 65536u * 2);
}

TEST(Credit_share, ManyHeavyDomainsKeepTheAccountingArithmeticExact)
{
    // 64 CPUs x 30 ms x 65535 x many vCPUs would overflow 32 bits.
    Sim sim(8);
    unsigned a = sim.add_domain(65535), b = sim.add_domain(65535);
    for (unsigned i = 0; i < 16; ++i)
        sim.add_hog(i % 2 ? a : b);
    sim.run_for(3000 * ms);
    double ta = static_cast<double>(sim.domain_ns(a)), tb = static_cast<double>(sim.domain_ns(b));
    EXPECT_NEAR(ta / tb, 1.0, 0.05);
    EXPECT_NEAR(ta + tb, 8 * 3e9, 1e7);
}

TEST(Credit_share, RunningPlusIdleEqualsElapsedOnEveryCpu)
{
    Sim sim(4);
    unsigned d = sim.add_domain();
    sim.add_hog(d);
    sim.add_hog(d, Cpu_mask::of(2));
    for (unsigned i = 0; i < 6; ++i)
        sim.add_io(d, 2 * ms, 5 * ms, 40 * ms);
    sim.run_for(5000 * ms);
    uint64_t busy = 0;
    for (unsigned c = 0; c < 4; ++c) {
        Cpu_times t = sim.times(c);
        EXPECT_EQ(t.busy_ns + t.idle_ns, 5000 * ms) << "CPU " << c;
        busy += t.busy_ns;
    }
    uint64_t ran = 0;
    for (const Vcpu& v : sim.vcpus)
        ran += sim.consumed(v);
    EXPECT_EQ(ran, busy) << "what the vCPUs consumed is what the CPUs were busy";
}

TEST(Credit_tslice, AShorterTimesliceSwitchesMoreOftenAndKeepsTheShares)
{
    Sim slow(1, 30), fast(1, 5);
    EXPECT_EQ(fast.s.tick_period_ns(), 5 * ms / 3);
    EXPECT_EQ(fast.s.credits_per_tslice(), 50);
    for (Sim* sim : {&slow, &fast}) {
        unsigned a = sim->add_domain(256), b = sim->add_domain(512);
        sim->add_hog(a);
        sim->add_hog(b);
        sim->run_for(10000 * ms);
        EXPECT_NEAR(static_cast<double>(sim->domain_ns(b)) / static_cast<double>(sim->domain_ns(a)),
                    2.0, 0.1);
    }
    EXPECT_GT(fast.schedules, 4 * slow.schedules);
}

TEST(Credit_tslice, OutOfRangeSettingsAreRefusedAndLeaveTheOldOnes)
{
    Credit_scheduler s;
    EXPECT_NE(s.set_tslice(0, 0), 0);
    EXPECT_NE(s.set_tslice(1001, 0), 0);
    EXPECT_NE(s.set_tslice(30, 50), 0) << "rate limit below 100 us";
    EXPECT_NE(s.set_tslice(1, 2000), 0) << "rate limit longer than the slice";
    EXPECT_EQ(s.tslice_ms(), default_tslice_ms);
    EXPECT_EQ(s.set_tslice(2, 0), 0);
    EXPECT_EQ(s.tick_period_ns(), 2 * ms) << "one tick per slice below 3 ms";
    EXPECT_EQ(s.ratelimit_us(), 0u);
}

} // namespace
