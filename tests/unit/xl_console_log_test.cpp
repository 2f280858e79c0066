// One domain's console log (tools/lib/xl/console_log.hpp): lines to the
// mirror without their line ends, overlong lines cut, the last 'capacity'
// bytes kept in order for `xl console` to replay.
#include "tools/lib/xl/console_log.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using xl::Console_log;

namespace {

struct Lines {
    std::vector<std::string> got;
    static void sink(void* ctx, toolstack::Str line)
    {
        static_cast<Lines*>(ctx)->got.emplace_back(line.p, line.n);
    }
};

class XlConsoleLog : public testing::Test {
protected:
    std::unique_ptr<Console_log> log = std::make_unique<Console_log>();
    Lines lines;

    void append(const std::string& s, bool mirror = true)
    {
        log->append(s.data(), static_cast<uint32_t>(s.size()), mirror ? Lines::sink : nullptr,
                    &lines);
    }
    std::string kept() const
    {
        toolstack::Str older, newer;
        log->contents(older, newer);
        return std::string(older.p, older.n) + std::string(newer.p, newer.n);
    }
};

TEST_F(XlConsoleLog, CompletedLinesGoToTheSinkWithoutTheirEnds)
{
    append("one\r\ntwo\nthr");

    EXPECT_EQ(lines.got, (std::vector<std::string>{"one", "two"}));
}

TEST_F(XlConsoleLog, ALineSplitAcrossAppendsComesOutWhole)
{
    append("hel");
    append("lo\n");

    EXPECT_EQ(lines.got, std::vector<std::string>{"hello"});
}

TEST_F(XlConsoleLog, TheLogKeepsEveryByteAsPrinted)
{
    append("a\r\nb");

    EXPECT_EQ(kept(), "a\r\nb");
    EXPECT_EQ(log->total(), 4u);
}

TEST_F(XlConsoleLog, AnOverlongLineIsCutAtLineMax)
{
    std::string s(Console_log::line_max + 50, 'x');

    append(s);
    log->flush_line(Lines::sink, &lines);

    ASSERT_EQ(lines.got.size(), 2u);
    EXPECT_EQ(lines.got[0], std::string(Console_log::line_max, 'x'));
    EXPECT_EQ(lines.got[1], std::string(50, 'x'));
}

TEST_F(XlConsoleLog, FlushLineGivesTheUnfinishedLineOnce)
{
    append("partial");

    log->flush_line(Lines::sink, &lines);
    log->flush_line(Lines::sink, &lines);

    EXPECT_EQ(lines.got, std::vector<std::string>{"partial"});
}

TEST_F(XlConsoleLog, WithoutASinkLinesAreOnlyKept)
{
    append("quiet\n", false);
    append("loud\n");

    EXPECT_EQ(lines.got, std::vector<std::string>{"loud"});
    EXPECT_EQ(kept(), "quiet\nloud\n");
}

TEST_F(XlConsoleLog, AfterWrappingTheLastCapacityBytesAreKeptInOrder)
{
    std::string all;
    for (uint32_t i = 0; i < Console_log::capacity + 300; ++i)
        all += static_cast<char>('a' + i % 23);

    append(all, false);

    EXPECT_EQ(log->total(), all.size());
    EXPECT_EQ(kept(), all.substr(all.size() - Console_log::capacity));
}

TEST_F(XlConsoleLog, BeforeWrappingNothingIsOlder)
{
    append("abc");

    toolstack::Str older, newer;
    log->contents(older, newer);
    EXPECT_TRUE(older.empty());
    EXPECT_EQ(std::string(newer.p, newer.n), "abc");
}

} // namespace
