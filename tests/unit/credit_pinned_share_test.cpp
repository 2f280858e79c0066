// Weights between vCPUs pinned to one CPU of two: credit is handed out for
// the whole machine by weight, not by affinity (Xen's credit1 does the
// same), so the shares hold only when the credit matches what each CPU can
// burn. The QEMU scenario guest_sched_share runs the second case.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/unit/credit_sim.hpp"

namespace {

using namespace credit_sim;

double pinned_ratio(uint16_t cpu0_weight)
{
    Sim sim(2);
    unsigned z = sim.add_domain(cpu0_weight), a = sim.add_domain(256), b = sim.add_domain(512);
    sim.add_hog(z, Cpu_mask::of(0));
    sim.add_hog(a, Cpu_mask::of(1));
    sim.add_hog(b, Cpu_mask::of(1));
    sim.run_for(1000 * ms);
    uint64_t a0 = sim.domain_ns(a), b0 = sim.domain_ns(b);
    sim.run_for(4000 * ms);
    double r = static_cast<double>(sim.domain_ns(b) - b0) / static_cast<double>(sim.domain_ns(a) - a0);
    std::printf("[ figures  ] CPU 0 hog weight %u, 256:512 pinned to CPU 1: ratio 1:%.4f\n", cpu0_weight, r);
    return r;
}

TEST(Credit_pinned_share, WeightsHoldOnAPinnedCpuWhenTheOtherCpuTakesItsShare)
{
    EXPECT_NEAR(pinned_ratio(768), 2.0, 0.1);
}

TEST(Credit_pinned_share, PinnedHogsEarningMoreThanTheirCpuShareItEvenly)
{
    EXPECT_LT(pinned_ratio(1), 1.5) << "as in Xen's credit1: neither goes OVER";
}

} // namespace
