// The emulator's fast path for a plain 32-bit store (mov r32 to m32 with a
// base register), against the general decoder and executor it stands in
// for: every ModRM byte, displacements that land inside and outside the
// mapped data, instructions cut by the end of their code page, and a
// write that faults. Both must leave the same memory, registers, result,
// event and length.
#include <gtest/gtest.h>

#include <cstring>

#include "arch/x86_32/x86_emulate/insn.hpp"
#include "x86_emulate_fake.hpp"

namespace {

using namespace x86emul_test;

constexpr uint32_t data_va = 0x00800000u; // two pages mapped writable

struct Outcome {
    Rc rc;
    arch::Exception_frame regs;
    x86emul::Event event;
    uint8_t len;
    std::vector<uint8_t> data;
    std::vector<Seg> segs;
    std::vector<unsigned> fetch_sizes;
};

Outcome run(const std::vector<uint8_t>& code, uint32_t at, bool general)
{
    Fake_machine f;
    f.map(data_va, 2 * 4096);
    f.unmap(Fake_machine::code_va);
    f.map(at & ~0xFFFu, 4096, false);
    f.code(code, at);
    f.regs.eip = at;
    // Registers that point into the data, each a little apart, so every
    // base and source register is told apart.
    uint32_t* gprs[] = {&f.regs.eax, &f.regs.ecx, &f.regs.edx, &f.regs.ebx,
                        &f.regs.esp, &f.regs.ebp, &f.regs.esi, &f.regs.edi};
    for (uint32_t i = 0; i < 8; ++i)
        *gprs[i] = data_va + 0x800 + i * 0x44;
    Rc rc = general ? x86emul::detail::emulate_general(f.ctxt, f.regs) : f.run();
    Outcome o{rc, f.regs, f.ctxt.event, f.ctxt.insn_len, {}, f.segs, f.fetch_sizes};
    for (uint32_t i = 0; i < 2 * 4096; ++i)
        o.data.push_back(static_cast<uint8_t>(f.get(data_va + i, 1)));
    return o;
}

void expect_same(const std::vector<uint8_t>& code, uint32_t at)
{
    Outcome fast = run(code, at, false), general = run(code, at, true);
    std::string what = "ModRM " + std::to_string(code[1]) + " at " + std::to_string(at & 0xFFF);
    ASSERT_EQ(fast.rc, general.rc) << what;
    EXPECT_EQ(std::memcmp(&fast.regs, &general.regs, sizeof fast.regs), 0) << what;
    EXPECT_EQ(fast.event.vector, general.event.vector) << what;
    EXPECT_EQ(fast.event.error_code, general.event.error_code) << what;
    EXPECT_EQ(fast.event.cr2, general.event.cr2) << what;
    if (fast.rc == Rc::okay) {
        EXPECT_EQ(fast.len, general.len) << what;
    }
    EXPECT_EQ(fast.data, general.data) << what;
    EXPECT_EQ(fast.segs, general.segs) << what;
}

TEST(X86FastStore, GivenEveryModrmAndDisplacementWhenEmulatedThenSameAsTheGeneralPath)
{
    // Displacements: small positive and negative (inside the data), and
    // large (outside it: the write faults).
    const uint8_t disps[][4] = {{0x10, 0, 0, 0}, {0xF0, 0xFF, 0xFF, 0xFF},
                                {0x00, 0x00, 0x40, 0x00}, {0x7F, 0x01, 0x00, 0x00}};
    for (unsigned modrm = 0; modrm < 256; ++modrm)
        for (const auto& d : disps) {
            std::vector<uint8_t> code{0x89, static_cast<uint8_t>(modrm), d[0], d[1], d[2], d[3],
                                      0x90, 0x90};
            expect_same(code, Fake_machine::code_va + 0x100);
            // The instruction's last bytes at the end of its code page: the
            // next page is not mapped, so a fetch past it faults.
            for (uint32_t left = 2; left <= 6; ++left)
                expect_same(std::vector<uint8_t>(code.begin(), code.begin() + left),
                            Fake_machine::code_va + 4096 - left);
        }
}

TEST(X86FastStore, GivenMovWithABaseRegisterWhenEmulatedThenTheFastPathRanAndStored)
{
    // mov %eax, 0x10(%ebx): one fetch of the 6 bytes the fast path reads
    // (the general decoder asks for up to 15).
    Outcome o = run({0x89, 0x43, 0x10, 0x90, 0x90, 0x90, 0x90, 0x90}, Fake_machine::code_va, false);
    ASSERT_EQ(o.rc, Rc::okay);
    EXPECT_EQ(o.fetch_sizes, std::vector<unsigned>{6});
    EXPECT_EQ(o.regs.eip, Fake_machine::code_va + 3);
    uint32_t at = 0x800 + 3 * 0x44 + 0x10, stored;
    std::memcpy(&stored, &o.data[at], 4);
    EXPECT_EQ(stored, data_va + 0x800u); // eax's value
    EXPECT_EQ(o.segs, std::vector<Seg>{Seg::ds});
}

TEST(X86FastStore, GivenFormsItDoesNotTakeWhenEmulatedThenTheGeneralPathRunsOnTheFetchedBytes)
{
    // A SIB byte, an absolute address, a prefix, a byte store, an
    // immediate: each goes to the general decoder, which goes on from the
    // 6 bytes fetched already, fetching the rest (up to 15) only for an
    // instruction longer than that.
    struct Form {
        std::vector<uint8_t> code;
        std::vector<unsigned> fetches;
    };
    const Form forms[] = {
        {{0x89, 0x04, 0x23}, {6}},
        {{0x89, 0x05, 0x00, 0x08, 0x80, 0x00}, {6}},
        {{0x66, 0x89, 0x03}, {6}},
        {{0x88, 0x03}, {6}},
        {{0x3E, 0x89, 0x03}, {6}},
        {{0xC7, 0x43, 0x10, 0x78, 0x56, 0x34, 0x12}, {6, 9}},
    };
    for (const auto& form : forms) {
        std::vector<uint8_t> padded = form.code;
        padded.resize(16, 0x90);
        Outcome o = run(padded, Fake_machine::code_va, false);
        EXPECT_EQ(o.rc, Rc::okay) << "form starting " << int(form.code[0]);
        EXPECT_EQ(o.regs.eip, Fake_machine::code_va + form.code.size());
        EXPECT_EQ(o.fetch_sizes, form.fetches) << "form starting " << int(form.code[0]);
        expect_same(padded, Fake_machine::code_va);
    }
}

} // namespace
