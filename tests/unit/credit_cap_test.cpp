// Caps: a capped domain is parked when out of credit and comes back at the
// refill, so over time it gets its cap and no more; caps up to
// 100 x nr_vcpus.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/unit/credit_sim.hpp"

namespace {

using namespace credit_sim;

TEST(Credit_cap, AHogCappedAt50PercentGetsHalfOfAnOtherwiseIdleCpu)
{
    Sim sim(1);
    unsigned d = sim.add_domain(default_weight, 50);
    sim.add_hog(d);
    sim.run_for(10000 * ms);
    double share = static_cast<double>(sim.domain_ns(d)) / 10e9;
    std::printf("[ figures  ] cap 50%% alone on a CPU over 10 s: %.2f%%\n", share * 100);
    EXPECT_NEAR(share, 0.50, 0.05);
}

TEST(Credit_cap, ACappedDomainLeavesTheRestToAnUncappedCompetitor)
{
    Sim sim(1);
    unsigned capped = sim.add_domain(default_weight, 30), other = sim.add_domain();
    sim.add_hog(capped);
    sim.add_hog(other);
    sim.run_for(10000 * ms);
    double share = static_cast<double>(sim.domain_ns(capped)) / 10e9;
    std::printf("[ figures  ] cap 30%% against an uncapped hog: %.2f%%\n", share * 100);
    EXPECT_NEAR(share, 0.30, 0.05);
    EXPECT_NEAR(static_cast<double>(sim.domain_ns(other)) / 10e9, 0.70, 0.05);
}

TEST(Credit_cap, ACapOf150SpreadOverTwoVcpusGivesOneAndAHalfCpus)
{
    Sim sim(2);
    unsigned d = sim.add_domain(default_weight, 150);
    sim.add_hog(d);
    sim.add_hog(d);
    sim.run_for(10000 * ms);
    double cpus = static_cast<double>(sim.domain_ns(d)) / 10e9;
    std::printf("[ figures  ] cap 150%% on 2 vCPUs / 2 CPUs: %.3f CPUs\n", cpus);
    EXPECT_NEAR(cpus, 1.5, 1.5 * 0.05);
}

TEST(Credit_cap, ACapOf100TimesTheVcpusNeverHoldsTheDomainBack)
{
    Sim sim(4);
    unsigned d = sim.add_domain(default_weight, 400);
    for (int i = 0; i < 4; ++i)
        sim.add_hog(d);
    unsigned parked = 0;
    sim.on_account = [&] {
        for (const Vcpu& v : sim.vcpus)
            parked += v.sv.is_parked();
    };
    sim.run_for(5000 * ms);
    EXPECT_EQ(parked, 0u);
    EXPECT_NEAR(static_cast<double>(sim.domain_ns(d)), 4 * 5e9, 1e7);
}

TEST(Credit_cap, AParkedVcpuIsNeitherPickedNorStolenUntilTheRefill)
{
    Sim sim(2);
    unsigned d = sim.add_domain(default_weight, 10);
    Vcpu& v = sim.add_hog(d, Cpu_mask::of(0));
    uint64_t parked_since = never, longest = 0;
    bool ran_parked = false;
    sim.on_schedule = [&](unsigned, const Decision& dec) {
        if (dec.next == &v.sv && v.sv.is_parked())
            ran_parked = true;
    };
    sim.on_account = [&] {
        if (v.sv.is_parked() && parked_since == never)
            parked_since = sim.now;
        if (!v.sv.is_parked() && parked_since != never) {
            longest = std::max(longest, sim.now - parked_since);
            parked_since = never;
        }
    };
    sim.run_for(3000 * ms);
    EXPECT_FALSE(ran_parked);
    EXPECT_GT(longest, 0u) << "it was parked at some point";
    EXPECT_NEAR(static_cast<double>(sim.domain_ns(d)) / 3e9, 0.10, 0.05);
}

TEST(Credit_cap, ParamsAreValidatedAndReadBack)
{
    Sim sim(1);
    unsigned d = sim.add_domain();
    EXPECT_NE(sim.s.set_params(sim.doms[d], 0, 0), 0) << "weight 0 is refused";
    ASSERT_EQ(sim.s.set_params(sim.doms[d], 65535, 800), 0);
    uint16_t w = 0, cap = 0;
    sim.s.get_params(sim.doms[d], w, cap);
    EXPECT_EQ(w, 65535);
    EXPECT_EQ(cap, 800);
}

} // namespace
