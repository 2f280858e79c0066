#include <gtest/gtest.h>

#include "hypervisor/lib/calendar.hpp"
#include "hypervisor/event/timer_queue.hpp"

namespace {

int a, b, c;

TEST(Timer_queue, PopsInDeadlineOrderOnlyWhenExpired)
{
    Timer_queue q;
    ASSERT_TRUE(q.set(&a, Timer_kind::singleshot, 300));
    ASSERT_TRUE(q.set(&b, Timer_kind::singleshot, 100));
    ASSERT_TRUE(q.set(&c, Timer_kind::periodic, 200));
    EXPECT_EQ(q.earliest(), 100u);
    Timer_entry e;
    EXPECT_FALSE(q.pop_expired(99, e));
    ASSERT_TRUE(q.pop_expired(250, e));
    EXPECT_EQ(e.owner, &b);
    ASSERT_TRUE(q.pop_expired(250, e));
    EXPECT_EQ(e.owner, &c);
    EXPECT_EQ(e.kind, Timer_kind::periodic);
    EXPECT_FALSE(q.pop_expired(250, e));
    EXPECT_EQ(q.earliest(), 300u);
}

TEST(Timer_queue, SettingAgainMovesTheEntry)
{
    Timer_queue q;
    ASSERT_TRUE(q.set(&a, Timer_kind::singleshot, 100));
    ASSERT_TRUE(q.set(&b, Timer_kind::singleshot, 200));
    ASSERT_TRUE(q.set(&a, Timer_kind::singleshot, 300));
    EXPECT_EQ(q.size(), 2u);
    EXPECT_EQ(q.earliest(), 200u);
    ASSERT_TRUE(q.set(&a, Timer_kind::poll, 50));
    EXPECT_EQ(q.size(), 3u) << "another kind is another key";
    EXPECT_TRUE(q.armed(&a, Timer_kind::singleshot));
}

TEST(Timer_queue, CancelAndEmpty)
{
    Timer_queue q;
    EXPECT_EQ(q.earliest(), Timer_queue::never);
    ASSERT_TRUE(q.set(&a, Timer_kind::singleshot, 5));
    q.cancel(&a, Timer_kind::singleshot);
    q.cancel(&b, Timer_kind::singleshot);
    EXPECT_FALSE(q.armed(&a, Timer_kind::singleshot));
    EXPECT_EQ(q.earliest(), Timer_queue::never);
}

TEST(Timer_queue, FullQueueRefusesNewKeysButMovesOldOnes)
{
    Timer_queue q;
    static int owners[Timer_queue::capacity];
    for (unsigned i = 0; i < Timer_queue::capacity; ++i)
        ASSERT_TRUE(q.set(&owners[i], Timer_kind::singleshot, 1000 - i));
    EXPECT_FALSE(q.set(&a, Timer_kind::singleshot, 1));
    EXPECT_TRUE(q.set(&owners[0], Timer_kind::singleshot, 1));
    EXPECT_EQ(q.earliest(), 1u);
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
