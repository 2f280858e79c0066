// dom0's file system (tools/lib/fs/file_system.hpp): loaded from a newc
// archive without copying it, normalised paths that never leave the root,
// symlinks, writes that copy an archive file first, the quota, and out of
// memory at every allocation in turn.
#include "tools/lib/fs/file_system.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace fs {
std::ostream& operator<<(std::ostream& os, Err e)
{
    return os << (e == Err::none ? "none" : err_name(e));
}
} // namespace fs

namespace {

using fs::Err;
using fs::Type;
using toolstack::Str;

Str S(const std::string& s)
{
    return Str(s.data(), static_cast<uint32_t>(s.size()));
}
std::string str(Str s)
{
    return std::string(s.p, s.n);
}

// ---- a newc writer --------------------------------------------------------------

constexpr uint32_t reg = 0100644, dir = 0040755, lnk = 0120777;

struct Entry {
    std::string name;
    uint32_t mode;
    std::string data;
};

std::string newc(const std::vector<Entry>& entries)
{
    std::string s;
    auto put = [&s](const Entry& e) {
        char h[111];
        std::snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 0u,
                      e.mode, 0u, 0u, 1u, 0u, unsigned(e.data.size()), 0u, 0u, 0u, 0u,
                      unsigned(e.name.size() + 1), 0u);
        s += h;
        s += e.name;
        s.push_back('\0');
        s.resize((s.size() + 3) & ~size_t(3), '\0');
        s += e.data;
        s.resize((s.size() + 3) & ~size_t(3), '\0');
    };
    for (const Entry& e : entries)
        put(e);
    put({"TRAILER!!!", 0, ""});
    return s;
}

// ---- a counting allocator that fails on demand -------------------------------------

struct Heap {
    size_t live_bytes = 0;
    size_t live_blocks = 0;
    long fail_at = -1; // the allocation (counted from 0) that fails; -1: none
    long count = 0;
    bool refused = false;

    static void* alloc(void* ctx, size_t n)
    {
        auto* h = static_cast<Heap*>(ctx);
        if (h->count++ == h->fail_at) {
            h->refused = true;
            return nullptr;
        }
        h->live_bytes += n;
        ++h->live_blocks;
        void* p = std::malloc(n);
        std::memset(p, 0xA5, n);
        return p;
    }
    static void release(void* ctx, void* p, size_t n)
    {
        auto* h = static_cast<Heap*>(ctx);
        h->live_bytes -= n;
        --h->live_blocks;
        std::free(p);
    }
};

const std::vector<Entry> dom0_files = {
    {"./etc/xen/a.cfg", reg, "name = \"a\"\n"},
    {"./etc/xen/b.cfg", reg, "name = \"b\"\n"},
    {"./etc/xen/notes.txt", reg, "n"},
    {"./etc/xen/auto/a.cfg", lnk, "../a.cfg"},
    {"./etc/xen/auto/gone.cfg", lnk, "../gone.cfg"},
    {"./boot/vmlinuz", reg, "KERNEL"},
};

// Every file, directory and symlink with what it holds, for comparing
// whole trees.
std::string dump(const fs::File_system& f, const std::string& path = "")
{
    std::vector<std::pair<std::string, Type>> entries;
    Err e = f.list(S(path + "/"), [&](Str n, Type t) { entries.push_back({str(n), t}); });
    EXPECT_EQ(e, Err::none) << path;
    std::string out;
    for (const auto& [name, type] : entries) {
        std::string p = path + "/" + name;
        Str s;
        if (type == Type::directory) {
            out += p + "/\n" + dump(f, p);
        } else if (type == Type::symlink) {
            EXPECT_EQ(f.read_link(S(p), s), Err::none);
            out += p + " -> " + str(s) + "\n";
        } else {
            EXPECT_EQ(f.read(S(p), s), Err::none);
            out += p + " = " + str(s) + "\n";
        }
    }
    return out;
}

class FsTree : public testing::Test {
protected:
    void SetUp() override
    {
        ar = newc(dom0_files);
        snapshot = ar;
        f.emplace(a, 4096);
        ASSERT_EQ(f->load(bytes(), ar.size()), Err::none);
    }
    void TearDown() override
    {
        EXPECT_EQ(ar, snapshot) << "the archive was written";
        f.reset();
        EXPECT_EQ(heap.live_bytes, 0u);
        EXPECT_EQ(heap.live_blocks, 0u);
    }
    const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(ar.data()); }
    std::string read(const std::string& path)
    {
        Str s;
        Err e = f->read(S(path), s);
        return e == Err::none ? str(s) : std::string("<") + fs::err_name(e) + ">";
    }
    fs::Stat stat(const std::string& path)
    {
        fs::Stat st{Type::other, 0};
        EXPECT_EQ(f->stat(S(path), st), Err::none) << path;
        return st;
    }
    std::vector<std::string> list(const std::string& path)
    {
        std::vector<std::string> names;
        EXPECT_EQ(f->list(S(path), [&](Str n, Type) { names.push_back(str(n)); }), Err::none);
        return names;
    }

    Heap heap;
    toolstack::Allocator a{Heap::alloc, Heap::release, &heap};
    std::string ar, snapshot;
    std::optional<fs::File_system> f;
};

using Names = std::vector<std::string>;

// ---- loading ------------------------------------------------------------------------

TEST_F(FsTree, TheArchivesImpliedDirectoriesExist)
{
    EXPECT_EQ(stat("/etc").type, Type::directory);
    EXPECT_EQ(stat("/etc/xen").type, Type::directory);
    EXPECT_EQ(stat("/etc/xen").size, 4u);
    EXPECT_EQ(list("/"), (Names{"boot", "etc"}));
    EXPECT_EQ(list("/etc/xen/auto"), (Names{"a.cfg", "gone.cfg"}));
}

TEST_F(FsTree, FilesAreReadInPlaceFromTheArchive)
{
    Str s;
    ASSERT_EQ(f->read("/boot/vmlinuz", s), Err::none);
    EXPECT_EQ(str(s), "KERNEL");
    EXPECT_GE(s.p, ar.data());
    EXPECT_LT(s.p, ar.data() + ar.size());
    EXPECT_EQ(stat("/boot/vmlinuz").size, 6u);
    EXPECT_EQ(f->used(), 0u);
}

TEST_F(FsTree, ALaterEntryReplacesAnEarlierFile)
{
    std::string again =
        newc({{"a", reg, "one"}, {"a", lnk, "b"}, {"b", reg, "two"}, {"b", reg, "three"}});
    fs::File_system g(a, 0);
    ASSERT_EQ(g.load(reinterpret_cast<const uint8_t*>(again.data()), again.size()), Err::none);
    Str s;
    ASSERT_EQ(g.read("a", s), Err::none);
    EXPECT_EQ(str(s), "three");
}

TEST_F(FsTree, DevicesAreLeftOutAndTheRootEntryIsTheRoot)
{
    std::string ar2 = newc({{".", dir, ""}, {"dev", dir, ""}, {"dev/console", 020600, ""}});
    fs::File_system g(a, 0);
    ASSERT_EQ(g.load(reinterpret_cast<const uint8_t*>(ar2.data()), ar2.size()), Err::none);
    fs::Stat st;
    EXPECT_EQ(g.stat("/dev/console", st), Err::enoent);
    ASSERT_EQ(g.stat("/dev", st), Err::none);
    EXPECT_EQ(st.size, 0u);
}

TEST_F(FsTree, LoadRefusesAnArchiveThatWouldEscapeOrChangeTypes)
{
    struct Case {
        std::vector<Entry> entries;
        Err err;
        const char* why;
    };
    const Case cases[] = {
        {{{"../etc/passwd", reg, "x"}}, Err::einval, "'.' or '..' inside a path"},
        {{{"etc/../../x", reg, "x"}}, Err::einval, "'.' or '..' inside a path"},
        {{{"a", reg, ""}, {"a/b", reg, ""}}, Err::einval, "path goes through a file or symlink"},
        {{{"a", lnk, "/etc"}, {"a/b", reg, ""}},
         Err::einval,
         "path goes through a file or symlink"},
        {{{"a", dir, ""}, {"a", reg, ""}}, Err::einval, "entry changes a directory's type"},
        {{{"a", reg, ""}, {"a", dir, ""}}, Err::einval, "entry changes a directory's type"},
        {{{".", reg, ""}}, Err::einval, "the root is not a directory"},
        {{{std::string(256, 'n'), reg, ""}}, Err::enametoolong, "name over 255 bytes"},
        {{{"a" + std::string(1023, '/') + "x", reg, ""}},
         Err::enametoolong,
         "path over 1024 bytes"},
        {{{"l", lnk, std::string(1025, 'x')}}, Err::enametoolong, "symlink target over 1024 bytes"},
    };
    for (const Case& c : cases) {
        std::string bad = newc(c.entries);
        fs::File_system g(a, 0);
        fs::Cpio_error why;
        EXPECT_EQ(g.load(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), &why), c.err)
            << c.why;
        EXPECT_STREQ(why.what, c.why);
        EXPECT_EQ(dump(g), "") << "left empty";
    }
}

TEST_F(FsTree, AMalformedArchiveLeavesTheFileSystemEmpty)
{
    std::string bad = ar.substr(0, ar.size() - 20); // the trailer cut
    fs::File_system g(a, 0);
    fs::Cpio_error why;
    EXPECT_EQ(g.load(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), &why), Err::einval);
    EXPECT_STREQ(why.what, "truncated header");
    EXPECT_EQ(dump(g), "");
}

TEST_F(FsTree, LoadIsOnlyForAnEmptyFileSystem)
{
    EXPECT_EQ(f->load(bytes(), ar.size()), Err::einval);
    EXPECT_EQ(read("/boot/vmlinuz"), "KERNEL");
}

// ---- paths --------------------------------------------------------------------------

TEST_F(FsTree, PathsAreNormalised)
{
    for (const char* p : {"/etc/xen/a.cfg", "etc/xen/a.cfg", "/etc//xen/./a.cfg",
                          "///etc/xen/a.cfg", "/etc/xen/../xen/a.cfg", "/boot/../etc/./xen//a.cfg"})
        EXPECT_EQ(read(p), "name = \"a\"\n") << p;
}

TEST_F(FsTree, DotDotNeverLeavesTheRoot)
{
    EXPECT_EQ(read("/../../etc/xen/a.cfg"), "name = \"a\"\n");
    EXPECT_EQ(read("../etc/../../boot/vmlinuz"), "KERNEL");
    EXPECT_EQ(list("/.."), (Names{"boot", "etc"}));
    ASSERT_EQ(f->write("/../../new", "x"), Err::none);
    EXPECT_EQ(list("/"), (Names{"boot", "etc", "new"}));
    // A symlink's ".." stops at the root too.
    ASSERT_EQ(f->symlink("../../../../boot", "/etc/xen/up"), Err::none);
    EXPECT_EQ(read("/etc/xen/up/vmlinuz"), "KERNEL");
}

TEST_F(FsTree, NamesAndPathsHaveLengthLimits)
{
    std::string name255(255, 'n'), name256(256, 'n');
    Str s;
    EXPECT_EQ(f->read(S("/etc/" + name255), s), Err::enoent);
    EXPECT_EQ(f->read(S("/etc/" + name256), s), Err::enametoolong);
    EXPECT_EQ(f->write(S("/" + name256), "x"), Err::enametoolong);
    EXPECT_EQ(f->mkdir(S("/" + name256)), Err::enametoolong);
    ASSERT_EQ(f->write(S("/" + name255), "x"), Err::none);
    std::string long_path = "/" + std::string(1020, '/') + "boot/vmlinuz";
    EXPECT_EQ(f->read(S(long_path.substr(0, 1024)), s), Err::enoent);
    EXPECT_EQ(f->read(S(long_path), s), Err::enametoolong);
}

TEST_F(FsTree, ATrailingSlashAsksForADirectory)
{
    Str s;
    EXPECT_EQ(f->read("/etc/xen/a.cfg/", s), Err::enotdir);
    EXPECT_EQ(stat("/etc/xen/").type, Type::directory);
    EXPECT_EQ(f->write("/etc/xen/new/", "x"), Err::eisdir);
    EXPECT_EQ(f->write("/etc/xen/a.cfg/", "x"), Err::enotdir);
    EXPECT_EQ(f->remove("/etc/xen/a.cfg/"), Err::enotdir);
    EXPECT_EQ(f->mkdir("/etc/xen/d/"), Err::none);
    EXPECT_EQ(f->rmdir("/etc/xen/d//"), Err::none);
}

TEST_F(FsTree, ANameUnderAFileIsNotADirectory)
{
    Str s;
    EXPECT_EQ(f->read("/boot/vmlinuz/x", s), Err::enotdir);
    EXPECT_EQ(f->read("/boot/vmlinuz/..", s), Err::enotdir);
    EXPECT_EQ(f->write("/boot/vmlinuz/x", "x"), Err::enotdir);
    EXPECT_EQ(f->read("/nowhere/x", s), Err::enoent);
    EXPECT_EQ(f->read("", s), Err::enoent);
}

TEST_F(FsTree, APathWithoutALastNameChangesNothing)
{
    for (const char* p : {"/", "", "//", "/etc/xen/.", "/etc/xen/..", "."}) {
        EXPECT_EQ(f->write(p, "x"), Err::einval) << p;
        EXPECT_EQ(f->mkdir(p), Err::einval) << p;
        EXPECT_EQ(f->rmdir(p), Err::einval) << p;
        EXPECT_EQ(f->remove(p), Err::einval) << p;
    }
}

// ---- symlinks -----------------------------------------------------------------------

TEST_F(FsTree, SymlinksAreFollowedFromTheirDirectory)
{
    EXPECT_EQ(read("/etc/xen/auto/a.cfg"), "name = \"a\"\n");
    fs::Stat st;
    ASSERT_EQ(f->lstat("/etc/xen/auto/a.cfg", st), Err::none);
    EXPECT_EQ(st.type, Type::symlink);
    EXPECT_EQ(st.size, 8u);
    EXPECT_EQ(stat("/etc/xen/auto/a.cfg").type, Type::file);
    Str s;
    ASSERT_EQ(f->read_link("/etc/xen/auto/a.cfg", s), Err::none);
    EXPECT_EQ(str(s), "../a.cfg");
    EXPECT_EQ(f->read_link("/etc/xen/a.cfg", s), Err::einval);
    ASSERT_EQ(f->symlink("/etc/xen", "/x"), Err::none);
    EXPECT_EQ(read("/x/b.cfg"), "name = \"b\"\n");
    EXPECT_EQ(list("/x/"), list("/etc/xen"));
}

TEST_F(FsTree, ADanglingSymlinkIsEnoent)
{
    EXPECT_EQ(read("/etc/xen/auto/gone.cfg"), "<ENOENT>");
    EXPECT_EQ(f->write("/etc/xen/auto/gone.cfg", "x"), Err::enoent);
    fs::Stat st;
    EXPECT_EQ(f->lstat("/etc/xen/auto/gone.cfg", st), Err::none);
}

TEST_F(FsTree, EightSymlinksAreFollowedANinthIsEloop)
{
    ASSERT_EQ(f->symlink("/boot/vmlinuz", "/l0"), Err::none);
    for (int i = 1; i <= 8; ++i)
        ASSERT_EQ(f->symlink(S("l" + std::to_string(i - 1)), S("/l" + std::to_string(i))),
                  Err::none);
    EXPECT_EQ(read("/l7"), "KERNEL");
    EXPECT_EQ(read("/l8"), "<ELOOP>");
    ASSERT_EQ(f->symlink("loop", "/loop"), Err::none);
    EXPECT_EQ(read("/loop"), "<ELOOP>");
    EXPECT_EQ(read("/loop/x"), "<ELOOP>");
    EXPECT_EQ(f->write("/loop", "x"), Err::eloop);
}

TEST_F(FsTree, WritingThroughASymlinkWritesItsTarget)
{
    ASSERT_EQ(f->write("/etc/xen/auto/a.cfg", "name = \"A\"\n"), Err::none);
    EXPECT_EQ(read("/etc/xen/a.cfg"), "name = \"A\"\n");
    Str s;
    ASSERT_EQ(f->read_link("/etc/xen/auto/a.cfg", s), Err::none);
    EXPECT_EQ(str(s), "../a.cfg");
}

TEST_F(FsTree, SymlinkRefusesATakenNameAndAnEmptyTarget)
{
    EXPECT_EQ(f->symlink("x", "/etc/xen/a.cfg"), Err::eexist);
    EXPECT_EQ(f->symlink("", "/e"), Err::enoent);
    EXPECT_EQ(f->symlink(S(std::string(1025, 'x')), "/e"), Err::enametoolong);
}

// ---- writing ------------------------------------------------------------------------

TEST_F(FsTree, WriteMakesThenReplacesAFile)
{
    ASSERT_EQ(f->write("/etc/xen/c.cfg", "memory = 32\n"), Err::none);
    EXPECT_EQ(read("/etc/xen/c.cfg"), "memory = 32\n");
    ASSERT_EQ(f->write("/etc/xen/c.cfg", "memory = 64\n"), Err::none);
    EXPECT_EQ(read("/etc/xen/c.cfg"), "memory = 64\n");
    ASSERT_EQ(f->write("/etc/xen/c.cfg", ""), Err::none);
    EXPECT_EQ(read("/etc/xen/c.cfg"), "");
    EXPECT_EQ(stat("/etc/xen/c.cfg").size, 0u);
    EXPECT_EQ(f->used(), 0u);
}

TEST_F(FsTree, WriteNeedsAnExistingDirectoryAndNotADirectory)
{
    EXPECT_EQ(f->write("/var/log/x", "x"), Err::enoent);
    EXPECT_EQ(f->write("/etc/xen", "x"), Err::eisdir);
    EXPECT_EQ(f->append("/etc/xen", "x"), Err::eisdir);
    Str s;
    EXPECT_EQ(f->read("/etc/xen", s), Err::eisdir);
}

TEST_F(FsTree, WritingAnArchiveFileCopiesItAndLeavesTheArchiveAlone)
{
    ASSERT_EQ(f->write("/etc/xen/a.cfg", "name = \"new\"\n"), Err::none);
    EXPECT_EQ(read("/etc/xen/a.cfg"), "name = \"new\"\n");
    EXPECT_EQ(ar, snapshot);
    Str s;
    ASSERT_EQ(f->read("/etc/xen/a.cfg", s), Err::none);
    EXPECT_TRUE(s.p < ar.data() || s.p >= ar.data() + ar.size());
    EXPECT_EQ(f->used(), 13u);
}

TEST_F(FsTree, AppendingToAnArchiveFileCopiesItFirst)
{
    ASSERT_EQ(f->append("/boot/vmlinuz", "+initrd"), Err::none);
    EXPECT_EQ(read("/boot/vmlinuz"), "KERNEL+initrd");
    EXPECT_EQ(ar, snapshot);
    EXPECT_EQ(f->used(), 13u);
    ASSERT_EQ(f->append("/boot/vmlinuz", ""), Err::none);
    EXPECT_EQ(f->used(), 13u);
}

TEST_F(FsTree, AppendMakesAFileAndGrowsIt)
{
    std::string want;
    for (int i = 0; i < 200; ++i) {
        std::string line = "line " + std::to_string(i) + "\n";
        ASSERT_EQ(f->append("/log", S(line)), Err::none);
        want += line;
    }
    EXPECT_EQ(read("/log"), want);
    EXPECT_GE(f->used(), want.size());
    EXPECT_LE(f->used(), 2 * want.size());
}

TEST_F(FsTree, WriteAndAppendMayTakeTheFilesOwnBytes)
{
    ASSERT_EQ(f->write("/f", "0123456789"), Err::none);
    Str s;
    ASSERT_EQ(f->read("/f", s), Err::none);
    ASSERT_EQ(f->write("/f", s.sub(4)), Err::none);
    EXPECT_EQ(read("/f"), "456789");
    ASSERT_EQ(f->read("/f", s), Err::none);
    ASSERT_EQ(f->append("/f", s), Err::none);
    EXPECT_EQ(read("/f"), "456789456789");
    ASSERT_EQ(f->read("/f", s), Err::none);
    ASSERT_EQ(f->append("/f", s.prefix(2)), Err::none); // in place, if there is room
    EXPECT_EQ(read("/f"), "45678945678945");
}

// ---- the quota ----------------------------------------------------------------------

TEST_F(FsTree, WritesBeyondTheQuotaAreEnospc)
{
    fs::File_system g(a, 16);
    EXPECT_EQ(g.quota(), 16u);
    ASSERT_EQ(g.write("/a", S(std::string(16, 'a'))), Err::none);
    EXPECT_EQ(g.used(), 16u);
    EXPECT_EQ(g.write("/b", "b"), Err::enospc);
    EXPECT_EQ(g.append("/a", "a"), Err::enospc);
    EXPECT_EQ(g.symlink("t", "/l"), Err::enospc);
    Str s;
    EXPECT_EQ(g.read("/b", s), Err::enoent) << "nothing made";
    // Replacing counts the old contents as given back.
    ASSERT_EQ(g.write("/a", S(std::string(10, 'a'))), Err::none);
    EXPECT_EQ(g.used(), 10u);
    ASSERT_EQ(g.write("/b", "bbbbbb"), Err::none);
    ASSERT_EQ(g.remove("/a"), Err::none);
    ASSERT_EQ(g.symlink("/b", "/l"), Err::none);
    EXPECT_EQ(g.used(), 8u);
    ASSERT_EQ(g.rename("/l", "/m"), Err::none);
    ASSERT_EQ(g.remove("/m"), Err::none);
    ASSERT_EQ(g.remove("/b"), Err::none);
    EXPECT_EQ(g.used(), 0u);
}

TEST_F(FsTree, AppendGrowsNoFurtherThanTheQuota)
{
    fs::File_system g(a, 100);
    for (int i = 0; i < 100; ++i)
        ASSERT_EQ(g.append("/a", "x"), Err::none) << i;
    EXPECT_EQ(g.used(), 100u);
    EXPECT_EQ(g.append("/a", "x"), Err::enospc);
    Str s;
    ASSERT_EQ(g.read("/a", s), Err::none);
    EXPECT_EQ(s.n, 100u);
}

TEST_F(FsTree, ArchiveFilesCountOnlyOnceCopied)
{
    fs::File_system g(a, 4);
    ASSERT_EQ(g.load(bytes(), ar.size()), Err::none);
    EXPECT_EQ(g.used(), 0u);
    EXPECT_EQ(g.append("/boot/vmlinuz", "x"), Err::enospc);
    ASSERT_EQ(g.write("/boot/vmlinuz", "k"), Err::none);
    EXPECT_EQ(g.used(), 1u);
}

// ---- removing, directories, renaming ------------------------------------------------

TEST_F(FsTree, RemoveTakesFilesAndSymlinksNotDirectories)
{
    ASSERT_EQ(f->remove("/etc/xen/auto/a.cfg"), Err::none);
    EXPECT_EQ(read("/etc/xen/a.cfg"), "name = \"a\"\n") << "the target stays";
    ASSERT_EQ(f->remove("/etc/xen/b.cfg"), Err::none);
    EXPECT_EQ(f->remove("/etc/xen/b.cfg"), Err::enoent);
    EXPECT_EQ(f->remove("/etc/xen/auto"), Err::eisdir);
    EXPECT_EQ(list("/etc/xen"), (Names{"a.cfg", "auto", "notes.txt"}));
}

TEST_F(FsTree, MkdirAndRmdir)
{
    ASSERT_EQ(f->mkdir("/var"), Err::none);
    ASSERT_EQ(f->mkdir("/var/run"), Err::none);
    EXPECT_EQ(f->mkdir("/var"), Err::eexist);
    EXPECT_EQ(f->mkdir("/etc/xen/a.cfg"), Err::eexist);
    EXPECT_EQ(f->mkdir("/etc/xen/auto/gone.cfg"), Err::eexist);
    EXPECT_EQ(f->mkdir("/no/such"), Err::enoent);
    EXPECT_EQ(f->rmdir("/var"), Err::enotempty);
    EXPECT_EQ(f->rmdir("/etc/xen/a.cfg"), Err::enotdir);
    EXPECT_EQ(f->rmdir("/nothing"), Err::enoent);
    ASSERT_EQ(f->rmdir("/var/run"), Err::none);
    ASSERT_EQ(f->rmdir("/var"), Err::none);
    EXPECT_EQ(list("/"), (Names{"boot", "etc"}));
}

TEST_F(FsTree, ListingIsSortedAndTyped)
{
    ASSERT_EQ(f->write("/etc/xen/B", ""), Err::none);
    ASSERT_EQ(f->write("/etc/xen/a", ""), Err::none);
    ASSERT_EQ(f->write("/etc/xen/a.cfg.bak", ""), Err::none);
    std::vector<std::pair<std::string, Type>> got;
    ASSERT_EQ(f->list("/etc/xen", [&](Str n, Type t) { got.push_back({str(n), t}); }), Err::none);
    std::vector<std::pair<std::string, Type>> want = {
        {"B", Type::file},         {"a", Type::file},         {"a.cfg", Type::file},
        {"a.cfg.bak", Type::file}, {"auto", Type::directory}, {"b.cfg", Type::file},
        {"notes.txt", Type::file},
    };
    EXPECT_EQ(got, want);
    EXPECT_EQ(f->list("/etc/xen/a.cfg", [](Str, Type) {}), Err::enotdir);
    EXPECT_EQ(f->list("/etc/none", [](Str, Type) {}), Err::enoent);
}

TEST_F(FsTree, ListMatchingFindsTheFilesWithASuffix)
{
    toolstack::Vec<Str> out(a);
    ASSERT_EQ(f->list_matching("/etc/xen/auto", ".cfg", out), Err::none);
    ASSERT_EQ(out.size(), 1u) << "gone.cfg dangles";
    EXPECT_EQ(str(out[0]), "a.cfg");
    out.clear();
    ASSERT_EQ(f->mkdir("/etc/xen/dir.cfg"), Err::none);
    ASSERT_EQ(f->write("/etc/xen/.cfg", ""), Err::none);
    ASSERT_EQ(f->list_matching("/etc/xen", ".cfg", out), Err::none);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(str(out[0]), "a.cfg");
    EXPECT_EQ(str(out[1]), "b.cfg");
    EXPECT_EQ(f->list_matching("/etc/nothing", ".cfg", out), Err::enoent);
}

TEST_F(FsTree, RenameMovesAndReplaces)
{
    ASSERT_EQ(f->rename("/etc/xen/b.cfg", "/etc/xen/auto/b.cfg"), Err::none);
    EXPECT_EQ(read("/etc/xen/auto/b.cfg"), "name = \"b\"\n");
    EXPECT_EQ(read("/etc/xen/b.cfg"), "<ENOENT>");
    ASSERT_EQ(f->rename("/etc/xen/auto/b.cfg", "/etc/xen/notes.txt"), Err::none);
    EXPECT_EQ(read("/etc/xen/notes.txt"), "name = \"b\"\n");
    ASSERT_EQ(f->rename("/etc/xen", "/xen"), Err::none);
    EXPECT_EQ(read("/xen/auto/a.cfg"), "name = \"a\"\n");
    EXPECT_EQ(list("/etc"), Names{});
    ASSERT_EQ(f->rename("/xen/a.cfg", "/xen/a.cfg"), Err::none);
    ASSERT_EQ(f->rename("/etc", "/xen/auto/etc"), Err::none);
    EXPECT_EQ(list("/"), (Names{"boot", "xen"}));
}

TEST_F(FsTree, RenameKeepsDirectoriesAndFilesApart)
{
    ASSERT_EQ(f->mkdir("/empty"), Err::none);
    EXPECT_EQ(f->rename("/etc", "/etc/xen/inside"), Err::einval);
    EXPECT_EQ(f->rename("/etc", "/etc/xen/auto/x"), Err::einval);
    EXPECT_EQ(f->rename("/etc/xen/a.cfg", "/empty"), Err::eisdir);
    EXPECT_EQ(f->rename("/empty", "/boot/vmlinuz"), Err::enotdir);
    EXPECT_EQ(f->rename("/empty", "/etc"), Err::enotempty);
    EXPECT_EQ(f->rename("/none", "/x"), Err::enoent);
    EXPECT_EQ(f->rename("/boot/vmlinuz", "/none/x"), Err::enoent);
    ASSERT_EQ(f->rename("/boot", "/empty"), Err::none);
    EXPECT_EQ(read("/empty/vmlinuz"), "KERNEL");
}

TEST_F(FsTree, ErrorsHaveTheirErrnoNames)
{
    EXPECT_STREQ(fs::err_name(Err::none), "");
    EXPECT_STREQ(fs::err_name(Err::enoent), "ENOENT");
    EXPECT_STREQ(fs::err_name(Err::enotempty), "ENOTEMPTY");
    EXPECT_STREQ(fs::err_name(Err::enametoolong), "ENAMETOOLONG");
    EXPECT_STREQ(fs::err_name(Err::eloop), "ELOOP");
}

TEST_F(FsTree, ADeepTreeIsTornDown)
{
    std::string p;
    for (int i = 0; i < 500; ++i) {
        p += "/d";
        ASSERT_EQ(f->mkdir(S(p)), Err::none);
    }
    ASSERT_EQ(f->write(S(p + "/f"), "x"), Err::none);
    EXPECT_EQ(f->rename("/d", S(p + "/x")), Err::einval);
    // Deeper than any path can name: 520 levels.
    for (int i = 0; i < 20; ++i) {
        ASSERT_EQ(f->mkdir("/top"), Err::none);
        ASSERT_EQ(f->rename("/d", "/top/d"), Err::none);
        ASSERT_EQ(f->rename("/top", "/d"), Err::none);
    }
    Str s;
    EXPECT_EQ(f->read(S(p + "/f"), s), Err::enoent);
}

// ---- out of memory ------------------------------------------------------------------

// A little of everything; each step either happens or fails with ENOMEM
// and changes nothing (or, after a step that failed, may find what that
// step would have made missing).
void scenario(fs::File_system& g, const std::string& archive, const toolstack::Allocator& a)
{
    bool failed = false;
    auto step = [&](const char* what, auto&& op) {
        std::string before = dump(g);
        Err e = op();
        EXPECT_TRUE(e == Err::none || e == Err::enomem || failed) << what << ": " << e;
        if (e != Err::none) {
            EXPECT_EQ(dump(g), before) << what;
            failed = true;
        }
    };
    step("load",
         [&] { return g.load(reinterpret_cast<const uint8_t*>(archive.data()), archive.size()); });
    step("mkdir", [&] { return g.mkdir("/var"); });
    step("write", [&] { return g.write("/var/a", "contents"); });
    step("overwrite", [&] { return g.write("/etc/xen/a.cfg", "name = \"b\"\n"); });
    step("append", [&] { return g.append("/boot/vmlinuz", "+more"); });
    step("append new", [&] { return g.append("/var/log", "line\n"); });
    step("symlink", [&] { return g.symlink("/boot/vmlinuz", "/etc/xen/k"); });
    step("rename", [&] { return g.rename("/etc/xen/b.cfg", "/var/b.cfg"); });
    step("rename over", [&] { return g.rename("/etc/xen/notes.txt", "/etc/xen/a.cfg"); });
    step("list", [&] {
        toolstack::Vec<Str> out(a);
        return g.list_matching("/etc/xen/auto", ".cfg", out);
    });
    step("remove", [&] { return g.remove("/var/a"); });
}

TEST(FsTreeMemory, EveryAllocationFailingInTurnFailsCleanlyWithoutLeaks)
{
    std::string archive = newc(dom0_files);
    long total = -1;
    for (long k = 0;; ++k) {
        Heap heap;
        heap.fail_at = k;
        toolstack::Allocator a{Heap::alloc, Heap::release, &heap};
        {
            fs::File_system g(a, 1 << 16);
            scenario(g, archive, a);
            heap.fail_at = -1;
            // Whatever happened, the file system still works.
            ASSERT_EQ(g.write("/after", "x"), Err::none);
            Str s;
            ASSERT_EQ(g.read("/after", s), Err::none);
        }
        EXPECT_EQ(heap.live_bytes, 0u) << "failing allocation " << k;
        EXPECT_EQ(heap.live_blocks, 0u) << "failing allocation " << k;
        if (!heap.refused) {
            total = k;
            break;
        }
    }
    EXPECT_GT(total, 15) << "the scenario allocates";
}

} // namespace
