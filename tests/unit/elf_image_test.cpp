#include "hypervisor/boot/elf_image.hpp"
#include "tests/unit/elf_image_builder.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

using namespace elftest;

namespace {

struct Outcome {
    bool ok;
    Elf_image image;
    std::string error;
};

// A hypervisor offering what full Xen does to a PV kernel; the parser's
// rules are tested against it, independent of what Xenith offers today.
Elf_policy xen_like_policy()
{
    Elf_policy p;
    p.features_offered = 1u << XENFEAT_writable_page_tables | 1u << XENFEAT_pae_pgdir_above_4gb;
    return p;
}

Outcome parse(const std::vector<uint8_t>& b, const Elf_policy& policy = xen_like_policy())
{
    Outcome o{};
    Elf_error err;
    o.ok = parse_elf_image(b.data(), b.size(), policy, o.image, err);
    o.error = err.text;
    return o;
}

::testing::AssertionResult refused(const std::vector<uint8_t>& b, const std::string& why,
                                   const Elf_policy& policy = xen_like_policy())
{
    Outcome o = parse(b, policy);
    if (o.ok)
        return ::testing::AssertionFailure() << "accepted; expected refusal with '" << why << "'";
    if (o.error.find(why) == std::string::npos)
        return ::testing::AssertionFailure() << "refused with '" << o.error << "', expected '"
                                             << why << "'";
    return ::testing::AssertionSuccess();
}

// Records what load_segments writes, byte by byte.
struct Recording_sink final : Elf_sink {
    std::map<uint32_t, int> mem; // -1 for zeroed
    void copy(uint32_t dest, const uint8_t* src, uint32_t len) override
    {
        for (uint32_t i = 0; i < len; ++i)
            mem[dest + i] = src[i];
    }
    void zero(uint32_t dest, uint32_t len) override
    {
        for (uint32_t i = 0; i < len; ++i)
            mem[dest + i] = -1;
    }
};

} // namespace

TEST(ElfImage, AcceptsLinuxLikePaeKernelAndDecodesEveryNote)
{
    Outcome o = parse(build(linux_like()));
    ASSERT_TRUE(o.ok) << o.error;
    const Elf_image& im = o.image;
    EXPECT_STREQ(im.notes.guest_os, "linux");
    EXPECT_STREQ(im.notes.guest_version, "2.6");
    EXPECT_STREQ(im.notes.xen_version, "xen-3.0");
    EXPECT_STREQ(im.notes.loader, "generic");
    EXPECT_EQ(im.virt_base, 0xC0000000u);
    EXPECT_EQ(im.paddr_offset, 0u);
    EXPECT_EQ(im.virt_kstart, 0xC0100000u);
    EXPECT_EQ(im.virt_kend, 0xC0105000u);
    EXPECT_EQ(im.virt_entry, 0xC0100040u);
    EXPECT_TRUE(im.has_hypercall_page);
    EXPECT_EQ(im.virt_hypercall, 0xC0102000u);
    EXPECT_EQ(im.pae, Pae_mode::extended_cr3);
    EXPECT_EQ(im.features_required, 1u << XENFEAT_writable_page_tables);
    EXPECT_EQ(im.features_supported, 1u << XENFEAT_writable_page_tables |
                                         1u << XENFEAT_pae_pgdir_above_4gb | 1u << XENFEAT_dom0);
    EXPECT_TRUE(im.has_hv_start_low);
    EXPECT_EQ(im.hv_start_low, 0xF5800000u);
    EXPECT_TRUE(im.notes.suspend_cancel);
    EXPECT_TRUE(im.notes.mod_start_pfn);
    EXPECT_TRUE(im.notes.l1_mfn_valid);
    EXPECT_EQ(im.notes.l1_mfn_mask, 1u);
    EXPECT_FALSE(im.notes.bsd_symtab);
    EXPECT_FALSE(im.notes.legacy);
    EXPECT_EQ(im.notes.xen_note_count, 15u);
    ASSERT_EQ(im.segment_count, 2u);
    EXPECT_EQ(im.segments[1].vaddr, 0xC0103000u);
}

TEST(ElfImage, LoadsFileBytesAndZeroesTheRestOfEachSegment)
{
    std::vector<uint8_t> b = build(linux_like());
    Outcome o = parse(b);
    ASSERT_TRUE(o.ok) << o.error;
    Recording_sink sink;
    load_segments(o.image, sink);
    EXPECT_EQ(sink.mem.size(), 0x5000u);
    EXPECT_EQ(sink.mem.begin()->first, 0xC0100000u);
    EXPECT_EQ(sink.mem.rbegin()->first, 0xC0104FFFu);
    EXPECT_EQ(sink.mem[0xC0100000], 0x10);
    EXPECT_EQ(sink.mem[0xC0100001], 0x11);
    EXPECT_EQ(sink.mem[0xC0103000], 0x80);
    EXPECT_EQ(sink.mem[0xC01037FF], static_cast<uint8_t>(0x80 + 0x7FF));
    EXPECT_EQ(sink.mem[0xC0103800], -1);
    EXPECT_EQ(sink.mem[0xC0104FFF], -1);
}

TEST(ElfImage, ReadsEightByteNumericNotes)
{
    Spec s = with_note(linux_like(), 3, {num_note(3, 0xC0000000, 8)});
    s = with_note(s, 1, {num_note(1, 0xC0100080, 8)});
    Outcome o = parse(build(s));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_EQ(o.image.virt_base, 0xC0000000u);
    EXPECT_EQ(o.image.virt_entry, 0xC0100080u);
}

TEST(ElfImage, AppliesPaddrOffsetAsXenDoes)
{
    // Old kernels wrote __PAGE_OFFSET into p_paddr and said so in PADDR_OFFSET.
    Spec s = linux_like();
    for (Segment& seg : s.segments)
        seg.paddr += 0xC0000000;
    s = with_note(s, 4, {num_note(4, 0xC0000000)});
    Outcome o = parse(build(s));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_EQ(o.image.virt_kstart, 0xC0100000u);
    EXPECT_EQ(o.image.virt_kend, 0xC0105000u);
}

TEST(ElfImage, EntryDefaultsToElfHeaderWithoutEntryNote)
{
    Spec s = with_note(linux_like(), 1, {});
    s.entry = 0xC0100010;
    Outcome o = parse(build(s));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_EQ(o.image.virt_entry, 0xC0100010u);
}

TEST(ElfImage, FallsBackToShtNoteSection)
{
    Spec s = linux_like();
    s.notes_in_section = true;
    Outcome o = parse(build(s));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_EQ(o.image.virt_hypercall, 0xC0102000u);
}

TEST(ElfImage, BimodalAndYesBimodalAreAccepted)
{
    for (const char* mode : {"bimodal", "yes,bimodal"}) {
        Outcome o = parse(build(with_note(linux_like(), 9, {str_note(9, mode)})));
        ASSERT_TRUE(o.ok) << mode << ": " << o.error;
        EXPECT_EQ(o.image.pae, Pae_mode::bimodal) << mode;
    }
}

// ---- legacy __xen_guest ----------------------------------------------------

namespace {
Spec legacy(const std::string& guest)
{
    Spec s;
    s.entry = 0xC0000100;
    s.segments = {{0xC0000000, 0x4000, 0x6000, 0x20}};
    s.xen_guest = guest;
    return s;
}
} // namespace

TEST(ElfImageLegacy, ParsesXenGuestString)
{
    Outcome o = parse(build(legacy("GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,"
                                   "VIRT_BASE=0xC0000000,HYPERCALL_PAGE=0x2,LOADER=generic,"
                                   "PAE=yes[extended-cr3],FEATURES=writable_page_tables|"
                                   "!pae_pgdir_above_4gb,BSD_SYMTAB")));
    ASSERT_TRUE(o.ok) << o.error;
    const Elf_image& im = o.image;
    EXPECT_TRUE(im.notes.legacy);
    EXPECT_STREQ(im.notes.guest_version, "2.6");
    EXPECT_EQ(im.virt_base, 0xC0000000u);
    EXPECT_EQ(im.paddr_offset, 0xC0000000u); // legacy default: VIRT_BASE
    EXPECT_EQ(im.virt_kstart, 0xC0000000u);
    EXPECT_EQ(im.virt_kend, 0xC0006000u);
    EXPECT_EQ(im.virt_hypercall, 0xC0002000u); // pfn relative to VIRT_BASE
    EXPECT_EQ(im.pae, Pae_mode::extended_cr3);
    EXPECT_EQ(im.features_required, 1u << XENFEAT_pae_pgdir_above_4gb);
    EXPECT_TRUE(im.notes.bsd_symtab);
}

TEST(ElfImageLegacy, PlainPaeYesKeepsL3BelowFourGib)
{
    Outcome o = parse(build(legacy("GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,"
                                   "PAE=yes")));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_EQ(o.image.pae, Pae_mode::yes);
    EXPECT_FALSE(o.image.has_hypercall_page);
}

TEST(ElfImageLegacy, RefusesNonPaeAndGarbageNumbers)
{
    EXPECT_TRUE(refused(build(legacy("GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,"
                                     "PAE=no")),
                        "non-PAE kernel (PAE mode 'no')"));
    EXPECT_TRUE(refused(build(legacy("GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000")),
                        "non-PAE kernel (PAE mode 'absent')"));
    EXPECT_TRUE(refused(build(legacy("GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC00z,"
                                     "PAE=yes")),
                        "VIRT_BASE value '0xC00z' is not a number"));
    EXPECT_TRUE(refused(build(legacy("GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,"
                                     "HYPERCALL_PAGE=0x100000,PAE=yes")),
                        "HYPERCALL_PAGE 1048576 beyond 4 GiB"));
}

// ---- refusals: ELF structure -------------------------------------------------

TEST(ElfImageRefuses, NotElf)
{
    std::vector<uint8_t> b = build(linux_like());
    b[1] = 'X';
    EXPECT_TRUE(refused(b, "not an ELF image"));
    EXPECT_TRUE(refused({}, "not an ELF image"));
}

TEST(ElfImageRefuses, SixtyFourBitKernel)
{
    Spec s = linux_like();
    s.ei_class = 2;
    EXPECT_TRUE(refused(build(s), "64-bit kernel (ELFCLASS64)"));
}

TEST(ElfImageRefuses, UnknownClassBigEndianAndVersion)
{
    Spec s = linux_like();
    s.ei_class = 3;
    EXPECT_TRUE(refused(build(s), "not a 32-bit ELF image"));
    s = linux_like();
    s.ei_data = 2;
    EXPECT_TRUE(refused(build(s), "not a little-endian"));
    std::vector<uint8_t> b = build(linux_like());
    put32(b, 20, 2);
    EXPECT_TRUE(refused(b, "unknown ELF version 2"));
}

TEST(ElfImageRefuses, WrongMachine)
{
    Spec s = linux_like();
    s.machine = 62;
    EXPECT_TRUE(refused(build(s), "wrong machine 62 in ELF header (need EM_386 = 3; this is an "
                                  "x86-64 image)"));
    s.machine = 40;
    EXPECT_TRUE(refused(build(s), "wrong machine 40"));
}

TEST(ElfImageRefuses, NonExecutable)
{
    Spec s = linux_like();
    s.type = 3;
    EXPECT_TRUE(refused(build(s), "not an executable ELF image (e_type 3"));
}

TEST(ElfImageRefuses, TruncatedHeader)
{
    std::vector<uint8_t> b = build(linux_like());
    b.resize(40);
    EXPECT_TRUE(refused(b, "truncated ELF header: 40 bytes, need 52"));
}

TEST(ElfImageRefuses, CorruptProgramHeaderTable)
{
    std::vector<uint8_t> b = build(linux_like());
    put16(b, 42, 40);
    EXPECT_TRUE(refused(b, "e_phentsize 40"));
    b = build(linux_like());
    put16(b, 44, 0);
    EXPECT_TRUE(refused(b, "e_phnum 0"));
    b = build(linux_like());
    put32(b, 28, static_cast<uint32_t>(b.size() - 40));
    EXPECT_TRUE(refused(b, "program headers at offset"));
    b = build(linux_like());
    put32(b, 28, 0xFFFFFFF0u);
    EXPECT_TRUE(refused(b, "program headers at offset 4294967280"));
}

TEST(ElfImageRefuses, CorruptSectionHeaderTable)
{
    std::vector<uint8_t> b = build(linux_like());
    put16(b, 46, 32);
    EXPECT_TRUE(refused(b, "e_shentsize 32"));
    b = build(linux_like());
    put16(b, 50, 9);
    EXPECT_TRUE(refused(b, "e_shstrndx 9"));
}

TEST(ElfImageRefuses, EveryTruncationOfAValidImage)
{
    std::vector<uint8_t> full = build(linux_like());
    ASSERT_TRUE(parse(full).ok);
    for (size_t len = 0; len < full.size(); ++len) {
        std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(len));
        EXPECT_FALSE(parse(cut).ok) << "accepted a " << len << "-byte prefix";
    }
}

TEST(ElfImageRefuses, SegmentFileSizeAboveMemorySize)
{
    Spec s = linux_like();
    s.segments[1].memsz = 0x100;
    EXPECT_TRUE(refused(build(s), "p_filesz 0x800 > p_memsz 0x100"));
}

TEST(ElfImageRefuses, SegmentBytesPastEndOfImage)
{
    Layout l;
    std::vector<uint8_t> b = build(linux_like(), &l);
    put32(b, 52 + 32 + 16, 0x100000); // segment 1 p_filesz
    put32(b, 52 + 32 + 20, 0x100000);
    EXPECT_TRUE(refused(b, "truncated image: segment 1"));
}

TEST(ElfImageRefuses, OverlappingSegments)
{
    Spec s = linux_like();
    s.segments[1].paddr = 0x102000;
    EXPECT_TRUE(refused(build(s), "segments overlap"));
}

TEST(ElfImageRefuses, SegmentWrappingFourGib)
{
    Spec s = linux_like();
    s.segments[1].paddr = 0xFFFFF000;
    EXPECT_TRUE(refused(build(s), "segment 1 wraps"));
}

TEST(ElfImageRefuses, ImageWithoutLoadableSegments)
{
    Spec s = linux_like();
    for (Segment& seg : s.segments)
        seg.flags = 0;
    EXPECT_TRUE(refused(build(s), "no loadable segments"));
}

TEST(ElfImageRefuses, TooManySegments)
{
    Spec s = linux_like();
    s.segments.clear();
    for (uint32_t i = 0; i < 17; ++i)
        s.segments.push_back({0x100000 + i * 0x1000, 0x10, 0x1000, 0});
    EXPECT_TRUE(refused(build(s), "too many loadable segments"));
}

// ---- refusals: Xen metadata -------------------------------------------------

TEST(ElfImageRefuses, KernelWithoutNotesOrXenGuest)
{
    Spec s = linux_like();
    s.notes = {Note{"GNU", 3, {1, 2, 3, 4}}};
    EXPECT_TRUE(refused(build(s), "no Xen ELF notes and no __xen_guest section"));
}

TEST(ElfImageRefuses, NonXenGuest)
{
    Spec s = with_note(linux_like(), 8, {str_note(8, "plan9")});
    s = with_note(s, 6, {str_note(6, "Plan 9")});
    EXPECT_TRUE(refused(build(s), "LOADER 'plan9', GUEST_OS 'Plan 9'"));
    // Either of the two is enough, as in Xen.
    EXPECT_TRUE(parse(build(with_note(linux_like(), 6, {str_note(6, "NetBSD")}))).ok);
    EXPECT_TRUE(parse(build(with_note(linux_like(), 8, {}))).ok);
}

TEST(ElfImageRefuses, WrongXenVersion)
{
    EXPECT_TRUE(refused(build(with_note(linux_like(), 5, {str_note(5, "xen-2.0")})),
                        "built for Xen ABI 'xen-2.0', not xen-3.0"));
    EXPECT_TRUE(refused(build(with_note(linux_like(), 5, {})), "Xen ABI '', not xen-3.0"));
}

TEST(ElfImageRefuses, NonPaeKernel)
{
    EXPECT_TRUE(refused(build(with_note(linux_like(), 9, {str_note(9, "no")})),
                        "non-PAE kernel (PAE mode 'no')"));
    EXPECT_TRUE(refused(build(with_note(linux_like(), 9, {})),
                        "non-PAE kernel (PAE mode 'absent')"));
}

TEST(ElfImageRefuses, UnknownRequiredFeature)
{
    EXPECT_TRUE(refused(
        build(with_note(linux_like(), 10, {str_note(10, "pae_pgdir_above_4gb|!frobnicate")})),
        "kernel requires unknown feature 'frobnicate'"));
    // An unknown optional feature is ignored.
    EXPECT_TRUE(parse(build(with_note(linux_like(), 10, {str_note(10, "frobnicate||")}))).ok);
}

TEST(ElfImageRefuses, RequiredFeatureNotOffered)
{
    Spec s = with_note(linux_like(), 10, {str_note(10, "!auto_translated_physmap")});
    EXPECT_TRUE(refused(build(s), "requires feature auto_translated_physmap"));
    Elf_policy generous = xen_like_policy();
    generous.features_offered |= 1u << XENFEAT_auto_translated_physmap;
    EXPECT_TRUE(parse(build(s), generous).ok);
}

TEST(ElfImageRefuses, Dom0WhenSupportedFeaturesLacksDom0)
{
    Spec s = with_note(linux_like(), 17, {num_note(17, 0)});
    EXPECT_TRUE(refused(build(s), "does not support dom0 operation"));
    Elf_policy domu = xen_like_policy();
    domu.dom0 = false;
    EXPECT_TRUE(parse(build(s), domu).ok);
    // Without a SUPPORTED_FEATURES note there is nothing to check (old kernels).
    EXPECT_TRUE(parse(build(with_note(linux_like(), 17, {}))).ok);
}

TEST(ElfImageRefuses, HvStartLowAboveOurHypervisorArea)
{
    EXPECT_TRUE(refused(build(with_note(linux_like(), 12, {num_note(12, 0xF5A00000)})),
                        "start at or above 0xf5a00000 (HV_START_LOW), but it starts at "
                        "0xf5800000"));
    // Rounded up to 2 MiB: 0xF5700000 means "from 0xF5800000", fine.
    EXPECT_TRUE(parse(build(with_note(linux_like(), 12, {num_note(12, 0xF5700000)}))).ok);
    EXPECT_TRUE(parse(build(with_note(linux_like(), 12, {num_note(12, 0xF5800001)}))).ok ==
                false);
    EXPECT_TRUE(parse(build(with_note(linux_like(), 12, {num_note(12, 0x80000000)}))).ok);
}

TEST(ElfImageRefuses, SegmentOverlappingHypervisorArea)
{
    Spec s = linux_like();
    s.segments[1].paddr = 0x357FF000; // + 0xC0000000 = 0xF57FF000, memsz 0x2000
    EXPECT_TRUE(refused(build(s), "segment 0xf57ff000-0xf5801000 overlaps the hypervisor area"));
    s.segments[1].paddr = 0x357FE000; // ends exactly at 0xF5800000: fine
    s = with_note(s, 2, {});
    EXPECT_TRUE(parse(build(s)).ok);
}

TEST(ElfImageRefuses, SegmentShiftedPastFourGib)
{
    Spec s = with_note(linux_like(), 4, {num_note(4, 0xFFF00000, 8)});
    s.entry = 0;
    EXPECT_TRUE(refused(build(with_note(s, 1, {})), "lands outside the 32-bit address space"));
}

TEST(ElfImageRefuses, EntryOutsideImage)
{
    EXPECT_TRUE(refused(build(with_note(linux_like(), 1, {num_note(1, 0xC0105000)})),
                        "entry point 0xc0105000 is outside the loaded image "
                        "0xc0100000-0xc0105000"));
    EXPECT_TRUE(refused(build(with_note(linux_like(), 1, {num_note(1, 0x100040)})),
                        "entry point 0x100040"));
}

TEST(ElfImageRefuses, HypercallPageOutsideImageOrUnaligned)
{
    EXPECT_TRUE(refused(build(with_note(linux_like(), 2, {num_note(2, 0xC0200000)})),
                        "hypercall page 0xc0200000 is outside the loaded image"));
    EXPECT_TRUE(refused(build(with_note(linux_like(), 2, {num_note(2, 0x1C0102000ull, 8)})),
                        "hypercall page 0x1c0102000 is outside"));
    EXPECT_TRUE(refused(build(with_note(linux_like(), 2, {num_note(2, 0xC0102010)})),
                        "hypercall page 0xc0102010 is not page-aligned"));
}

TEST(ElfImageRefuses, VirtBaseAboveImageOrPaddrOffsetAlone)
{
    EXPECT_TRUE(refused(build(with_note(linux_like(), 4, {num_note(4, 0x200000)})),
                        "VIRT_BASE 0xc0000000 is above the image start 0xbff00000"));
    EXPECT_TRUE(refused(build(with_note(linux_like(), 3, {})),
                        "ELF_PADDR_OFFSET set but VIRT_BASE unset"));
}

TEST(ElfImageRefuses, InitP2mInsideImage)
{
    EXPECT_TRUE(refused(build(with_note(linux_like(), 15, {num_note(15, 0xC0101000)})),
                        "INIT_P2M 0xc0101000 lies inside the kernel image"));
    Outcome o = parse(build(with_note(linux_like(), 15, {num_note(15, 0xC8000000)})));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_EQ(o.image.init_p2m, 0xC8000000u);
}

TEST(ElfImageRefuses, EchoesOnlyPrintableBytesOfHostileStrings)
{
    Spec s = with_note(linux_like(), 8, {str_note(8, "gen\x1b[2Jeric")});
    s = with_note(s, 6, {str_note(6, "\x07nix")});
    EXPECT_TRUE(refused(build(s), "LOADER 'gen?[2Jeric', GUEST_OS '?nix'"));
    EXPECT_TRUE(refused(build(with_note(linux_like(), 10, {str_note(10, "!a\x01" "b")})),
                        "unknown feature 'a?b'"));
}

// ---- refusals: note encoding ---------------------------------------------------

TEST(ElfImageRefuses, StringNoteWithoutNul)
{
    Spec s = with_note(linux_like(), 6, {Note{"Xen", 6, {'l', 'i', 'n', 'u'}}});
    EXPECT_TRUE(refused(build(s), "corrupt Xen note GUEST_OS: string is not NUL-terminated"));
}

TEST(ElfImageRefuses, NumericNoteOfOddSize)
{
    Spec s = with_note(linux_like(), 1, {Note{"Xen", 1, {0, 0, 0x10}}});
    EXPECT_TRUE(refused(build(s), "corrupt Xen note ENTRY: numeric payload of 3 bytes"));
}

TEST(ElfImageRefuses, NoteRunningOutOfItsSegment)
{
    Layout l;
    std::vector<uint8_t> b = build(linux_like(), &l);
    put32(b, l.notes_off, 0x1000); // first note's namesz
    EXPECT_TRUE(refused(b, "corrupt note at offset 0: name of 4096 bytes"));
    b = build(linux_like(), &l);
    put32(b, l.notes_off + 4, 0x1000); // first note's descsz (a string: GUEST_OS)
    EXPECT_FALSE(parse(b).ok);
}

TEST(ElfImageRefuses, NumericNoteTruncatedByEndOfNotes)
{
    Spec s = linux_like();
    s.notes.push_back(num_note(3, 0xC0000000));
    Layout l;
    std::vector<uint8_t> b = build(s, &l);
    size_t last = l.notes_off + l.notes_len - 20;
    put32(b, last + 4, 8); // claims 8 bytes, 4 remain
    EXPECT_TRUE(refused(b, "truncated Xen note VIRT_BASE"));
}

// ---- feature list parser --------------------------------------------------------

TEST(XenFeatures, ParsesNamesBangsAndEmptyItems)
{
    const char list[] = "writable_descriptor_tables|!dom0||hvm_callback_vector|!";
    uint32_t sup = 0, req = 0;
    Elf_error err;
    ASSERT_TRUE(parse_feature_list(list, sizeof(list) - 1, sup, req, err)) << err.text;
    EXPECT_EQ(sup, 1u << 1 | 1u << 11 | 1u << 8);
    EXPECT_EQ(req, 1u << 11);
    EXPECT_STREQ(xen_feature_name(4), "pae_pgdir_above_4gb");
    EXPECT_EQ(xen_feature_name(12), nullptr);
    EXPECT_EQ(xen_feature_name(40), nullptr);
}

TEST(XenFeatures, NameMustMatchExactly)
{
    const char list[] = "!dom";
    uint32_t sup = 0, req = 0;
    Elf_error err;
    EXPECT_FALSE(parse_feature_list(list, sizeof(list) - 1, sup, req, err));
    EXPECT_STREQ(err.text, "kernel requires unknown feature 'dom'");
}

// ---- a real Xen PV kernel: Debian's PV GRUB (grub-xen-bin) ------------------------

TEST(ElfImageReal, PvGrubI386Xen)
{
    const char* out = "/tmp/xenith-elf-test-grub-i386-xen.elf";
    if (std::system("test -x /usr/bin/grub-mkimage && test -d /usr/lib/grub/i386-xen") != 0)
        GTEST_SKIP() << "grub-mkimage or /usr/lib/grub/i386-xen not installed";
    std::string cmd = std::string("grub-mkimage -O i386-xen -p /boot/grub -o ") + out +
                      " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::ifstream f(out, std::ios::binary);
    std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::remove(out);
    ASSERT_GT(b.size(), 4096u);

    Outcome o = parse(b);
    ASSERT_TRUE(o.ok) << o.error;
    const Elf_image& im = o.image;
    // GRUB's notes: GUEST_OS "GRUB", LOADER "generic", XEN_VERSION "xen-3.0",
    // ENTRY 0, VIRT_BASE 0, and PAE_MODE "yes" (declared 12 bytes, cut at EOF).
    EXPECT_STREQ(im.notes.guest_os, "GRUB");
    EXPECT_STREQ(im.notes.loader, "generic");
    EXPECT_STREQ(im.notes.xen_version, "xen-3.0");
    EXPECT_EQ(im.pae, Pae_mode::extended_cr3);
    EXPECT_EQ(im.virt_base, 0u);
    EXPECT_EQ(im.virt_kstart, 0u);
    EXPECT_EQ(im.virt_entry, 0u);
    EXPECT_GT(im.virt_kend, 0x10000u);
    EXPECT_LT(im.virt_kend, 0xF5800000u);
    EXPECT_FALSE(im.has_hypercall_page);
    EXPECT_EQ(im.features_required, 0u);
    EXPECT_GE(im.segment_count, 1u);

    Recording_sink sink;
    load_segments(im, sink);
    EXPECT_EQ(sink.mem.size(), im.virt_kend - im.virt_kstart);
}

TEST(ElfImageRefuses, FeaturesThisHypervisorDoesNotOffer)
{
    // Xenith's default policy offers what it implements: trap-and-emulate
    // page-table writes and L3s above 4 GiB, so kernels requiring them are
    // accepted; one requiring a translated physmap is refused by name.
    EXPECT_TRUE(parse(build(linux_like()), Elf_policy{}).ok);
    Spec high = with_note(linux_like(), 10, {str_note(10, "!pae_pgdir_above_4gb")});
    EXPECT_TRUE(parse(build(high), Elf_policy{}).ok);
    Spec s = with_note(linux_like(), 10, {str_note(10, "!auto_translated_physmap")});
    EXPECT_TRUE(refused(build(s), "requires feature auto_translated_physmap", Elf_policy{}));
}

// --- XEN_ELFNOTE_BSD_SYMTAB ----------------------------------------------------

namespace {

Spec with_symbols(Spec s, size_t symsz, size_t strsz)
{
    s.notes.push_back(str_note(11, "yes")); // XEN_ELFNOTE_BSD_SYMTAB
    for (size_t i = 0; i < symsz; ++i)
        s.symtab.push_back(static_cast<uint8_t>(0x40 + i));
    for (size_t i = 0; i < strsz; ++i)
        s.strtab.push_back(static_cast<uint8_t>(0xA0 + i));
    return s;
}

uint32_t word(const Recording_sink& m, uint32_t at)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; ++i)
        v |= static_cast<uint32_t>(m.mem.at(at + i) & 0xFF) << (8 * i);
    return v;
}

} // namespace

TEST(ElfImageBsdSymtab, TheTablesFollowTheImageBehindTheirOwnElfHeader)
{
    std::vector<uint8_t> bytes = build(with_symbols(linux_like(), 33, 10)); // loaded from below
    Outcome o = parse(bytes);
    ASSERT_TRUE(o.ok) << o.error;
    const Elf_image& im = o.image;
    ASSERT_TRUE(im.has_bsd_symtab);
    // Image ended at 0xC0105000: size word, 52-byte header, 3 x 40 section
    // headers (176 bytes), symtab 33 -> 36 rounded, strtab 10 -> 12.
    uint32_t block = 0xC0105000u;
    EXPECT_EQ(im.bsd.vaddr, block);
    EXPECT_EQ(im.virt_kend, block + 176 + 36 + 12);
    Recording_sink sink;
    load_segments(im, sink);
    uint32_t eh = block + 4;
    EXPECT_EQ(word(sink, block), 176u - 4 + 36 + 10) << "size counts from the ELF header";
    EXPECT_EQ(word(sink, eh), 0x464C457Fu) << "an ELF header";
    EXPECT_EQ(word(sink, eh + 32), 52u) << "e_shoff right after it";
    EXPECT_EQ(word(sink, eh + 48) & 0xFFFF, 3u) << "e_shnum";
    uint32_t sh1 = eh + 52 + 40, sh2 = sh1 + 40;
    EXPECT_EQ(word(sink, sh1 + 4), 2u) << "section 1 is the SYMTAB";
    EXPECT_EQ(word(sink, sh1 + 24), 2u) << "  linked to section 2";
    EXPECT_EQ(word(sink, sh2 + 4), 3u) << "section 2 is the STRTAB";
    uint32_t sym = eh + word(sink, sh1 + 16), str = eh + word(sink, sh2 + 16);
    EXPECT_EQ(sym, block + 176);
    EXPECT_EQ(str, block + 176 + 36);
    for (uint32_t i = 0; i < 33; ++i)
        ASSERT_EQ(sink.mem.at(sym + i), 0x40 + static_cast<int>(i));
    for (uint32_t i = 0; i < 10; ++i)
        ASSERT_EQ(sink.mem.at(str + i), 0xA0 + static_cast<int>(i));
    EXPECT_EQ(word(sink, eh + 44) & 0xFFFF, 0u) << "no program headers";
}

TEST(ElfImageBsdSymtab, WithoutTheNoteNothingIsAdded)
{
    Spec s = linux_like();
    s.symtab = {1, 2, 3, 4};
    s.strtab = {0};
    Outcome o = parse(build(s));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_FALSE(o.image.has_bsd_symtab);
    EXPECT_EQ(o.image.virt_kend, 0xC0105000u);
}

TEST(ElfImageBsdSymtab, TheNoteWithoutASymbolTableLoadsNoBlockAsXen)
{
    // Xen's libelf marks such an image broken, warns and loads it anyway.
    Spec s = linux_like();
    s.notes.push_back(str_note(11, "yes"));
    Outcome o = parse(build(s));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_FALSE(o.image.has_bsd_symtab);
    EXPECT_EQ(o.image.virt_kend, 0xC0105000u);
}

TEST(ElfImageBsdSymtab, ALinkThatIsNoStringTableLoadsNoBlockAsXen)
{
    Spec s = with_symbols(linux_like(), 16, 4);
    s.strtab_link = 0; // SHT_NULL, not a string table
    Outcome o = parse(build(s));
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_FALSE(o.image.has_bsd_symtab);
}

TEST(ElfImageBsdSymtab, TablesRunningPastTheImageLoadNoBlock)
{
    std::vector<uint8_t> b = build(with_symbols(linux_like(), 16, 4));
    // Grow the symtab section's size beyond the file.
    uint32_t shoff = get32(b, 32);
    uint16_t shnum = static_cast<uint16_t>(b[48] | b[49] << 8);
    for (uint16_t i = 0; i < shnum; ++i)
        if (get32(b, shoff + 40u * i + 4) == 2)
            put32(b, shoff + 40u * i + 20, 0x7FFFFFFF);
    Outcome o = parse(b);
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_FALSE(o.image.has_bsd_symtab) << "nothing is read from outside the image";
}
