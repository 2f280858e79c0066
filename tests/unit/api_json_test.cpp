// The management API's JSON writer and bounded reader.
#include "tools/lib/api/json_reader.hpp"
#include "tools/lib/api/json_writer.hpp"

#include "tests/unit/fake_builder_hypervisor.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

using api::Json_doc;
using api::Json_type;
using api::Json_writer;
using toolstack::Str;

Str S(const std::string& s)
{
    return Str(s.data(), static_cast<uint32_t>(s.size()));
}

class ApiJson : public testing::Test {
protected:
    buildtest::Counting_allocator mem;
    std::string escaped(const std::string& in)
    {
        toolstack::Text t(mem.a);
        api::put_json_escaped(t, S(in));
        return std::string(t.data(), t.size());
    }
    std::string fixed(uint64_t v, uint64_t scale, uint32_t d)
    {
        toolstack::Text t(mem.a);
        api::put_fixed(t, v, scale, d);
        return std::string(t.data(), t.size());
    }
    std::unique_ptr<Json_doc> doc = std::make_unique<Json_doc>();
    std::string text; // the document's bytes stay while its tokens are read
    bool parse(const std::string& s)
    {
        text = s;
        return doc->parse(S(text));
    }
};

TEST_F(ApiJson, WriterEscapesQuotesBackslashesAndControlCharacters)
{
    EXPECT_EQ(escaped("a\"b\\c"), "a\\\"b\\\\c");
    EXPECT_EQ(escaped("\n\r\t\b\f"), "\\n\\r\\t\\b\\f");
    EXPECT_EQ(escaped(std::string("\x01\x1f\x7f", 3)), "\\u0001\\u001f\\u007f");
    EXPECT_EQ(escaped(std::string("a\0b", 3)), "a\\u0000b");
}

TEST_F(ApiJson, WriterPassesValidUtf8AndEscapesEveryOtherHighByte)
{
    EXPECT_EQ(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
              "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    EXPECT_EQ(escaped("\xff"), "\\u00ff");
    EXPECT_EQ(escaped("\xc3"), "\\u00c3");                                  // truncated sequence
    EXPECT_EQ(escaped("\xc0\xaf"), "\\u00c0\\u00af");                       // overlong '/'
    EXPECT_EQ(escaped("\xed\xa0\x80"), "\\u00ed\\u00a0\\u0080");            // a surrogate
    EXPECT_EQ(escaped("\xf4\x90\x80\x80"), "\\u00f4\\u0090\\u0080\\u0080"); // above U+10FFFF
}

TEST_F(ApiJson, FixedPointNumbersRoundHalfUp)
{
    EXPECT_EQ(fixed(1234567890, 1000000000, 3), "1.235");
    EXPECT_EQ(fixed(5, 10, 1), "0.5");
    EXPECT_EQ(fixed(999999999, 1000000000, 3), "1.000");
    EXPECT_EQ(fixed(42, 1, 0), "42");
    EXPECT_EQ(fixed(7, 1000, 3), "0.007");
}

TEST_F(ApiJson, WriterPlacesCommasAndRefusesMisuse)
{
    toolstack::Text t(mem.a);
    Json_writer j(t);
    j.begin_object()
        .key("a")
        .u64(1)
        .key("b")
        .begin_array()
        .i64(-2)
        .boolean(true)
        .null()
        .end_array();
    j.key("c").string("x").end_object();
    EXPECT_TRUE(j.ok());
    EXPECT_EQ(std::string(t.data(), t.size()), "{\"a\":1,\"b\":[-2,true,null],\"c\":\"x\"}");

    toolstack::Text t2(mem.a);
    Json_writer bad(t2);
    bad.begin_object().u64(1); // a value where a key is due
    EXPECT_FALSE(bad.ok());
    toolstack::Text t3(mem.a);
    Json_writer open(t3);
    open.begin_array();
    EXPECT_FALSE(open.ok()); // unclosed
    toolstack::Text t4(mem.a);
    Json_writer deep(t4);
    for (int i = 0; i < 40; ++i)
        deep.begin_array();
    for (int i = 0; i < 40; ++i)
        deep.end_array();
    EXPECT_FALSE(deep.ok());
}

TEST_F(ApiJson, ReaderFindsMembersItemsAndDecodesStrings)
{
    ASSERT_TRUE(
        parse(R"( {"config":"name = \"x\"\nkernel = \"/k\"", "extra":["a=1","b=\u00e9\ud83d\ude00"],
                       "n": 42, "ok": true, "z": null, "f": -1.5e3} )"))
        << doc->error();
    uint32_t v = 0;
    toolstack::Text s(mem.a);
    ASSERT_TRUE(doc->member(0, "config", v));
    ASSERT_TRUE(doc->string(v, s));
    EXPECT_EQ(std::string(s.data(), s.size()), "name = \"x\"\nkernel = \"/k\"");
    uint32_t list = 0, item = 0;
    ASSERT_TRUE(doc->member(0, "extra", list));
    EXPECT_EQ(doc->token(list).count, 2u);
    ASSERT_TRUE(doc->item(list, 1, item));
    toolstack::Text e(mem.a);
    ASSERT_TRUE(doc->string(item, e));
    EXPECT_EQ(std::string(e.data(), e.size()), "b=\xc3\xa9\xf0\x9f\x98\x80");
    uint64_t n = 0;
    ASSERT_TRUE(doc->member(0, "n", v));
    EXPECT_TRUE(doc->u64(v, 100, n));
    EXPECT_EQ(n, 42u);
    EXPECT_FALSE(doc->u64(v, 41, n)); // above the bound
    bool b = false;
    ASSERT_TRUE(doc->member(0, "ok", v));
    EXPECT_TRUE(doc->boolean(v, b));
    EXPECT_TRUE(b);
    ASSERT_TRUE(doc->member(0, "f", v));
    EXPECT_FALSE(doc->u64(v, ~0ull, n)); // not a non-negative integer
    EXPECT_FALSE(doc->member(0, "missing", v));
    EXPECT_FALSE(doc->item(list, 2, item));
}

TEST_F(ApiJson, ReaderRefusesMalformedText)
{
    const char* bad[] = {
        "",     "{",       "{\"a\":}",  "{\"a\" 1}",   "[1,]",        "{\"a\":1,}",
        "01",   "1.",      "-",         "1e",          "tru",         "nul",
        "\"a",  "\"\\x\"", "\"\\u12\"", "\"\\udc00\"", "\"\\ud800\"", "\"\\ud800\\u0041\"",
        "{} x", "[1] [2]", "{1:2}",     "'a'",         "\"a\tb\"",    "[\"\n\"]",
    };
    for (const char* s : bad)
        EXPECT_FALSE(parse(s)) << s;
}

TEST_F(ApiJson, ReaderBoundsDepthTokensAndSize)
{
    EXPECT_TRUE(parse(std::string(16, '[') + std::string(16, ']')));
    EXPECT_FALSE(parse(std::string(17, '[') + std::string(17, ']')));
    EXPECT_STREQ(doc->error(), "JSON: nested too deeply");
    EXPECT_FALSE(parse(std::string(100000, '[')));
    std::string many = "[";
    for (uint32_t i = 0; i < Json_doc::max_tokens; ++i)
        many += i ? ",0" : "0";
    many += "]";
    EXPECT_FALSE(parse(many)); // the array itself is a token too
    EXPECT_STREQ(doc->error(), "JSON: too many values");
    std::string big = "\"" + std::string(Json_doc::max_input, 'a') + "\"";
    EXPECT_FALSE(parse(big));
}

} // namespace

#include "tools/lib/api/token.hpp"

namespace {

TEST(ApiToken, TheFilesFirstLineTrimmed)
{
    api::Token t;
    ASSERT_TRUE(api::token_from_file("  s3cret-Token \r\nsecond line\n", t));
    EXPECT_EQ(std::string(t.text), "s3cret-Token");
    EXPECT_EQ(t.len, 12u);
    EXPECT_FALSE(api::token_from_file("", t));
    EXPECT_FALSE(api::token_from_file(" \t\r\nabc", t));
    EXPECT_FALSE(api::token_from_file("with space", t));
    EXPECT_FALSE(api::token_from_file("caf\xc3\xa9", t));
    EXPECT_FALSE(api::token_from_file(S(std::string(65, 'a')), t));
    EXPECT_TRUE(api::token_from_file(S(std::string(64, 'a')), t));
}

TEST(ApiToken, EntropyGivesSixteenHexDigitsThatDifferForCloseInputs)
{
    api::Token a = api::token_from_entropy(1000, 42), b = api::token_from_entropy(1001, 42);
    EXPECT_EQ(a.len, 16u);
    for (char c : std::string(a.text))
        EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << c;
    EXPECT_NE(std::string(a.text), std::string(b.text));
    int same = 0;
    for (int i = 0; i < 16; ++i)
        same += a.text[i] == b.text[i];
    EXPECT_LT(same, 8);
    EXPECT_EQ(std::string(api::token_from_entropy(1000, 42).text), std::string(a.text));
}

} // namespace
