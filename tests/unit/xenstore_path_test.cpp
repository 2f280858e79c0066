// Paths, permissions and the small text helpers under the store.
#include "tests/unit/xenstore_fixture.hpp"
#include "tools/lib/xenstore/store/path.hpp"
#include "tools/lib/xenstore/store/perms.hpp"

using namespace xstest;
using toolstack::Str;
using toolstack::Text;

namespace {

struct Paths : ::testing::Test {
    Test_allocator mem;
    toolstack::Allocator a = mem.allocator();

    std::string canon(const std::string& in, bool special = false, uint32_t path_max = 0)
    {
        Text out(a);
        Err e = xs::canonical_path(str(in), "/local/domain/7", special, path_max, out);
        return e == Err::none ? text(out) : std::string("<") + xs::err_name(e) + ">";
    }
};

} // namespace

using XenstorePath = Paths;

TEST_F(XenstorePath, GivenAbsolutePathWhenCanonicalisedThenItIsUnchanged)
{
    EXPECT_EQ(canon("/"), "/");
    EXPECT_EQ(canon("/local/domain/0/name"), "/local/domain/0/name");
    EXPECT_EQ(canon("/a-b_c@d/0"), "/a-b_c@d/0");
}

TEST_F(XenstorePath, GivenRelativePathWhenCanonicalisedThenItLandsUnderTheHome)
{
    EXPECT_EQ(canon("device/vif/0"), "/local/domain/7/device/vif/0");
    EXPECT_EQ(canon("x"), "/local/domain/7/x");
}

TEST_F(XenstorePath, GivenMalformedPathWhenCanonicalisedThenEinval)
{
    EXPECT_EQ(canon(""), "<EINVAL>");      // empty: home plus '/'
    EXPECT_EQ(canon("/a/"), "<EINVAL>");   // trailing slash
    EXPECT_EQ(canon("/a//b"), "<EINVAL>"); // doubled slash
    EXPECT_EQ(canon("/a b"), "<EINVAL>");  // space
    EXPECT_EQ(canon("/a.b"), "<EINVAL>");  // dot
    EXPECT_EQ(canon(std::string("/a\xff", 3)), "<EINVAL>");
    EXPECT_EQ(canon("data/"), "<EINVAL>");
}

TEST_F(XenstorePath, GivenSpecialNameWhenNotAllowedThenEinvalElseKept)
{
    EXPECT_EQ(canon("@releaseDomain"), "<EINVAL>");
    EXPECT_EQ(canon("@releaseDomain", true), "@releaseDomain");
    EXPECT_EQ(canon("@releaseDomain/5", true), "@releaseDomain/5");
    EXPECT_EQ(canon("@x/", true), "<EINVAL>");
}

TEST_F(XenstorePath, GivenPathLongerThanAbsMaxWhenCanonicalisedThenEinvalForEveryone)
{
    std::string ok = "/" + std::string(XENSTORE_ABS_PATH_MAX - 1, 'a');
    EXPECT_EQ(canon(ok), ok);
    EXPECT_EQ(canon(ok + "b"), "<EINVAL>");
}

TEST_F(XenstorePath, GivenPathMaxWhenTheRelativePartIsLongerThenEinval)
{
    // Below /local/domain/<id>/ only the rest counts.
    std::string rel(2048, 'r');
    EXPECT_EQ(canon(rel, false, 2048), "/local/domain/7/" + rel);
    EXPECT_EQ(canon(rel + "x", false, 2048), "<EINVAL>");
    std::string abs = "/" + std::string(2047, 'a');
    EXPECT_EQ(canon(abs, false, 2048), abs);
    EXPECT_EQ(canon(abs + "a", false, 2048), "<EINVAL>");
}

TEST(XenstorePathParts, GivenPathsWhenSplitThenParentAndBaseAsXenstored)
{
    EXPECT_EQ(xs::parent_of("/a/b"), Str("/a"));
    EXPECT_EQ(xs::parent_of("/a"), Str("/"));
    EXPECT_EQ(xs::parent_of("/"), Str("/"));
    EXPECT_EQ(xs::parent_of("@releaseDomain"), Str("/"));
    EXPECT_EQ(xs::base_name("/a/bc"), Str("bc"));
}

TEST(XenstorePathParts, GivenDepthWhenMatchingChildrenThenOnlyThatManyLevelsMatch)
{
    EXPECT_TRUE(xs::is_child("/a/b/c", "/a", -1));
    EXPECT_TRUE(xs::is_child("/a", "/a", 0));
    EXPECT_FALSE(xs::is_child("/a/b", "/a", 0));
    EXPECT_TRUE(xs::is_child("/a/b", "/a", 1));
    EXPECT_FALSE(xs::is_child("/a/b/c", "/a", 1));
    EXPECT_FALSE(xs::is_child("/ab", "/a", -1));
    EXPECT_TRUE(xs::is_child("/x", "/", 1));
    EXPECT_FALSE(xs::is_child("/x/y", "/", 1));
    EXPECT_FALSE(xs::is_child("/x", "/", 0));
    EXPECT_TRUE(xs::is_child("@releaseDomain/3", "@releaseDomain", 1));
}

TEST(XenstorePerms, GivenPermissionStringsWhenParsedThenFormattedTheSame)
{
    Test_allocator mem;
    toolstack::Allocator a = mem.allocator();
    std::string wire = z({"n0", "r5", "w7", "b65535"});
    xs::Perm p[4];
    ASSERT_EQ(xs::parse_perms(str(wire), 4, p), Err::none);
    EXPECT_EQ(p[1].id, 5);
    EXPECT_EQ(p[1].access, xs::perm_read);
    EXPECT_EQ(p[3].access, xs::perm_read | xs::perm_write);
    {
        Text out(a);
        xs::format_perms(p, 4, out);
        EXPECT_EQ(text(out), wire);
    }
    EXPECT_EQ(mem.live_blocks, 0u);
}

TEST(XenstorePerms, GivenBadPermissionStringsWhenParsedThenEinval)
{
    xs::Perm p[1];
    for (std::string bad : {"x1", "r", "r-1", "r1a", "r65536", "R1", "r 1"})
        EXPECT_EQ(xs::parse_perms(str(z(bad)), 1, p), Err::einval) << bad;
    EXPECT_EQ(xs::parse_perms(str("r1"), 1, p), Err::einval); // no NUL
}

TEST(XenstorePerms, GivenNodePermsWhenAskedThenOwnerEntriesAndDefaultDecide)
{
    const xs::Perm perms[] = {{3, xs::perm_read, 0}, {5, xs::perm_write, 0}, {6, xs::perm_none, 0}};
    auto access = [&](xs::Who w) { return xs::perm_for(w, perms, 3); };
    EXPECT_EQ(access({3, xs::no_target, false}), xs::perm_all);   // owner
    EXPECT_EQ(access({0, xs::no_target, true}), xs::perm_all);    // privileged
    EXPECT_EQ(access({5, xs::no_target, false}), xs::perm_write); // own entry
    EXPECT_EQ(access({6, xs::no_target, false}), xs::perm_none);  // own entry: none
    EXPECT_EQ(access({9, xs::no_target, false}), xs::perm_read);  // the default
    EXPECT_EQ(access({9, 3, false}), xs::perm_all);               // target owns it
    EXPECT_EQ(access({9, 5, false}), xs::perm_write);             // target's entry
    const xs::Perm any[] = {{0, xs::perm_none, 0}, {xs::domid_any, xs::perm_read, 0}};
    EXPECT_EQ(xs::perm_for({9, xs::no_target, false}, any, 2), xs::perm_read);
}

TEST(XenstoreText, GivenNumbersWhenParsedThenOnlyPlainDecimalWithinTheMaximum)
{
    uint64_t v;
    EXPECT_TRUE(toolstack::parse_u64("65535", 65535, v));
    EXPECT_EQ(v, 65535u);
    EXPECT_FALSE(toolstack::parse_u64("65536", 65535, v));
    EXPECT_FALSE(toolstack::parse_u64("", 10, v));
    EXPECT_FALSE(toolstack::parse_u64("+1", 10, v));
    EXPECT_FALSE(toolstack::parse_u64("7", 5, v));
    EXPECT_TRUE(toolstack::parse_u64("18446744073709551615", ~0ull, v));
    EXPECT_FALSE(toolstack::parse_u64("18446744073709551616", ~0ull, v));
    int64_t s;
    EXPECT_TRUE(toolstack::parse_i64("-9223372036854775808", s));
    EXPECT_EQ(s, INT64_MIN);
    EXPECT_FALSE(toolstack::parse_i64("-", s));
}
