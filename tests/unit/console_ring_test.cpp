// The console ring behind XEN_SYSCTL_readconsole: Xen's read_console_ring
// semantics (oldest first, incremental reads from an index still in the
// ring, clear, a writer lapping the reader).
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "hypervisor/console/console_ring.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

struct Sink {
    std::string got;
    uint32_t fail_at = ~0u; // offset at which the "guest buffer" faults
};

bool collect(void* ctx, uint32_t offset, const char* bytes, uint32_t n)
{
    auto& s = *static_cast<Sink*>(ctx);
    if (offset + n > s.fail_at)
        return false;
    EXPECT_EQ(offset, s.got.size());
    s.got.append(bytes, n);
    return true;
}

std::string read_all(const Console_ring& r, Console_ring::Read& q)
{
    Sink s;
    EXPECT_EQ(r.read(q, collect, &s), 0);
    return s.got;
}

void put(Console_ring& r, const std::string& s) { r.put(s.data(), s.size()); }

TEST(ConsoleRing, ReadsEverythingOldestFirstAndReportsTheEnd)
{
    static Console_ring r;
    put(r, "hello ");
    put(r, "world\n");
    Console_ring::Read q{false, false, 0, 100};
    EXPECT_EQ(read_all(r, q), "hello world\n");
    EXPECT_EQ(q.count, 12u);
    EXPECT_EQ(q.index, 12u);
}

TEST(ConsoleRing, CountLimitsTheBytesGiven)
{
    static Console_ring r;
    put(r, "abcdef");
    Console_ring::Read q{false, false, 0, 4};
    EXPECT_EQ(read_all(r, q), "abcd");
    EXPECT_EQ(q.index, 4u);
}

TEST(ConsoleRing, IncrementalReadsOnlyWhatCameAfterTheIndex)
{
    static Console_ring r;
    put(r, "first\n");
    Console_ring::Read q{false, false, 0, 100};
    (void)read_all(r, q);
    put(r, "second\n");
    Console_ring::Read next{false, true, q.index, 100};
    EXPECT_EQ(read_all(r, next), "second\n");
    EXPECT_EQ(next.index, 13u);
}

TEST(ConsoleRing, IncrementalIndexOutsideTheRingReadsFromTheOldest)
{
    static Console_ring r;
    put(r, "xyz");
    Console_ring::Read q{false, true, 1000, 100};
    EXPECT_EQ(read_all(r, q), "xyz");
    // index == cons is not "inside" either (Xen: cons < index <= prod).
    Console_ring::Read at_start{false, true, 0, 100};
    EXPECT_EQ(read_all(r, at_start), "xyz");
}

TEST(ConsoleRing, ClearDropsWhatWasRead)
{
    static Console_ring r;
    put(r, "old");
    Console_ring::Read q{true, false, 0, 100};
    EXPECT_EQ(read_all(r, q), "old");
    r.clear_to(q.index);
    put(r, "new");
    Console_ring::Read again{false, false, 0, 100};
    EXPECT_EQ(read_all(r, again), "new");
}

TEST(ConsoleRing, KeepsOnlyTheNewestSizeBytesWhenLapped)
{
    static Console_ring r;
    std::string big(Console_ring::size + 10, 'a');
    big.back() = 'z';
    put(r, big);
    EXPECT_EQ(r.prod() - r.cons(), Console_ring::size);
    Console_ring::Read q{false, false, 0, Console_ring::size * 2};
    std::string got = read_all(r, q);
    EXPECT_EQ(got.size(), Console_ring::size);
    EXPECT_EQ(got.back(), 'z');
}

TEST(ConsoleRing, ReadAcrossTheWrapIsInOrder)
{
    static Console_ring r;
    put(r, std::string(Console_ring::size - 3, '.'));
    Console_ring::Read q{true, false, 0, Console_ring::size};
    (void)read_all(r, q);
    r.clear_to(q.index);
    put(r, "ABCDEF");
    Console_ring::Read w{false, false, 0, 100};
    EXPECT_EQ(read_all(r, w), "ABCDEF");
}

TEST(ConsoleRing, AFaultingBufferIsEfault)
{
    static Console_ring r;
    put(r, "abcdef");
    Sink s;
    s.fail_at = 2;
    Console_ring::Read q{false, false, 0, 100};
    EXPECT_EQ(r.read(q, collect, &s), -XEN_EFAULT);
}

TEST(ConsoleRing, ClearAfterTheWriterLappedKeepsTheNewestSize)
{
    static Console_ring r;
    put(r, "abc");
    put(r, std::string(Console_ring::size * 2, 'q'));
    r.clear_to(1); // stale index: far behind prod
    EXPECT_EQ(r.prod() - r.cons(), Console_ring::size);
}

} // namespace
