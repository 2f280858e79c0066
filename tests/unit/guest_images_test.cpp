// The PV test guests (tests/guests, built by the same CMake build) must be
// images a Xen domain builder accepts, with the notes guest-abi declares.
#include "hypervisor/boot/elf_image.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

const char* const guest_names[] = {"hello",  "version", "sched",      "multicall", "memory",
                                   "traps",  "privileged", "badptr", "events",  "memory_errors", "pirq",
                                   "console_input", "platform", "grant_self", "smp_vcpus", "echo", "xs_guest"};

std::vector<uint8_t> read_guest(const std::string& name)
{
    std::ifstream in(std::string(XENITH_GUEST_DIR) + "/" + name + ".elf", std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

uint32_t le32(const std::vector<uint8_t>& b, size_t off)
{
    uint32_t v = 0;
    std::memcpy(&v, b.data() + off, sizeof v);
    return v;
}

class GuestImage : public testing::TestWithParam<const char*> {};

TEST_P(GuestImage, IsAcceptedAsDom0WithTheDeclaredNotes)
{
    std::vector<uint8_t> bytes = read_guest(GetParam());
    ASSERT_GT(bytes.size(), 52u) << "missing " << GetParam() << ".elf";

    Elf_image img;
    Elf_error err;
    ASSERT_TRUE(parse_elf_image(bytes.data(), bytes.size(), Elf_policy{}, img, err)) << err.text;

    EXPECT_STREQ(img.notes.guest_os, "Xenith-test");
    EXPECT_STREQ(img.notes.xen_version, "xen-3.0");
    EXPECT_STREQ(img.notes.loader, "generic");
    EXPECT_FALSE(img.notes.legacy);
    // A PAE_MODE note saying "yes" means extended-cr3 (libelf).
    EXPECT_EQ(img.pae, Pae_mode::extended_cr3);
    EXPECT_EQ(img.virt_base, 0xC0000000u);
    EXPECT_EQ(img.paddr_offset, 0xC0000000u);
    EXPECT_EQ(img.features_required, 0u);
    EXPECT_NE(img.features_supported & (1u << XENFEAT_pae_pgdir_above_4gb), 0u);
}

TEST_P(GuestImage, LoadsAtItsLinkAddressBelowTheHypervisor)
{
    std::vector<uint8_t> bytes = read_guest(GetParam());
    Elf_image img;
    Elf_error err;
    ASSERT_TRUE(parse_elf_image(bytes.data(), bytes.size(), Elf_policy{}, img, err)) << err.text;

    // p_paddr - PADDR_OFFSET + VIRT_BASE == p_vaddr for every segment.
    EXPECT_EQ(img.virt_kstart, 0xC0000000u);
    EXPECT_LE(img.virt_kend, 0xF5800000u);
    ASSERT_GE(img.segment_count, 1u);
    const uint32_t phoff = le32(bytes, 28);
    for (unsigned i = 0; i < img.segment_count; ++i) {
        EXPECT_GE(img.segments[i].vaddr, img.virt_kstart);
        EXPECT_LE(img.segments[i].vaddr + img.segments[i].memsz, img.virt_kend);
    }
    EXPECT_EQ(le32(bytes, phoff + 8), le32(bytes, phoff + 12)) << "p_vaddr != p_paddr";
}

TEST_P(GuestImage, EntryAndHypercallPageAreWhereTheNotesSay)
{
    std::vector<uint8_t> bytes = read_guest(GetParam());
    Elf_image img;
    Elf_error err;
    ASSERT_TRUE(parse_elf_image(bytes.data(), bytes.size(), Elf_policy{}, img, err)) << err.text;

    const uint32_t e_entry = le32(bytes, 24);
    EXPECT_EQ(img.virt_entry, e_entry);
    EXPECT_EQ(img.notes.entry, e_entry);
    ASSERT_TRUE(img.has_hypercall_page);
    EXPECT_EQ(img.virt_hypercall, 0xC0000000u);
    EXPECT_EQ(img.virt_hypercall % 4096, 0u);
    // The entry point is outside the hypercall page the hypervisor overwrites.
    EXPECT_GE(e_entry, img.virt_hypercall + 4096);

    // The page's file bytes are the int3 filler (a call before Xen fills it traps).
    const Elf_segment& text = img.segments[0];
    ASSERT_EQ(text.vaddr, img.virt_hypercall);
    ASSERT_GE(text.filesz, 4096u);
    for (uint32_t i = 0; i < 4096; ++i)
        ASSERT_EQ(bytes[text.offset + i], 0xCC) << "at offset " << i;
}

INSTANTIATE_TEST_SUITE_P(Guests, GuestImage, testing::ValuesIn(guest_names),
                         [](const testing::TestParamInfo<const char*>& p) {
                             return std::string(p.param);
                         });

} // namespace
