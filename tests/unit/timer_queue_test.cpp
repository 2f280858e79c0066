#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "hypervisor/lib/calendar.hpp"
#include "hypervisor/event/timer_queue.hpp"

namespace {

// Walks the queue checking links and order; returns the deadlines.
std::vector<uint64_t> order(const Timer_queue& q)
{
    std::vector<uint64_t> out;
    const Timer* prev = nullptr;
    for (const Timer* t = q.first(); t; t = t->next) {
        EXPECT_TRUE(t->queued);
        EXPECT_EQ(t->prev, prev);
        if (prev) {
            EXPECT_LE(prev->deadline, t->deadline);
        }
        out.push_back(t->deadline);
        prev = t;
    }
    EXPECT_EQ(out.size(), q.size());
    return out;
}

TEST(Timer_queue, GivenTimersArmedOutOfOrder_ThenTheyPopInDeadlineOrderOnlyWhenExpired)
{
    Timer_queue q;
    Timer a, b, c;
    EXPECT_TRUE(q.insert(a, 300));
    EXPECT_TRUE(q.insert(b, 100)) << "earlier than the head: new head";
    EXPECT_FALSE(q.insert(c, 200));
    EXPECT_EQ(order(q), (std::vector<uint64_t>{100, 200, 300}));
    EXPECT_EQ(q.earliest(), 100u);
    EXPECT_EQ(q.pop_expired(99), nullptr);
    EXPECT_EQ(q.pop_expired(250), &b);
    EXPECT_FALSE(b.queued);
    EXPECT_EQ(q.pop_expired(250), &c);
    EXPECT_EQ(q.pop_expired(250), nullptr);
    EXPECT_EQ(q.earliest(), 300u);
    EXPECT_EQ(q.size(), 1u);
}

TEST(Timer_queue, GivenEqualDeadlines_ThenTheyRunInArrivalOrder)
{
    Timer_queue q;
    Timer t[4];
    for (Timer& x : t)
        (void)q.insert(x, 50);
    for (Timer& x : t)
        EXPECT_EQ(q.pop_expired(50), &x);
}

TEST(Timer_queue, GivenTimersRemovedFromHeadMiddleAndTail_ThenTheLinksStayWhole)
{
    Timer_queue q;
    Timer t[5];
    for (unsigned i = 0; i < 5; ++i)
        (void)q.insert(t[i], 10 * (i + 1));
    q.remove(t[2]);
    q.remove(t[0]);
    q.remove(t[4]);
    EXPECT_EQ(order(q), (std::vector<uint64_t>{20, 40}));
    EXPECT_FALSE(t[2].queued);
    EXPECT_TRUE(q.insert(t[0], 5));
    (void)q.insert(t[4], 100);
    (void)q.insert(t[2], 30);
    EXPECT_EQ(order(q), (std::vector<uint64_t>{5, 20, 30, 40, 100}));
    while (q.pop_expired(~0ull)) {
    }
    EXPECT_EQ(q.earliest(), Timer_queue::never);
    EXPECT_EQ(q.first(), nullptr);
}

TEST(Timer_queue, GivenThousandsOfTimers_ThenNoneIsRefusedAndRandomChangesKeepTheOrder)
{
    Timer_queue q;
    std::vector<Timer> t(5000);
    uint32_t x = 12345;
    auto rnd = [&x] { return x = x * 1103515245u + 12345u; };
    for (Timer& e : t)
        (void)q.insert(e, rnd() % 100000);
    for (unsigned i = 0; i < 20000; ++i) {
        Timer& e = t[rnd() % t.size()];
        if (e.queued)
            q.remove(e);
        else
            (void)q.insert(e, rnd() % 100000);
    }
    std::vector<uint64_t> d = order(q);
    EXPECT_TRUE(std::is_sorted(d.begin(), d.end()));
}

TEST(Calendar, KnownInstants)
{
    uint64_t s = 1;
    ASSERT_TRUE(unix_seconds({1970, 1, 1, 0, 0, 0}, s));
    EXPECT_EQ(s, 0u);
    ASSERT_TRUE(unix_seconds({2000, 3, 1, 0, 0, 0}, s));
    EXPECT_EQ(s, 951868800u);
    ASSERT_TRUE(unix_seconds({2024, 2, 29, 23, 59, 59}, s));
    EXPECT_EQ(s, 1709251199u);
    ASSERT_TRUE(unix_seconds({2038, 1, 19, 3, 14, 8}, s));
    EXPECT_EQ(s, 2147483648u);
}

TEST(Calendar, RejectsImpossibleDates)
{
    uint64_t s;
    EXPECT_FALSE(unix_seconds({1969, 12, 31, 0, 0, 0}, s));
    EXPECT_FALSE(unix_seconds({2023, 2, 29, 0, 0, 0}, s));
    EXPECT_FALSE(unix_seconds({2100, 2, 29, 0, 0, 0}, s));
    EXPECT_FALSE(unix_seconds({2024, 13, 1, 0, 0, 0}, s));
    EXPECT_FALSE(unix_seconds({2024, 1, 0, 0, 0, 0}, s));
    EXPECT_FALSE(unix_seconds({2024, 1, 1, 24, 0, 0}, s));
    EXPECT_FALSE(unix_seconds({2024, 1, 1, 0, 60, 0}, s));
}

} // namespace
