// XEN_ELFNOTE_BSD_SYMTAB, as NetBSD kernels ask for it: the builder loads
// the kernel's symbol and string tables right after its image, behind a
// 32-bit size and an ELF header of three section headers (null, SYMTAB,
// STRTAB) whose offsets are relative to that header (Xen's libelf
// elf_load_bsdsyms). The guest finds its own guest_main there.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"

asm(R"(
    .pushsection .note.Xen, "a", @note
    .p2align 2
    .long 4, 4, 11
    .asciz "Xen"
    .p2align 2
    .asciz "yes"
    .popsection
)");

extern "C" char _bss_end[];

namespace {

uint32_t rd32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

bool names_equal(const char* a, const char* b)
{
    while (*a && *a == *b)
        ++a, ++b;
    return *a == *b;
}

} // namespace

void guest_main(start_info_t*)
{
    // The image's last segment ends with its bss; the block starts at the
    // next 4-byte boundary.
    const uint8_t* block = reinterpret_cast<const uint8_t*>((hc::arg(_bss_end) + 3) & ~3u);
    uint32_t size = rd32(block);
    const uint8_t* eh = block + 4;
    CHECK(size > 52 + 3 * 40, "a size word after the image");
    CHECK(eh[0] == 0x7F && eh[1] == 'E' && eh[2] == 'L' && eh[3] == 'F', "then an ELF header");
    CHECK_EQ(rd32(eh + 32), 52, "  e_shoff: the section headers follow it");
    CHECK_EQ(rd16(eh + 48), 3, "  e_shnum 3");
    CHECK_EQ(rd16(eh + 44), 0, "  no program headers");
    const uint8_t* sh0 = eh + 52;
    const uint8_t* sh1 = sh0 + 40;
    const uint8_t* sh2 = sh1 + 40;
    CHECK_EQ(rd32(sh1 + 4), 2, "section 1: SHT_SYMTAB");
    CHECK_EQ(rd32(sh1 + 24), 2, "  linked to section 2");
    CHECK_EQ(rd32(sh2 + 4), 3, "section 2: SHT_STRTAB");
    CHECK_EQ(rd32(sh2 + 16) + rd32(sh2 + 20), size, "  the size word covers up to the end of the strings");
    const uint8_t* syms = eh + rd32(sh1 + 16);
    const char* strs = reinterpret_cast<const char*>(eh + rd32(sh2 + 16));
    uint32_t nsyms = rd32(sh1 + 20) / 16, strsz = rd32(sh2 + 20);
    bool found = false;
    for (uint32_t i = 0; i < nsyms && !found; ++i) {
        uint32_t name = rd32(syms + 16 * i);
        if (name < strsz && names_equal(strs + name, "_Z10guest_mainP10start_info") &&
            rd32(syms + 16 * i + 4) == hc::arg(reinterpret_cast<void*>(&guest_main)))
            found = true;
    }
    CHECK(found, "guest_main is in the loaded symbol table at its own address");
}
