// The runqueue alone: priority order, FIFO within a priority, yield
// placement, and the re-sort after priorities changed.
#include <gtest/gtest.h>

#include <vector>

#include "hypervisor/sched/runq.hpp"

namespace {

using namespace sched;

std::vector<Sched_vcpu*> order(const Runq& q)
{
    std::vector<Sched_vcpu*> out;
    for (Sched_vcpu* v = q.front(); v; v = Runq::next(*v))
        out.push_back(v);
    return out;
}

TEST(Credit_runq, HigherPriorityFirstAndFifoWithinAPriority)
{
    Sched_vcpu a, b, c, d;
    a.set_prio(Prio::under);
    b.set_prio(Prio::over);
    c.set_prio(Prio::under);
    d.set_prio(Prio::boost);
    Runq q;
    q.insert(a);
    q.insert(b);
    q.insert(c);
    q.insert(d);
    EXPECT_EQ(order(q), (std::vector<Sched_vcpu*>{&d, &a, &c, &b}));
    EXPECT_EQ(q.size(), 4u);
    EXPECT_TRUE(a.queued);
}

TEST(Credit_runq, AYieldingVcpuGoesBehindItsEqualsAndOneLowerVcpu)
{
    Sched_vcpu a, b, y, o1, o2;
    for (Sched_vcpu* v : {&a, &b, &y})
        v->set_prio(Prio::under);
    o1.set_prio(Prio::over);
    o2.set_prio(Prio::over);
    Runq q;
    q.insert(a);
    q.insert(b);
    q.insert(o1);
    q.insert(o2);
    y.yielding = true;
    q.insert(y);
    EXPECT_EQ(order(q), (std::vector<Sched_vcpu*>{&a, &b, &o1, &y, &o2}));
    q.remove(y);
    EXPECT_FALSE(y.yielding) << "leaving the queue ends the yield";
}

TEST(Credit_runq, RemovingKeepsTheOthersInOrder)
{
    Sched_vcpu a, b, c;
    Runq q;
    q.insert(a);
    q.insert(b);
    q.insert(c);
    q.remove(b);
    EXPECT_EQ(order(q), (std::vector<Sched_vcpu*>{&a, &c}));
    q.remove(a);
    q.remove(c);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.size(), 0u);
    EXPECT_FALSE(a.queued);
}

TEST(Credit_runq, SortAfterAccountingIsStableByPriority)
{
    Sched_vcpu v[6];
    Runq q;
    for (Sched_vcpu& x : v)
        q.insert(x);
    v[0].set_prio(Prio::over);
    v[2].set_prio(Prio::over);
    v[3].set_prio(Prio::boost);
    q.sort();
    EXPECT_EQ(order(q), (std::vector<Sched_vcpu*>{&v[3], &v[1], &v[4], &v[5], &v[0], &v[2]}));
    q.remove(v[5]);
    q.insert(v[5]);
    EXPECT_EQ(order(q).back(), &v[2]) << "links are consistent after the sort";
    EXPECT_EQ(order(q)[3], &v[5]);
}

} // namespace
