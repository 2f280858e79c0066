#include "hypervisor/lib/format.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {
std::string f(const char* fmt_str, ...) __attribute__((format(printf, 1, 2)));
std::string f(const char* fmt_str, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt_str);
    fmt::vsnprint(buf, sizeof buf, fmt_str, ap);
    va_end(ap);
    return buf;
}
} // namespace

TEST(Format, IntegersInAllBasesAndWidths)
{
    EXPECT_EQ(f("%d|%5d|%-5d|%05d", -42, 42, 42, -42), "-42|   42|42   |-0042");
    EXPECT_EQ(f("%x|%#x|%08X|%o", 0xbeefu, 255u, 0xabcu, 8u), "beef|0xff|00000ABC|10");
    EXPECT_EQ(f("%llu|%lld|%llx", 18446744073709551615ull, -9223372036854775807ll - 1, 0x123456789abull),
              "18446744073709551615|-9223372036854775808|123456789ab");
    EXPECT_EQ(f("%zu|%lu", static_cast<size_t>(7), 9ul), "7|9");
}

TEST(Format, StringsCharsAndPrecision)
{
    EXPECT_EQ(f("[%s][%6s][%-6s][%.2s][%c]", "ab", "ab", "ab", "abcdef", 'z'), "[ab][    ab][ab    ][ab][z]");
    EXPECT_EQ(f("%.*s", 3, "xenith"), "xen");
    const char* volatile none = nullptr;
    EXPECT_EQ(f("%s", none), "(null)");
    EXPECT_EQ(f("100%%"), "100%");
}

TEST(Format, TruncatesButReportsFullLength)
{
    char buf[5];
    EXPECT_EQ(fmt::snprint(buf, sizeof buf, "%s", "abcdefgh"), 8u);
    EXPECT_STREQ(buf, "abcd");
    EXPECT_EQ(fmt::snprint(nullptr, 0, "%d", 12345), 5u);
}
