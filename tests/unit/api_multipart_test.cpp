// The streaming multipart/form-data reader of uploads.
#include "tools/lib/api/multipart.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using api::Multipart_reader;
using toolstack::Str;

Str S(const std::string& s)
{
    return Str(s.data(), static_cast<uint32_t>(s.size()));
}

struct Parts {
    std::vector<std::string> names, filenames, bodies;
    bool open = false;
    api::Multipart_sink sink()
    {
        api::Multipart_sink s;
        s.ctx = this;
        s.part_begin = [](void* c, Str n, Str f) {
            auto& p = *static_cast<Parts*>(c);
            p.names.emplace_back(n.p, n.n);
            p.filenames.emplace_back(f.p, f.n);
            p.bodies.emplace_back();
            p.open = true;
            return true;
        };
        s.part_data = [](void* c, Str b) {
            static_cast<Parts*>(c)->bodies.back().append(b.p, b.n);
            return true;
        };
        s.part_end = [](void* c) {
            static_cast<Parts*>(c)->open = false;
            return true;
        };
        return s;
    }
};

const std::string body = "preamble\r\n"
                         "--XyZ\r\n"
                         "Content-Disposition: form-data; name=\"config\"\r\n\r\n"
                         "name = \"a\"\r\n-- not the boundary\r\nx--XyZnot\r\n"
                         "--XyZ\r\n"
                         "Content-Disposition: form-data; name=\"kernel\"; filename=\"k.elf\"\r\n"
                         "Content-Type: application/octet-stream\r\n\r\n"
                         "\x7f"
                         "ELF\r\r\n\r\n-\r\n--X"
                         "\r\n"
                         "--XyZ--\r\nepilogue";

TEST(ApiMultipart, BoundaryComesFromTheContentType)
{
    Str b;
    EXPECT_TRUE(Multipart_reader::boundary_of("multipart/form-data; boundary=XyZ", b));
    EXPECT_EQ(std::string(b.p, b.n), "XyZ");
    EXPECT_TRUE(Multipart_reader::boundary_of("Multipart/Form-Data;boundary=\"a b'c\"", b));
    EXPECT_EQ(std::string(b.p, b.n), "a b'c");
    EXPECT_FALSE(Multipart_reader::boundary_of("application/json; boundary=x", b));
    EXPECT_FALSE(Multipart_reader::boundary_of("multipart/form-data", b));
    EXPECT_FALSE(Multipart_reader::boundary_of("multipart/form-data; boundary=", b));
    EXPECT_FALSE(Multipart_reader::boundary_of("multipart/form-data; boundary=a\rb", b));
    EXPECT_FALSE(Multipart_reader::boundary_of(
        S("multipart/form-data; boundary=" + std::string(71, 'a')), b));
}

TEST(ApiMultipart, PartsComeOutTheSameWhereverTheBytesAreSplit)
{
    const std::string& whole = body;
    for (size_t split = 0; split <= whole.size(); ++split) {
        Parts p;
        Multipart_reader r(Str("XyZ"), p.sink());
        r.feed(whole.data(), static_cast<uint32_t>(split));
        r.feed(whole.data() + split, static_cast<uint32_t>(whole.size() - split));
        ASSERT_TRUE(r.done()) << split << " " << r.error();
        ASSERT_EQ(p.names.size(), 2u) << split;
        EXPECT_EQ(p.names[0], "config");
        EXPECT_EQ(p.bodies[0], "name = \"a\"\r\n-- not the boundary\r\nx--XyZnot");
        EXPECT_EQ(p.names[1], "kernel");
        EXPECT_EQ(p.filenames[1], "k.elf");
        EXPECT_EQ(p.bodies[1], std::string("\x7f"
                                           "ELF\r\r\n\r\n-\r\n--X"));
        EXPECT_FALSE(p.open);
    }
}

TEST(ApiMultipart, ByteByByteGivesTheSameParts)
{
    Parts p;
    Multipart_reader r(Str("XyZ"), p.sink());
    for (char c : body)
        r.feed(&c, 1);
    EXPECT_TRUE(r.done());
    ASSERT_EQ(p.bodies.size(), 2u);
    EXPECT_EQ(p.bodies[1], std::string("\x7f"
                                       "ELF\r\r\n\r\n-\r\n--X"));
}

TEST(ApiMultipart, RefusesBrokenBodies)
{
    const std::string bad[] = {
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--", // no name
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",       // no disposition
        "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--", // open quote
        "--XyZ junk\r\n", // after the delimiter
        "--XyZ-x",        // bad close
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZnot\r\n", // boundary
                                                                                        // inside
        "--XyZ\r\n" + std::string(2000, 'h') + "\r\n\r\n", // head too large
    };
    for (const std::string& b : bad) {
        Parts p;
        Multipart_reader r(Str("XyZ"), p.sink());
        r.feed(b.data(), static_cast<uint32_t>(b.size()));
        EXPECT_EQ(r.state(), Multipart_reader::State::error) << b;
    }
}

TEST(ApiMultipart, ABodyWithoutTheCloseDelimiterIsNotDone)
{
    Parts p;
    Multipart_reader r(Str("XyZ"), p.sink());
    std::string b = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc";
    r.feed(b.data(), static_cast<uint32_t>(b.size()));
    EXPECT_FALSE(r.done());
    EXPECT_NE(r.state(), Multipart_reader::State::error);
    Parts q;
    Multipart_reader none(Str("XyZ"), q.sink());
    none.feed("no delimiter at all", 19);
    EXPECT_FALSE(none.done());
    EXPECT_TRUE(q.names.empty());
}

TEST(ApiMultipart, ASinkThatRefusesStopsTheReader)
{
    Parts p;
    api::Multipart_sink s = p.sink();
    s.part_begin = [](void*, Str, Str) { return false; };
    Multipart_reader r(Str("XyZ"), s);
    r.feed(body.data(), static_cast<uint32_t>(body.size()));
    EXPECT_EQ(r.state(), Multipart_reader::State::error);
}

} // namespace
