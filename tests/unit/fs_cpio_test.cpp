// The newc cpio reader (tools/lib/fs/cpio.hpp): it visits what a newc
// writer wrote, in order, and refuses every malformed archive with the
// offset at fault; and an archive from the real `cpio -o -H newc` loads
// into a File_system as it was on disk.
#include "tools/lib/fs/cpio.hpp"
#include "tools/lib/fs/file_system.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

struct Entry {
    std::string name;
    uint32_t mode;
    std::string data;
    uint32_t ino = 0;
    uint32_t nlink = 1;
};

std::string hex8(uint32_t v)
{
    char b[9];
    std::snprintf(b, sizeof b, "%08X", v);
    return b;
}

void pad(std::string& s)
{
    while (s.size() % 4)
        s.push_back('\0');
}

// One newc header, name and data, padded, as `cpio -o -H newc` writes it.
std::string entry(const Entry& e, const std::string& magic = "070701", uint32_t check = 0)
{
    std::string s = magic;
    for (uint32_t f : {e.ino, e.mode, 0u, 0u, e.nlink, 0u, uint32_t(e.data.size()), 0u, 0u, 0u, 0u,
                       uint32_t(e.name.size() + 1), check})
        s += hex8(f);
    s += e.name;
    s.push_back('\0');
    pad(s);
    s += e.data;
    pad(s);
    return s;
}

std::string trailer()
{
    return entry({"TRAILER!!!", 0, ""});
}

std::string archive(const std::vector<Entry>& entries)
{
    std::string s;
    for (const Entry& e : entries)
        s += entry(e);
    return s + trailer();
}

constexpr uint32_t reg = 0100644, dir = 0040755, lnk = 0120777;

struct Seen {
    std::string name;
    fs::Type type;
    uint32_t mode;
    std::string data;
    size_t offset;
};

struct Walk {
    bool ok;
    fs::Cpio_error err;
    std::vector<Seen> seen;
};

Walk walk(const std::string& ar, int stop_after = -1)
{
    Walk w;
    struct Ctx {
        Walk* w;
        int left;
    } ctx{&w, stop_after};
    auto visit = [](void* c, const fs::Cpio_entry& e) {
        auto* x = static_cast<Ctx*>(c);
        if (x->left == 0)
            return false;
        --x->left;
        x->w->seen.push_back({std::string(e.name.p, e.name.n), e.type, e.mode,
                              std::string(reinterpret_cast<const char*>(e.data), e.size),
                              e.offset});
        return true;
    };
    w.ok =
        fs::cpio_each(reinterpret_cast<const uint8_t*>(ar.data()), ar.size(), visit, &ctx, w.err);
    return w;
}

TEST(FsCpio, VisitsEachEntryInOrderWithItsNameModeAndData)
{
    std::string ar = archive({{"etc", dir, ""}, {"etc/a.cfg", reg, "memory = 64\n"}});
    Walk w = walk(ar);
    ASSERT_TRUE(w.ok) << w.err.what;
    ASSERT_EQ(w.seen.size(), 2u);
    EXPECT_EQ(w.seen[0].name, "etc");
    EXPECT_EQ(w.seen[0].type, fs::Type::directory);
    EXPECT_EQ(w.seen[0].offset, 0u);
    EXPECT_EQ(w.seen[1].name, "etc/a.cfg");
    EXPECT_EQ(w.seen[1].type, fs::Type::file);
    EXPECT_EQ(w.seen[1].mode, reg);
    EXPECT_EQ(w.seen[1].data, "memory = 64\n");
    EXPECT_EQ(w.seen[1].offset, entry({"etc", dir, ""}).size());
}

TEST(FsCpio, NamesLoseTheirLeadingDotSlashAndSlash)
{
    Walk w = walk(archive({{".", dir, ""}, {"./etc", dir, ""}, {"/boot/k", reg, "k"}}));
    ASSERT_TRUE(w.ok) << w.err.what;
    ASSERT_EQ(w.seen.size(), 3u);
    EXPECT_EQ(w.seen[0].name, "");
    EXPECT_EQ(w.seen[1].name, "etc");
    EXPECT_EQ(w.seen[2].name, "boot/k");
}

TEST(FsCpio, TellsSymlinksDirectoriesAndOtherTypes)
{
    Walk w = walk(archive({{"l", lnk, "../target"}, {"d", dir, ""}, {"dev/console", 020600, ""}}));
    ASSERT_TRUE(w.ok) << w.err.what;
    ASSERT_EQ(w.seen.size(), 3u);
    EXPECT_EQ(w.seen[0].type, fs::Type::symlink);
    EXPECT_EQ(w.seen[0].data, "../target");
    EXPECT_EQ(w.seen[1].type, fs::Type::directory);
    EXPECT_EQ(w.seen[2].type, fs::Type::other);
}

TEST(FsCpio, AcceptsTheCrcVariantWithoutCheckingItsChecksum)
{
    std::string ar = entry({"f", reg, "abc"}, "070702", 0xDEADBEEF) + trailer();
    Walk w = walk(ar);
    ASSERT_TRUE(w.ok) << w.err.what;
    ASSERT_EQ(w.seen.size(), 1u);
    EXPECT_EQ(w.seen[0].data, "abc");
}

TEST(FsCpio, AcceptsLowerCaseHexDigits)
{
    std::string ar = archive({{"f", reg, "0123456789a"}});
    for (size_t i = 6; i < 110; ++i)
        ar[i] = static_cast<char>(std::tolower(ar[i]));
    Walk w = walk(ar);
    ASSERT_TRUE(w.ok) << w.err.what;
    EXPECT_EQ(w.seen[0].data, "0123456789a");
}

TEST(FsCpio, StopsAtTheTrailerAndIgnoresWhatFollows)
{
    Walk w = walk(archive({{"f", reg, "x"}}) + "garbage, then another archive");
    ASSERT_TRUE(w.ok) << w.err.what;
    EXPECT_EQ(w.seen.size(), 1u);
}

TEST(FsCpio, EveryCutBeforeTheTrailersNameIsRefused)
{
    std::string ar = archive({{"etc/a.cfg", reg, "hello"}, {"l", lnk, "etc"}});
    // The trailer's padding may be missing; nothing before it may.
    size_t needed = ar.size() - trailer().size() + 110 + sizeof("TRAILER!!!");
    for (size_t n = 0; n < ar.size(); ++n) {
        Walk w = walk(ar.substr(0, n));
        EXPECT_EQ(w.ok, n >= needed) << "cut at " << n;
        if (!w.ok) {
            EXPECT_LE(w.err.offset, n);
        }
    }
}

TEST(FsCpio, RefusesATruncatedHeader)
{
    std::string ar = archive({{"f", reg, "x"}});
    Walk w = walk(ar.substr(0, 109));
    EXPECT_FALSE(w.ok);
    EXPECT_STREQ(w.err.what, "truncated header");
    EXPECT_EQ(w.err.offset, 0u);
}

TEST(FsCpio, RefusesOtherMagics)
{
    for (const char* magic : {"070707", "070700", "170701", "07070 "}) {
        std::string ar = entry({"f", reg, ""}, magic) + trailer();
        Walk w = walk(ar);
        EXPECT_FALSE(w.ok) << magic;
        EXPECT_STREQ(w.err.what, "bad magic (not newc)");
    }
}

TEST(FsCpio, RefusesANonHexDigitInEveryField)
{
    std::string good = entry({"etc/a.cfg", reg, "x"});
    for (size_t field = 0; field < 13; ++field)
        for (char bad : {'g', ' ', 'x', '\0', '-'}) {
            std::string ar = good + trailer();
            ar[6 + 8 * field + 3] = bad;
            Walk w = walk(ar);
            EXPECT_FALSE(w.ok) << "field " << field;
            EXPECT_STREQ(w.err.what, "field is not 8 hex digits");
            EXPECT_EQ(w.err.offset, 6 + 8 * field);
        }
}

TEST(FsCpio, RefusesANameWithoutItsNul)
{
    std::string ar = archive({{"abc", reg, ""}});
    ar[110 + 3] = 'd';
    Walk w = walk(ar);
    EXPECT_FALSE(w.ok);
    EXPECT_STREQ(w.err.what, "name without NUL");
}

TEST(FsCpio, RefusesANulInsideTheName)
{
    std::string ar = archive({{"abc", reg, ""}});
    ar[111] = '\0';
    Walk w = walk(ar);
    EXPECT_FALSE(w.ok);
    EXPECT_STREQ(w.err.what, "NUL inside name");
}

TEST(FsCpio, RefusesAnEmptyName)
{
    for (uint32_t namesize : {0u, 1u}) {
        std::string ar = archive({{"abc", reg, ""}});
        ar.replace(6 + 8 * 11, 8, hex8(namesize));
        Walk w = walk(ar);
        EXPECT_FALSE(w.ok);
        EXPECT_STREQ(w.err.what, "empty name");
    }
}

TEST(FsCpio, RefusesANameSizePastTheEnd)
{
    for (uint32_t namesize : {0x1000u, 0xFFFFFFFFu}) {
        std::string ar = archive({{"abc", reg, ""}});
        ar.replace(6 + 8 * 11, 8, hex8(namesize));
        Walk w = walk(ar);
        EXPECT_FALSE(w.ok);
        EXPECT_STREQ(w.err.what, "name runs past the end");
    }
}

TEST(FsCpio, RefusesAFileSizePastTheEnd)
{
    for (uint32_t size : {0x1000u, 0xFFFFFFF0u, 0xFFFFFFFFu}) {
        std::string ar = archive({{"a", reg, "data"}});
        ar.replace(6 + 8 * 6, 8, hex8(size));
        Walk w = walk(ar);
        EXPECT_FALSE(w.ok);
        EXPECT_STREQ(w.err.what, "data runs past the end");
    }
}

TEST(FsCpio, RefusesAnArchiveWithoutTrailer)
{
    Walk w = walk(entry({"a", reg, "data"}));
    EXPECT_FALSE(w.ok);
    EXPECT_STREQ(w.err.what, "no TRAILER!!! entry");
    EXPECT_EQ(w.seen.size(), 1u);
    EXPECT_FALSE(walk("").ok);
}

TEST(FsCpio, TheVisitorCanStopTheWalk)
{
    Walk w = walk(archive({{"a", reg, ""}, {"b", reg, ""}}), 1);
    EXPECT_FALSE(w.ok);
    EXPECT_STREQ(w.err.what, "refused by the reader");
    EXPECT_EQ(w.err.offset, entry({"a", reg, ""}).size());
    EXPECT_EQ(w.seen.size(), 1u);
}

// ---- an archive from the real tool ---------------------------------------------

void* heap_alloc(void*, size_t n)
{
    return std::malloc(n);
}
void heap_release(void*, void* p, size_t)
{
    std::free(p);
}

std::string str(toolstack::Str s)
{
    return std::string(s.p, s.n);
}

TEST(FsCpioReal, AnArchiveFromCpioLoadsAsTheTreeWasOnDisk)
{
    if (std::system("command -v cpio >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "cpio not installed (Debian package cpio)";
    std::string root = testing::TempDir() + "xenith_fs_cpio_XXXXXX";
    ASSERT_NE(mkdtemp(root.data()), nullptr);
    std::string kernel(70000, '\0');
    for (size_t i = 0; i < kernel.size(); ++i)
        kernel[i] = static_cast<char>(i * 7 + i / 251);
    std::string make = "cd " + root +
                       " && mkdir -p etc/xen/auto boot empty && printf 'name = \"a\"\\n' > "
                       "etc/xen/a.cfg && ln -s ../a.cfg etc/xen/auto/a.cfg && ln etc/xen/a.cfg "
                       "etc/xen/hard.cfg";
    ASSERT_EQ(std::system(make.c_str()), 0) << make;
    std::ofstream(root + "/boot/vmlinuz", std::ios::binary) << kernel;
    std::string pack = "cd " + root + " && find . | cpio -o -H newc --quiet > ../" +
                       root.substr(root.rfind('/') + 1) + ".cpio";
    ASSERT_EQ(std::system(pack.c_str()), 0) << pack;
    std::ifstream in(root + ".cpio", std::ios::binary);
    std::vector<uint8_t> ar((std::istreambuf_iterator<char>(in)), {});
    std::system(("rm -rf " + root + " " + root + ".cpio").c_str());
    ASSERT_GT(ar.size(), kernel.size());

    toolstack::Allocator a{heap_alloc, heap_release, nullptr};
    fs::File_system f(a, 1 << 20);
    fs::Cpio_error why;
    ASSERT_EQ(f.load(ar.data(), ar.size(), &why), fs::Err::none) << why.what << " @" << why.offset;
    toolstack::Str s;
    ASSERT_EQ(f.read("/boot/vmlinuz", s), fs::Err::none);
    EXPECT_EQ(str(s), kernel);
    EXPECT_GE(reinterpret_cast<const uint8_t*>(s.p), ar.data());
    EXPECT_LT(reinterpret_cast<const uint8_t*>(s.p), ar.data() + ar.size());
    ASSERT_EQ(f.read("/etc/xen/auto/a.cfg", s), fs::Err::none);
    EXPECT_EQ(str(s), "name = \"a\"\n");
    // GNU cpio writes a hard-linked file's data with its last name only.
    ASSERT_EQ(f.read("/etc/xen/hard.cfg", s), fs::Err::none);
    EXPECT_EQ(str(s), "name = \"a\"\n");
    ASSERT_EQ(f.read("/etc/xen/a.cfg", s), fs::Err::none);
    EXPECT_EQ(str(s), "name = \"a\"\n");
    fs::Stat st;
    ASSERT_EQ(f.stat("/empty", st), fs::Err::none);
    EXPECT_EQ(st.type, fs::Type::directory);
    EXPECT_EQ(st.size, 0u);
    ASSERT_EQ(f.lstat("etc/xen/auto/a.cfg", st), fs::Err::none);
    EXPECT_EQ(st.type, fs::Type::symlink);
    toolstack::Vec<toolstack::Str> cfgs(a);
    ASSERT_EQ(f.list_matching("/etc/xen", ".cfg", cfgs), fs::Err::none);
    ASSERT_EQ(cfgs.size(), 2u);
    EXPECT_EQ(str(cfgs[0]), "a.cfg");
    EXPECT_EQ(str(cfgs[1]), "hard.cfg");
    EXPECT_EQ(f.used(), 0u);
}

} // namespace
