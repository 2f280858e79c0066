// The domain builder refuses what dom0's builder refuses, with the same
// words and before any hypercall; and a failure at any step leaves nothing
// behind: the domain destroyed, no frame, no mapping, no memory.
#include "tools/lib/domain_builder/domain_builder.hpp"

#include "hypervisor/boot/elf_image.hpp"
#include "tests/unit/elf_image_builder.hpp"
#include "tests/unit/fake_builder_hypervisor.hpp"

#include <gtest/gtest.h>

#include <public/elfnote.h>

#include <string>

using buildtest::Counting_allocator;
using buildtest::Fake_hypervisor;
using toolstack::Build_error;
using toolstack::Build_request;
using toolstack::Build_result;

namespace {

using elftest::with_note;

elftest::Spec kernel_spec() { return with_note(elftest::linux_like(), XEN_ELFNOTE_MOD_START_PFN, {}); }

// A kernel whose one segment is at va, entry at its start, no hypercall page.
elftest::Spec kernel_at(uint32_t va)
{
    elftest::Spec s = with_note(kernel_spec(), XEN_ELFNOTE_HYPERCALL_PAGE, {});
    s = with_note(s, XEN_ELFNOTE_ENTRY, {elftest::num_note(XEN_ELFNOTE_ENTRY, va)});
    s.segments = {{va - 0xC0000000u, 0x1000, 0x1000, 1}};
    s.entry = va;
    return s;
}

class BuilderRefusal : public testing::Test {
protected:
    Fake_hypervisor hv;
    Counting_allocator mem;
    std::vector<uint8_t> kernel;
    Build_request req;
    Build_result out;
    Build_error err;

    void SetUp() override
    {
        req.memory_kib = 16 * 1024;
        use(kernel_spec());
    }
    void use(const elftest::Spec& s) { use_bytes(elftest::build(s)); }
    void use_bytes(std::vector<uint8_t> b)
    {
        kernel = std::move(b);
        req.kernel = kernel.data();
        req.kernel_len = kernel.size();
    }
    bool build() { return toolstack::build_pv_domain(hv, mem.a, req, out, err); }

    // Refused with errno e and a text containing 'why', and no hypercall.
    ::testing::AssertionResult refused(int e, const std::string& why)
    {
        if (build())
            return ::testing::AssertionFailure() << "built; expected '" << why << "'";
        if (err.xen_errno != e)
            return ::testing::AssertionFailure() << "errno " << err.xen_errno << ", want " << e
                                                 << " (" << err.text << ")";
        if (std::string(err.text).find(why) == std::string::npos)
            return ::testing::AssertionFailure() << "'" << err.text << "', want '" << why << "'";
        if (!hv.calls.empty())
            return ::testing::AssertionFailure() << hv.calls.size() << " hypercalls made, first "
                                                 << hv.calls[0];
        if (mem.live)
            return ::testing::AssertionFailure() << mem.live << " bytes kept";
        return ::testing::AssertionSuccess();
    }

    // Failed with errno e and a text containing 'why', after the domain
    // was created: it is destroyed, and no frame or mapping is left.
    ::testing::AssertionResult failed_cleanly(int e, const std::string& why)
    {
        if (build())
            return ::testing::AssertionFailure() << "built; expected '" << why << "'";
        if (err.xen_errno != e || std::string(err.text).find(why) == std::string::npos)
            return ::testing::AssertionFailure() << "errno " << err.xen_errno << " '" << err.text
                                                 << "', want " << e << " '" << why << "'";
        if (!hv.domains.empty() || !hv.frames.empty() || !hv.mapped.empty() || mem.live)
            return ::testing::AssertionFailure() << "something was left behind";
        if (hv.destroyed.size() != 1)
            return ::testing::AssertionFailure() << hv.destroyed.size() << " domains destroyed";
        return ::testing::AssertionSuccess();
    }

    // The text dom0's builder logs after "dom0: " for this kernel.
    std::string dom0_words()
    {
        Elf_image img;
        Elf_error e;
        EXPECT_FALSE(parse_elf_image(req.kernel, req.kernel ? req.kernel_len : 0, Elf_policy{}, img, e));
        return std::string("kernel refused: ") + e.text;
    }
};

TEST_F(BuilderRefusal, KernelRefusalsAreDom0sWordForWord)
{
    struct Case {
        const char* what;
        std::vector<uint8_t> image;
        const char* why;
    };
    elftest::Spec sixty_four = kernel_spec();
    sixty_four.ei_class = 2;
    elftest::Spec hole = kernel_at(0xF5400000);
    hole.segments[0].memsz = 0x800000; // runs into 0xF5800000
    std::vector<Case> cases = {
        {"not ELF", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "not an ELF image"},
        {"no data", {}, "not an ELF image (no data)"},
        {"64-bit", elftest::build(sixty_four), "64-bit kernel"},
        {"not PV", [] { elftest::Spec s = kernel_spec(); s.notes.clear(); return elftest::build(s); }(),
         "not a Xen PV kernel"},
        {"wrong ABI", elftest::build(with_note(kernel_spec(), XEN_ELFNOTE_XEN_VERSION,
                                               {elftest::str_note(XEN_ELFNOTE_XEN_VERSION, "xen-2.0")})),
         "not xen-3.0"},
        {"non-PAE", elftest::build(with_note(kernel_spec(), XEN_ELFNOTE_PAE_MODE, {})), "non-PAE kernel"},
        {"bad note", elftest::build(with_note(kernel_spec(), XEN_ELFNOTE_VIRT_BASE,
                                              {elftest::Note{"Xen", XEN_ELFNOTE_VIRT_BASE, {0, 0, 0}}})),
         "corrupt Xen note"},
        {"unknown required feature",
         elftest::build(with_note(kernel_spec(), XEN_ELFNOTE_FEATURES,
                                  {elftest::str_note(XEN_ELFNOTE_FEATURES, "!no_such_feature")})),
         "requires unknown feature"},
        {"feature not offered",
         elftest::build(with_note(kernel_spec(), XEN_ELFNOTE_FEATURES,
                                  {elftest::str_note(XEN_ELFNOTE_FEATURES, "!auto_translated_physmap")})),
         "does not offer"},
        {"HV_START_LOW above ours",
         elftest::build(with_note(kernel_spec(), XEN_ELFNOTE_HV_START_LOW,
                                  {elftest::num_note(XEN_ELFNOTE_HV_START_LOW, 0xF6000000)})),
         "HV_START_LOW"},
        {"image in the hypervisor hole", elftest::build(hole), "overlaps the hypervisor area"},
    };
    for (Case& c : cases) {
        SCOPED_TRACE(c.what);
        hv.calls.clear();
        if (c.image.empty()) {
            req.kernel = nullptr;
            req.kernel_len = 0;
        } else {
            use_bytes(c.image);
        }
        EXPECT_TRUE(refused(XEN_EINVAL, c.why));
        EXPECT_EQ(std::string(err.text), dom0_words());
    }
}

// The one difference: XENFEAT_dom0 is not offered, nor demanded, to a domU.
TEST_F(BuilderRefusal, KernelWithoutDom0SupportIsADomU)
{
    use(with_note(kernel_spec(), XEN_ELFNOTE_SUPPORTED_FEATURES,
                  {elftest::num_note(XEN_ELFNOTE_SUPPORTED_FEATURES, 0)}));
    EXPECT_TRUE(build()) << err.text;
    use(with_note(kernel_spec(), XEN_ELFNOTE_FEATURES,
                  {elftest::str_note(XEN_ELFNOTE_FEATURES, "!dom0")}));
    hv.calls.clear();
    EXPECT_TRUE(refused(XEN_EINVAL, "kernel requires feature dom0"));
}

TEST_F(BuilderRefusal, RegionReachingTheHypervisorAreaIsRefusedByTheLayout)
{
    use(kernel_at(0xF5600000));
    EXPECT_TRUE(refused(XEN_EINVAL, "cannot lay out 16 MiB: the bootstrap region would reach the "
                                    "hypervisor's area at 0xF5800000"));
}

TEST_F(BuilderRefusal, TooLittleMemoryForTheRegion)
{
    req.memory_kib = 2048;
    EXPECT_TRUE(refused(XEN_ENOMEM, std::string("cannot lay out 2 MiB: ") +
                                        boot_layout_error_text(Boot_layout_error::too_little_memory)));
}

TEST_F(BuilderRefusal, BadRequests)
{
    req.max_vcpus = 0;
    EXPECT_TRUE(refused(XEN_EINVAL, "0 vCPUs asked for"));
    req.max_vcpus = XEN_LEGACY_MAX_VCPUS + 1;
    EXPECT_TRUE(refused(XEN_EINVAL, "33 vCPUs asked for"));
    req.max_vcpus = 1;
    req.memory_kib = 16 * 1024 + 2;
    EXPECT_TRUE(refused(XEN_EINVAL, "not a positive multiple of 4 KiB"));
    req.memory_kib = 16 * 1024;
    req.max_memory_kib = 8 * 1024;
    EXPECT_TRUE(refused(XEN_EINVAL, "maximum memory 8192 KiB is below"));
}

TEST_F(BuilderRefusal, NoMemoryForTheP2mBeforeAnyHypercall)
{
    mem.fail = true;
    EXPECT_TRUE(refused(XEN_ENOMEM, "no memory for a 4096-entry p2m"));
}

// A call that fails midway: the n-th call of a name returns an errno (n = 0:
// the last one).
struct Midway {
    const char* call;
    unsigned nth;
    int err;
};

class BuilderFailsMidway : public BuilderRefusal, public testing::WithParamInterface<Midway> {};

TEST_P(BuilderFailsMidway, LeavesNoDomainNoFrameNoMapping)
{
    const Midway& m = GetParam();
    req.ramdisk = kernel.data(); // any bytes
    req.ramdisk_len = kernel.size();
    unsigned nth = m.nth;
    if (!nth) { // the last such call of a successful build
        Fake_hypervisor dry;
        Build_result r;
        Build_error e;
        ASSERT_TRUE(toolstack::build_pv_domain(dry, mem.a, req, r, e)) << e.text;
        nth = dry.count(m.call);
    }
    hv.fail(m.call, nth, m.err);
    ASSERT_FALSE(build());
    EXPECT_EQ(err.xen_errno, m.err) << err.text;
    EXPECT_NE(std::string(err.text).find("failed (-"), std::string::npos) << err.text;
    EXPECT_EQ(out.domid, 0);
    EXPECT_TRUE(hv.domains.empty());
    EXPECT_TRUE(hv.frames.empty());
    EXPECT_TRUE(hv.mapped.empty());
    EXPECT_EQ(mem.live, 0u);
    bool created = std::string(m.call) != "domctl:createdomain";
    EXPECT_EQ(hv.destroyed.size(), created ? 1u : 0u);
    EXPECT_EQ(hv.count("domctl:destroydomain"), created ? 1u : 0u);
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, BuilderFailsMidway,
    testing::Values(Midway{"domctl:createdomain", 1, XEN_EINVAL}, Midway{"domctl:max_vcpus", 1, XEN_EINVAL},
                    Midway{"domctl:max_mem", 1, XEN_EPERM}, Midway{"populate_physmap", 1, XEN_ENOMEM},
                    Midway{"populate_physmap", 3, XEN_ENOMEM}, Midway{"populate_physmap", 0, XEN_ENOMEM}, Midway{"map_foreign", 1, XEN_EFAULT},
                    Midway{"map_foreign", 1000, XEN_ENOMEM}, Midway{"map_foreign", 0, XEN_EINVAL},
                    Midway{"evtchn_alloc_unbound", 1, XEN_ENOSPC},
                    Midway{"evtchn_alloc_unbound", 2, XEN_ENOSPC},
                    Midway{"domctl:getdomaininfo", 1, XEN_ESRCH},
                    Midway{"domctl:hypercall_init", 1, XEN_EINVAL}, Midway{"mmuext:pin_l3", 1, XEN_EINVAL},
                    Midway{"domctl:setvcpucontext", 1, XEN_EINVAL},
                    Midway{"grant_setup_table", 1, XEN_EPERM},
                    Midway{"domctl:unpausedomain", 1, XEN_EINVAL}),
    [](const testing::TestParamInfo<Midway>& i) {
        std::string n = std::string(i.param.call) + "_" + std::to_string(i.param.nth);
        for (char& c : n)
            if (c == ':')
                c = '_';
        return n;
    });

TEST_F(BuilderRefusal, ShortPopulateIsOutOfMemoryAndCleansUp)
{
    hv.free_frames = 3000;
    EXPECT_TRUE(failed_cleanly(XEN_ENOMEM, "XENMEM_populate_physmap gave"));
}

TEST_F(BuilderRefusal, GrantTableSetupStatusIsAFailureToo)
{
    hv.grant_status = GNTST_permission_denied;
    EXPECT_TRUE(failed_cleanly(XEN_EINVAL, "GNTTABOP_setup_table of d7: status -"));
}

} // namespace
