// CONTROL: the commands this store knows, and EINVAL for the others.
#include "tests/unit/xenstore_fixture.hpp"

using namespace xstest;

namespace {

class XenstoreControl : public Xenstore_test {
protected:
    std::string control(std::initializer_list<std::string> args, Err* err = nullptr)
    {
        toolstack::Text r(world().alloc());
        Err e = world().dom0().call(XS_CONTROL, str(z(args)), &r);
        if (err)
            *err = e;
        return e == Err::none ? text(r) : std::string("<") + xs::err_name(e) + ">";
    }
};

} // namespace

TEST_F(XenstoreControl, GivenCheckWhenTheStoreIsConsistentThenOkAndLogged)
{
    World& w = world();
    EXPECT_EQ(control({"check"}), z("OK"));
    ASSERT_FALSE(w.log.empty());
    EXPECT_NE(w.log.back().find("0 problems"), std::string::npos);
    EXPECT_EQ(control({"check", "extra"}), "<EINVAL>");
}

TEST_F(XenstoreControl, GivenUnknownCommandWhenSentThenEinvalAsXenstored)
{
    world();
    EXPECT_EQ(control({"live-update", "-s"}), "<EINVAL>");
    EXPECT_EQ(control({"nonsense"}), "<EINVAL>");
    toolstack::Text r(world().alloc());
    EXPECT_EQ(world().dom0().call(XS_CONTROL, str("check"), &r), Err::einval); // no NUL
    EXPECT_EQ(world().dom0().call(XS_CONTROL, str(""), &r), Err::einval);
}

TEST_F(XenstoreControl, GivenLogOnWhenRequestsArriveThenEachIsLogged)
{
    World& w = world();
    EXPECT_EQ(control({"log"}).find("requests: off"), std::string("Log switch settings:\n").size());
    EXPECT_EQ(control({"log", "on"}), z("OK"));
    size_t before = w.log.size();
    ASSERT_EQ(w.dom0().write("/x", "1"), Err::none);
    ASSERT_GT(w.log.size(), before);
    EXPECT_NE(w.log.back().find("WRITE"), std::string::npos);
    EXPECT_EQ(control({"log", "off"}), z("OK"));
    EXPECT_EQ(control({"log", "loud"}), "<EINVAL>");
}

TEST_F(XenstoreControl, GivenPrintQuotaAndHelpWhenSentThenTheyAnswer)
{
    World& w = world();
    EXPECT_EQ(control({"print", "hello"}), z("OK"));
    EXPECT_EQ(w.log.back(), "control: hello");
    std::string q = control({"quota"});
    EXPECT_NE(q.find("nodes            :     1000"), std::string::npos) << q;
    EXPECT_NE(control({"quota", "0"}).find("Domain 0:"), std::string::npos);
    EXPECT_EQ(control({"quota", "77"}), "<ENOENT>");
    EXPECT_NE(control({"help"}).find("check"), std::string::npos);
}
