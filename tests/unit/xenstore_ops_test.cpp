// The node requests (READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART,
// GET_PERMS, SET_PERMS) as a guest and as the toolstack sends them, with
// their errors.
#include "tests/unit/xenstore_fixture.hpp"

using namespace xstest;

namespace {

class XenstoreOps : public Xenstore_test {};

} // namespace

TEST_F(XenstoreOps, GivenFreshStoreWhenReadThenTheInitialNodesAreThere)
{
    World& w = world();
    toolstack::Text names(w.alloc());
    ASSERT_EQ(w.dom0().directory("/", names), Err::none);
    EXPECT_EQ(text(names), z("tool"));
    ASSERT_EQ(w.dom0().directory("/tool", names), Err::none);
    EXPECT_EQ(text(names), z("xenstored"));
    ASSERT_EQ(w.dom0().get_perms("@releaseDomain", names), Err::none);
    EXPECT_EQ(text(names), z({"n0", "r" + std::to_string(DOMID_ANY)}));
    ASSERT_EQ(w.dom0().get_perms("@introduceDomain", names), Err::none);
    EXPECT_EQ(text(names), z("n0"));
}

TEST_F(XenstoreOps, GivenGuestWhenItWritesUnderItsDataThenItReadsTheValueBack)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Message m = w.call(g, XS_WRITE, z("data/x") + "hello");
    EXPECT_EQ(m.type, (uint32_t)XS_WRITE);
    EXPECT_EQ(m.payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/x"), "hello");
    EXPECT_EQ(w.read(g, "/local/domain/3/data/x"), "hello");
    EXPECT_EQ(w.dom0_read("/local/domain/3/data/x"), "hello");
}

TEST_F(XenstoreOps, GivenWriteWhenParentsAreMissingThenTheyAreMadeEmptyAndInherit)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/a/b/c") + "v").payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/a"), "");
    EXPECT_EQ(w.read(g, "data/a/b"), "");
    EXPECT_EQ(w.call(g, XS_DIRECTORY, z("data/a")).payload, z("b"));
    // A guest owns what it makes.
    EXPECT_EQ(w.call(g, XS_GET_PERMS, z("data/a/b/c")).payload, z("n3"));
}

TEST_F(XenstoreOps, GivenBinaryValueWhenWrittenThenReadReturnsEveryByte)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    std::string value("a\0b\0\xff", 5);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/bin") + value).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/bin"), value);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/empty")).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/empty"), "");
}

TEST_F(XenstoreOps, GivenWriteWithoutTerminatedPathWhenSentThenEinval)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_TRUE(w.call(g, XS_WRITE, "data/x").is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_WRITE, "").is_error("EINVAL"));
}

TEST_F(XenstoreOps, GivenReadArgumentsThatAreNotOneStringWhenSentThenEinval)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_TRUE(w.call(g, XS_READ, "data").is_error("EINVAL"));           // no NUL
    EXPECT_TRUE(w.call(g, XS_READ, z({"data", "x"})).is_error("EINVAL")); // two strings
    EXPECT_TRUE(w.call(g, XS_READ, "").is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_READ, z("data//x")).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_READ, z("@releaseDomain")).is_error("EINVAL"));
}

TEST_F(XenstoreOps, GivenMissingNodeWhenReadThenEnoentIfTheParentIsReadable)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_TRUE(w.call(g, XS_READ, z("data/nothing")).is_error("ENOENT"));
    EXPECT_TRUE(w.call(g, XS_READ, z("nothing")).is_error("ENOENT"));
    // Nothing is readable above /local/domain/3 for the guest.
    EXPECT_TRUE(w.call(g, XS_READ, z("/nothing")).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_READ, z("/local/domain/9/x")).is_error("EACCES"));
}

TEST_F(XenstoreOps, GivenMkdirWhenTheNodeExistsThenItsValueIsKept)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/d") + "keep").payload, z("OK"));
    EXPECT_EQ(w.call(g, XS_MKDIR, z("data/d")).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/d"), "keep");
    EXPECT_EQ(w.call(g, XS_MKDIR, z("data/e/f")).payload, z("OK"));
    EXPECT_EQ(w.read(g, "data/e/f"), "");
    EXPECT_TRUE(w.call(g, XS_MKDIR, z("/forbidden")).is_error("EACCES"));
}

TEST_F(XenstoreOps, GivenSubtreeWhenRemovedThenEveryNodeBelowIsGone)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    for (const char* p : {"data/t/a/1", "data/t/a/2", "data/t/b", "data/u"})
        ASSERT_EQ(w.call(g, XS_WRITE, z(p) + "x").payload, z("OK"));
    const xs::Usage* before = w.xs().usage(3);
    uint32_t nodes = before->nodes;
    EXPECT_EQ(w.call(g, XS_RM, z("data/t")).payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_READ, z("data/t/a/1")).is_error("ENOENT"));
    EXPECT_TRUE(w.call(g, XS_READ, z("data/t")).is_error("ENOENT"));
    EXPECT_EQ(w.call(g, XS_DIRECTORY, z("data")).payload, z("u"));
    EXPECT_EQ(w.xs().usage(3)->nodes, nodes - 5);
}

TEST_F(XenstoreOps, GivenMissingNodeWhenRemovedThenOkOnlyIfTheParentExists)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_EQ(w.call(g, XS_RM, z("data/none")).payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_RM, z("data/none/deeper")).is_error("ENOENT"));
}

TEST_F(XenstoreOps, GivenRootWhenRemovedThenEinvalAndTheStoreIsIntact)
{
    World& w = world();
    EXPECT_EQ(w.dom0().rm("/"), Err::einval);
    EXPECT_EQ(w.dom0_read("/tool/xenstored"), "");
}

TEST_F(XenstoreOps, GivenNodeWhenDirectoryListedThenChildrenInCreationOrder)
{
    World& w = world();
    for (const char* p : {"/d/z", "/d/a", "/d/m"})
        ASSERT_EQ(w.dom0().write(p, "1"), Err::none);
    toolstack::Text names(w.alloc());
    ASSERT_EQ(w.dom0().directory("/d", names), Err::none);
    EXPECT_EQ(text(names), z({"z", "a", "m"}));
    ASSERT_EQ(w.dom0().directory("/d/z", names), Err::none);
    EXPECT_EQ(text(names), "");
    EXPECT_EQ(w.dom0().directory("/nope", names), Err::enoent);
}

TEST_F(XenstoreOps, GivenDirectoryLongerThanAPayloadWhenListedThenE2bigButPartsWork)
{
    World& w = world();
    std::string all;
    for (int i = 0; i < 400; ++i) {
        std::string name = "child-number-" + std::to_string(i);
        ASSERT_EQ(w.dom0().write(str("/big/" + name), "x"), Err::none);
        all += z(name);
    }
    ASSERT_GT(all.size(), (size_t)XENSTORE_PAYLOAD_MAX);
    toolstack::Text names(w.alloc());
    EXPECT_EQ(w.dom0().directory("/big", names), Err::e2big);
    // DIRECTORY_PART: <generation>|<names from the offset>, a final empty
    // string once the list is complete.
    std::string got;
    std::string generation;
    for (int round = 0; round < 10; ++round) {
        toolstack::Text part(w.alloc());
        std::string req = z({"/big", std::to_string(got.size())});
        ASSERT_EQ(w.dom0().call(XS_DIRECTORY_PART, str(req), &part), Err::none);
        std::string p = text(part);
        ASSERT_LE(p.size(), (size_t)XENSTORE_PAYLOAD_MAX);
        size_t nul = p.find('\0');
        if (generation.empty())
            generation = p.substr(0, nul);
        EXPECT_EQ(p.substr(0, nul), generation);
        std::string names_part = p.substr(nul + 1);
        bool last = names_part.size() >= 1 && got.size() + names_part.size() - 1 == all.size() &&
                    names_part.back() == '\0' &&
                    (names_part.size() == 1 || names_part[names_part.size() - 2] == '\0');
        if (last && got.size() + names_part.size() - 1 == all.size()) {
            got += names_part.substr(0, names_part.size() - 1);
            break;
        }
        got += names_part;
    }
    EXPECT_EQ(got, all);
}

TEST_F(XenstoreOps, GivenDirectoryPartBadArgumentsWhenSentThenEinval)
{
    World& w = world();
    toolstack::Text part(w.alloc());
    EXPECT_EQ(w.dom0().call(XS_DIRECTORY_PART, str(z("/tool")), &part), Err::einval);
    EXPECT_EQ(w.dom0().call(XS_DIRECTORY_PART, str(z({"/tool", "x"})), &part), Err::einval);
    EXPECT_EQ(w.dom0().call(XS_DIRECTORY_PART, str(z({"/tool", "0", "1"})), &part), Err::einval);
    ASSERT_EQ(w.dom0().call(XS_DIRECTORY_PART, str(z({"/tool", "999"})), &part), Err::none);
    EXPECT_EQ(text(part).substr(text(part).find('\0')), std::string("\0\0", 2));
}

TEST_F(XenstoreOps, GivenNodeWhenWrittenThenItsGenerationGrows)
{
    World& w = world();
    ASSERT_EQ(w.dom0().write("/g", "1"), Err::none);
    auto generation = [&] {
        toolstack::Text part(w.alloc());
        EXPECT_EQ(w.dom0().call(XS_DIRECTORY_PART, str(z({"/g", "0"})), &part), Err::none);
        return std::stoull(text(part).substr(0, text(part).find('\0')));
    };
    uint64_t g1 = generation();
    ASSERT_EQ(w.dom0().write("/other", "1"), Err::none);
    EXPECT_EQ(generation(), g1);
    ASSERT_EQ(w.dom0().write("/g", "2"), Err::none);
    EXPECT_GT(generation(), g1);
}

TEST_F(XenstoreOps, GivenOwnerWhenSettingPermsThenGetPermsShowsThem)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/p") + "v").payload, z("OK"));
    EXPECT_EQ(w.call(g, XS_SET_PERMS, z({"data/p", "n3", "r0", "b5"})).payload, z("OK"));
    EXPECT_EQ(w.call(g, XS_GET_PERMS, z("data/p")).payload, z({"n3", "r0", "b5"}));
}

TEST_F(XenstoreOps, GivenSetPermsWhenMalformedThenEinval)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/p") + "v").payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z("data/p")).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z({"data/p", "x3"})).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z({"data/p", "n"})).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z({"data/p", "n3", ""})).is_error("EINVAL"));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z("data/p") + "n3").is_error("EINVAL"));
    EXPECT_EQ(w.call(g, XS_GET_PERMS, z("data/p")).payload, z("n3"));
}

TEST_F(XenstoreOps, GivenGuestWhenGivingItsNodeAwayThenEperm)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    ASSERT_EQ(w.call(g, XS_WRITE, z("data/p") + "v").payload, z("OK"));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z({"data/p", "n4"})).is_error("EPERM"));
    // The control domain may.
    xs::Perm to4[] = {{4, xs::perm_none, 0}};
    EXPECT_EQ(w.dom0().set_perms("/local/domain/3/data/p", to4, 1), Err::none);
    EXPECT_TRUE(w.call(g, XS_READ, z("data/p")).is_error("EACCES"));
}

TEST_F(XenstoreOps, GivenSpecialNodeWhenControlDomainSetsPermsThenGuestMayRead)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_TRUE(w.call(g, XS_GET_PERMS, z("@introduceDomain")).is_error("EACCES"));
    xs::Perm perms[] = {{0, xs::perm_none, 0}, {3, xs::perm_read, 0}};
    ASSERT_EQ(w.dom0().set_perms("@introduceDomain", perms, 2), Err::none);
    EXPECT_EQ(w.call(g, XS_GET_PERMS, z("@introduceDomain")).payload, z({"n0", "r3"}));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z({"@introduceDomain", "n3"})).is_error("EACCES"));
}

TEST_F(XenstoreOps, GivenUnknownOrReplyOnlyTypesWhenSentThenEnosys)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    for (uint32_t type :
         {uint32_t(XS_WATCH_EVENT), uint32_t(XS_ERROR), 20u, uint32_t(XS_GET_FEATURE),
          uint32_t(XS_SET_QUOTA), uint32_t(XS_TYPE_COUNT), 0xffffu, 0xdeadbeefu}) {
        Message m = w.call(g, type, z("x"));
        EXPECT_TRUE(m.is_error("ENOSYS")) << type;
    }
}

TEST_F(XenstoreOps, GivenRequestWhenAnsweredThenReqIdAndTxIdAreEchoed)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    uint32_t id = w.send(g, XS_READ, z("data"));
    Message m = w.reply(g, id);
    EXPECT_EQ(m.req_id, id);
    EXPECT_EQ(m.tx_id, 0u);
    Message e = w.call(g, XS_READ, z("data"), 77); // no such transaction
    EXPECT_TRUE(e.is_error("ENOENT"));
    EXPECT_EQ(e.tx_id, 77u);
}

TEST_F(XenstoreOps, GivenValueOfAFullPayloadWhenWrittenByControlDomainThenReadBack)
{
    World& w = world();
    std::string path = "/v";
    std::string value(XENSTORE_PAYLOAD_MAX - path.size() - 1, 'q');
    ASSERT_EQ(w.dom0().write(str(path), str(value)), Err::none);
    EXPECT_EQ(w.dom0_read(path), value);
    EXPECT_EQ(w.dom0().write(str(path), str(value + "q")), Err::e2big);
}

TEST_F(XenstoreOps, GivenControlDomainsNodesWhenAGuestTouchesThemThenEacces)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    EXPECT_TRUE(w.call(g, XS_DIRECTORY, z("/tool")).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_GET_PERMS, z("/tool")).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_RM, z("/tool")).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_SET_PERMS, z({"/tool", "n3"})).is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_WRITE, z("/tool/x") + "1").is_error("EACCES"));
    // Its home is readable, not writable.
    EXPECT_EQ(w.read(g, "/local/domain/3"), "");
    EXPECT_TRUE(w.call(g, XS_WRITE, z("/local/domain/3") + "1").is_error("EACCES"));
    EXPECT_TRUE(w.call(g, XS_WRITE, z("new") + "1").is_error("EACCES"));
    EXPECT_EQ(w.call(g, XS_RM, z("data/none")).payload, z("OK"));  // it owns data
    EXPECT_EQ(w.dom0_read("/tool/xenstored"), "");
}

TEST_F(XenstoreOps, GivenWriteAccessGrantedWhenAnotherGuestCreatesBelowThenItOwnsWhatItMade)
{
    World& w = world();
    Guest& g = w.add_guest(3);
    Guest& h = w.add_guest(4);
    ASSERT_EQ(w.call(g, XS_SET_PERMS, z({"data", "n3", "b4"})).payload, z("OK"));
    EXPECT_EQ(w.call(h, XS_WRITE, z("/local/domain/3/data/from4") + "hi").payload, z("OK"));
    EXPECT_EQ(w.call(h, XS_GET_PERMS, z("/local/domain/3/data/from4")).payload, z({"n4", "b4"}));
    EXPECT_EQ(w.read(g, "data/from4"), "<EACCES>");  // its default is n, as it inherited
}
