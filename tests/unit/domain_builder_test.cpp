// The PV domain builder (tools/lib/domain_builder) against a fake
// hypervisor: what the new domain finds at start of day, read back the way
// its kernel would (through its own page tables from CR3), the calls made,
// the refusals dom0's builder makes, and that a failure leaves nothing.
#include "tools/lib/domain_builder/domain_builder.hpp"

#include "hypervisor/boot/elf_image.hpp"
#include "tests/unit/elf_image_builder.hpp"
#include "tests/unit/fake_builder_hypervisor.hpp"

#include <gtest/gtest.h>

#include <public/elfnote.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <set>
#include <fstream>
#include <iterator>

using buildtest::Counting_allocator;
using buildtest::Fake_hypervisor;
using toolstack::Build_error;
using toolstack::Build_request;
using toolstack::Build_result;

namespace {

// The fixture's kernel: Linux-like, its ramdisk mapped in the region.
elftest::Spec plain_kernel()
{
    return elftest::with_note(elftest::linux_like(), XEN_ELFNOTE_MOD_START_PFN, {});
}

struct Built {
    bool ok;
    Build_result result;
    Build_error error;
};

class DomainBuilder : public testing::Test {
protected:
    Fake_hypervisor hv;
    Counting_allocator mem;
    std::vector<uint8_t> kernel = elftest::build(plain_kernel());
    std::vector<uint8_t> ramdisk;
    Build_request req;

    void SetUp() override
    {
        ramdisk.resize(10000);
        for (size_t i = 0; i < ramdisk.size(); ++i)
            ramdisk[i] = static_cast<uint8_t>(i * 7 + 1);
        req.kernel = kernel.data();
        req.kernel_len = kernel.size();
        req.ramdisk = ramdisk.data();
        req.ramdisk_len = ramdisk.size();
        req.cmdline = "console=hvc0 root=/dev/xvda";
        req.memory_kib = 32 * 1024;
        req.max_vcpus = 2;
    }

    Built build()
    {
        Built b{};
        b.ok = toolstack::build_pv_domain(hv, mem.a, req, b.result, b.error);
        EXPECT_EQ(mem.live, 0u) << "the builder kept memory";
        EXPECT_TRUE(hv.mapped.empty()) << "a foreign mapping was left behind";
        return b;
    }

    const buildtest::Fake_domain& dom(const Built& b) { return hv.domains.at(b.result.domid); }

    // The guest's view: va translated through its page tables from CR3.
    uint64_t entry(xen_pfn_t table, unsigned i) const
    {
        uint64_t e;
        std::memcpy(&e, hv.frames.at(table)->data() + 8 * i, 8);
        return e;
    }
    // Machine frame behind va, or 0 when unmapped; flags of the L1 entry.
    xen_pfn_t walk(const Built& b, uint32_t va, uint64_t* l1_flags = nullptr)
    {
        xen_pfn_t l3 = xen_cr3_to_pfn(dom(b).context.ctrlreg[3]);
        uint64_t e3 = entry(l3, va >> 30);
        if (!(e3 & 1))
            return 0;
        uint64_t e2 = entry(static_cast<xen_pfn_t>(e3 >> 12), (va >> 21) & 511);
        if (!(e2 & 1))
            return 0;
        uint64_t e1 = entry(static_cast<xen_pfn_t>((e2 & ~0xFFFull) >> 12), (va >> 12) & 511);
        if (!(e1 & 1))
            return 0;
        if (l1_flags)
            *l1_flags = e1 & 0xFFF;
        return static_cast<xen_pfn_t>((e1 & ~0xFFFull) >> 12);
    }
    void read(const Built& b, uint32_t va, void* dst, size_t len)
    {
        auto* out = static_cast<uint8_t*>(dst);
        for (size_t i = 0; i < len; ++i, ++va) {
            xen_pfn_t m = walk(b, va);
            ASSERT_NE(m, 0u) << std::hex << "va " << va << " is not mapped";
            out[i] = hv.frame(m)[va & 4095];
        }
    }
    start_info_t start_info(const Built& b)
    {
        start_info_t si{};
        read(b, dom(b).context.user_regs.esi, &si, sizeof si);
        return si;
    }
    std::vector<xen_pfn_t> p2m(const Built& b)
    {
        start_info_t si = start_info(b);
        std::vector<xen_pfn_t> v(si.nr_pages);
        read(b, si.mfn_list, v.data(), v.size() * 4);
        return v;
    }
};

TEST_F(DomainBuilder, StartInfoIsFilledInAsLibxcDoesForADomU)
{
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    const Boot_layout& l = b.result.layout;
    start_info_t si = start_info(b);
    EXPECT_STREQ(si.magic, "xen-3.0-x86_32p");
    EXPECT_EQ(si.nr_pages, 8192u);
    EXPECT_EQ(si.shared_info, dom(b).shared_info_mfn << 12); // a machine address
    EXPECT_EQ(si.flags, 0u);
    EXPECT_EQ(si.pt_base, l.pt_base);
    EXPECT_EQ(si.nr_pt_frames, l.nr_pt_frames);
    EXPECT_EQ(si.mfn_list, l.p2m_start);
    EXPECT_EQ(si.mod_start, l.ramdisk_start);
    EXPECT_EQ(si.mod_len, ramdisk.size());
    EXPECT_STREQ(reinterpret_cast<const char*>(si.cmd_line), "console=hvc0 root=/dev/xvda");
    EXPECT_EQ(si.store_mfn, walk(b, l.store_page));
    EXPECT_EQ(si.console.domU.mfn, walk(b, l.console_page));
    EXPECT_EQ(si.store_mfn, b.result.store_mfn);
    EXPECT_EQ(si.console.domU.mfn, b.result.console_mfn);
    EXPECT_EQ(si.store_evtchn, b.result.store_evtchn);
    EXPECT_EQ(si.console.domU.evtchn, b.result.console_evtchn);
    EXPECT_NE(si.store_evtchn, si.console.domU.evtchn);
}

TEST_F(DomainBuilder, LayoutIsTheOneDom0sBuilderComputes)
{
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    Elf_image img;
    Elf_error e;
    Elf_policy p;
    p.dom0 = false;
    ASSERT_TRUE(parse_elf_image(kernel.data(), kernel.size(), p, img, e));
    Boot_layout want;
    Boot_layout_request r{img.virt_base, img.virt_kstart, img.virt_kend,
                          ramdisk.size(), 8192,          false};
    ASSERT_EQ(compute_boot_layout(r, want), Boot_layout_error::none);
    EXPECT_EQ(std::memcmp(&want, &b.result.layout, sizeof want), 0);
}

TEST_F(DomainBuilder, KernelAndRamdiskAreAtTheirVirtualAddresses)
{
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    // linux_like: segment 0 at 0xC0100000, 0x3000 bytes filled 0x10, 0x11, ...;
    // segment 1 at 0xC0103000, 0x800 file bytes then zero up to 0x2000.
    std::vector<uint8_t> text(0x3000), data(0x2000);
    read(b, 0xC0100000, text.data(), text.size());
    read(b, 0xC0103000, data.data(), data.size());
    for (size_t i = 0; i < text.size(); ++i)
        ASSERT_EQ(text[i], static_cast<uint8_t>(0x10 + i)) << i;
    for (size_t i = 0; i < data.size(); ++i)
        ASSERT_EQ(data[i], i < 0x800 ? static_cast<uint8_t>(0x80 + i) : 0) << i;
    std::vector<uint8_t> rd(ramdisk.size());
    read(b, b.result.layout.ramdisk_start, rd.data(), rd.size());
    EXPECT_EQ(rd, ramdisk);
    // Below the kernel, VIRT_BASE..image: mapped and zeroed, as the rest of
    // the region (frames came back dirty from the fake).
    uint8_t byte = 1;
    read(b, 0xC0000000, &byte, 1);
    EXPECT_EQ(byte, 0);
    read(b, b.result.layout.v_end - 1, &byte, 1);
    EXPECT_EQ(byte, 0);
}

TEST_F(DomainBuilder, P2mListNamesTheFramesPopulatedForEachPfn)
{
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    const Boot_layout& l = b.result.layout;
    std::vector<xen_pfn_t> m = p2m(b);
    ASSERT_EQ(m.size(), 8192u);
    std::set<xen_pfn_t> distinct(m.begin(), m.end());
    EXPECT_EQ(distinct.size(), m.size());
    for (uint32_t pfn = 0; pfn < m.size(); ++pfn) {
        ASSERT_EQ(hv.owner.at(m[pfn]), b.result.domid);
        if (pfn < l.region_pages) {
            ASSERT_EQ(walk(b, l.v_start + pfn * 4096), m[pfn]) << "pfn " << pfn;
            ASSERT_LT(m[pfn], 1u << 20) << "region frames must be below 4 GiB";
        }
    }
    EXPECT_EQ(dom(b).tot_pages, 8192u);
    EXPECT_EQ(dom(b).max_memkb, 32u * 1024);
}

TEST_F(DomainBuilder, EveryPresentTableEntryIsTheBootstrapMapping)
{
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    const Boot_layout& l = b.result.layout;
    std::vector<xen_pfn_t> m = p2m(b);
    xen_pfn_t l3 = xen_cr3_to_pfn(dom(b).context.ctrlreg[3]);
    EXPECT_EQ(l3, m[(l.pt_base - l.v_start) / 4096]);
    std::set<xen_pfn_t> tables;
    for (uint32_t i = 0; i < l.nr_pt_frames; ++i)
        tables.insert(m[(l.pt_base - l.v_start) / 4096 + i]);
    unsigned l2s = 0, l1s = 0, pages = 0;
    for (unsigned s = 0; s < 4; ++s) {
        uint64_t e3 = entry(l3, s);
        if (!(e3 & 1)) {
            EXPECT_EQ(e3, 0u);
            continue;
        }
        EXPECT_EQ(e3 & 0xFFF, boot_l3_flags);
        xen_pfn_t l2 = static_cast<xen_pfn_t>(e3 >> 12);
        EXPECT_TRUE(tables.count(l2));
        ++l2s;
        for (unsigned i = 0; i < 512; ++i) {
            uint64_t e2 = entry(l2, i);
            if (!(e2 & 1)) {
                EXPECT_EQ(e2, 0u);
                continue;
            }
            EXPECT_EQ(e2 & 0xFFF, boot_l2_flags);
            xen_pfn_t l1 = static_cast<xen_pfn_t>(e2 >> 12);
            EXPECT_TRUE(tables.count(l1));
            ++l1s;
            for (unsigned j = 0; j < 512; ++j) {
                uint64_t e1 = entry(l1, j);
                uint32_t va = s << 30 | i << 21 | j << 12;
                if (!(e1 & 1)) {
                    EXPECT_EQ(e1, 0u);
                    EXPECT_TRUE(va < l.v_start || va >= l.v_end) << std::hex << va;
                    continue;
                }
                ++pages;
                ASSERT_TRUE(va >= l.v_start && va < l.v_end) << std::hex << va;
                xen_pfn_t mfn = static_cast<xen_pfn_t>(e1 >> 12);
                ASSERT_EQ(mfn, m[(va - l.v_start) / 4096]);
                bool is_table = tables.count(mfn) != 0;
                EXPECT_EQ(is_table, va >= l.pt_base && va < l.pt_base + l.nr_pt_frames * 4096);
                EXPECT_EQ(e1 & 0xFFF, is_table ? boot_l1_table_flags : boot_l1_data_flags)
                    << std::hex << va;
                EXPECT_EQ(e1 & 2, is_table ? 0u : 2u) << "tables are mapped read-only";
            }
        }
    }
    EXPECT_EQ(l2s, l.nr_l2);
    EXPECT_EQ(l1s, l.nr_l1);
    EXPECT_EQ(pages, l.region_pages);
}

TEST_F(DomainBuilder, PinsTheL3OnTheNewDomainOnce)
{
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    ASSERT_EQ(dom(b).pinned_l3.size(), 1u);
    EXPECT_EQ(dom(b).pinned_l3[0], xen_cr3_to_pfn(dom(b).context.ctrlreg[3]));
    EXPECT_EQ(dom(b).table_frames.size(), b.result.layout.nr_pt_frames);
}

TEST_F(DomainBuilder, Vcpu0StartsAtTheEntryWithStartInfoInEsi)
{
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    const Boot_layout& l = b.result.layout;
    const vcpu_guest_context& c = dom(b).context;
    EXPECT_EQ(c.user_regs.eip, 0xC0100040u); // the ENTRY note
    EXPECT_EQ(c.user_regs.esi, l.start_info);
    EXPECT_EQ(c.user_regs.esp, l.stack_page + 4096);
    EXPECT_EQ(c.user_regs.cs, FLAT_KERNEL_CS);
    EXPECT_EQ(c.user_regs.ss, FLAT_KERNEL_SS);
    for (uint16_t s : {c.user_regs.ds, c.user_regs.es, c.user_regs.fs, c.user_regs.gs})
        EXPECT_EQ(s, FLAT_KERNEL_DS);
    EXPECT_EQ(c.user_regs.eflags, 1u << 9);
    EXPECT_EQ(c.kernel_ss, FLAT_KERNEL_SS);
    EXPECT_EQ(c.kernel_sp, c.user_regs.esp);
    EXPECT_EQ(c.flags & VGCF_in_kernel, static_cast<uint32_t>(VGCF_in_kernel));
    EXPECT_EQ(c.ctrlreg[3], xen_pfn_to_cr3(walk(b, l.pt_base)));
    EXPECT_EQ(c.event_callback_eip, 0u);
    EXPECT_EQ(c.failsafe_callback_eip, 0u);
    EXPECT_EQ(c.event_callback_cs, 0u);
    EXPECT_EQ(c.vm_assist, 1u << VMASST_TYPE_pae_extended_cr3); // PAE_MODE "yes" note
    EXPECT_FALSE(dom(b).paused);
}

TEST_F(DomainBuilder, ChannelsSharedInfoAndHypercallPage)
{
    req.store_domid = 0;
    req.console_domid = 3;
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    const auto& ports = dom(b).ports;
    ASSERT_EQ(ports.size(), 2u);
    EXPECT_EQ(ports[0].dom, b.result.domid);
    EXPECT_EQ(ports[0].remote_dom, 0);
    EXPECT_EQ(ports[0].port, b.result.store_evtchn);
    EXPECT_EQ(ports[1].remote_dom, 3);
    EXPECT_EQ(ports[1].port, b.result.console_evtchn);
    const auto* sh = reinterpret_cast<const shared_info*>(hv.frame(dom(b).shared_info_mfn).data());
    for (const vcpu_info& vi : sh->vcpu_info)
        EXPECT_EQ(vi.evtchn_upcall_mask, 1);
    EXPECT_EQ(sh->evtchn_pending[0], 0u);
    EXPECT_EQ(dom(b).hypercall_page, walk(b, 0xC0102000)); // the HYPERCALL_PAGE note
    uint8_t ring[4096];
    read(b, b.result.layout.console_page, ring, sizeof ring);
    EXPECT_EQ(std::count(ring, ring + sizeof ring, 0), 4096);
}

TEST_F(DomainBuilder, CallsFollowLibxcsOrder)
{
    req.domid = 12;
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    EXPECT_EQ(b.result.domid, 12);
    std::vector<std::string> distinct;
    for (const std::string& c : hv.calls)
        if (distinct.empty() || distinct.back() != c)
            distinct.push_back(c);
    std::vector<std::string> want = {
        "domctl:createdomain", "domctl:max_vcpus",      "domctl:max_mem",   "populate_physmap",
        "map_foreign",         "evtchn_alloc_unbound",  "domctl:getdomaininfo", "map_foreign",
        "domctl:hypercall_init", "map_foreign",         "mmuext:pin_l3",    "domctl:setvcpucontext",
        "grant_setup_table",   "map_foreign",           "domctl:unpausedomain"};
    EXPECT_EQ(distinct, want);
    EXPECT_EQ(dom(b).max_vcpus_set, 2u);
    EXPECT_EQ(dom(b).config.max_vcpus, 2u);
    EXPECT_EQ(dom(b).config.flags, 0u);
}

TEST_F(DomainBuilder, ReservedGrantsGiveTheRingsToTheirBackends)
{
    req.store_domid = 0;
    req.console_domid = 3;
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    ASSERT_NE(dom(b).grant_frame, 0u);
    const auto* g = reinterpret_cast<const grant_entry_v1_t*>(hv.frame(dom(b).grant_frame).data());
    EXPECT_EQ(g[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access);
    EXPECT_EQ(g[GNTTAB_RESERVED_CONSOLE].domid, 3);
    EXPECT_EQ(g[GNTTAB_RESERVED_CONSOLE].frame, b.result.console_mfn);
    EXPECT_EQ(g[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
    EXPECT_EQ(g[GNTTAB_RESERVED_XENSTORE].domid, 0);
    EXPECT_EQ(g[GNTTAB_RESERVED_XENSTORE].frame, b.result.store_mfn);
    for (unsigned i = 2; i < 512; ++i)
        ASSERT_EQ(g[i].flags, 0) << i;
}

TEST_F(DomainBuilder, NoGrantToTheDomainItself)
{
    req.domid = 9;
    req.console_domid = 9; // its own console backend (a stub domain's case)
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    const auto* g = reinterpret_cast<const grant_entry_v1_t*>(hv.frame(dom(b).grant_frame).data());
    EXPECT_EQ(g[GNTTAB_RESERVED_CONSOLE].flags, 0);
    EXPECT_EQ(g[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
}

TEST_F(DomainBuilder, StaysPausedWhenAskedTo)
{
    req.start = false;
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    EXPECT_TRUE(dom(b).paused);
    EXPECT_EQ(hv.count("domctl:unpausedomain"), 0u);
}

TEST_F(DomainBuilder, ModStartPfnKernelGetsItsRamdiskOutsideTheRegion)
{
    kernel = elftest::build(elftest::linux_like()); // declares MOD_START_PFN
    req.kernel = kernel.data();
    req.kernel_len = kernel.size();
    Built b = build();
    ASSERT_TRUE(b.ok) << b.error.text;
    const Boot_layout& l = b.result.layout;
    start_info_t si = start_info(b);
    EXPECT_EQ(si.flags, static_cast<uint32_t>(SIF_MOD_START_PFN));
    EXPECT_EQ(si.mod_start, l.region_pages);
    std::vector<xen_pfn_t> m = p2m(b);
    for (size_t i = 0; i < ramdisk.size(); ++i)
        ASSERT_EQ(hv.frame(m[l.region_pages + i / 4096])[i % 4096], ramdisk[i]) << i;
}

TEST_F(DomainBuilder, BuildsEveryTestGuestOfTheTree)
{
    for (const char* name : {"hello", "events", "grant_self"}) {
        std::ifstream in(std::string(XENITH_GUEST_DIR) + "/" + name + ".elf", std::ios::binary);
        kernel.assign(std::istreambuf_iterator<char>(in), {});
        ASSERT_GT(kernel.size(), 52u) << name;
        req.kernel = kernel.data();
        req.kernel_len = kernel.size();
        req.ramdisk = nullptr;
        req.ramdisk_len = 0;
        Built b = build();
        ASSERT_TRUE(b.ok) << name << ": " << b.error.text;
        EXPECT_EQ(start_info(b).mod_len, 0u);
    }
}

} // namespace
