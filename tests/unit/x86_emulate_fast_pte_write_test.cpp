// The emulator's fast paths for page-table writes (mov r32 to m32, and
// cmpxchg8b bare, locked or DS-prefixed, with a base register), against
// the general decoder and executor they stand in for: every ModRM byte,
// displacements that land inside and outside the mapped data,
// instructions cut by the end of their code page, writes that fault,
// compare-exchanges that match, differ and lose a race. Both must leave
// the same memory, registers, result, event and length.
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

struct Memory_state {
    bool zero_acc = false; // EDX:EAX = 0, what the zeroed data holds
    bool conflict = false; // every compare-exchange loses its race
};

Outcome run(const std::vector<uint8_t>& code, uint32_t at, bool general, Memory_state setup = {})
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
    if (setup.zero_acc)
        f.regs.eax = f.regs.edx = 0;
    f.cmpxchg_conflict = setup.conflict;
    Rc rc = general ? x86emul::detail::emulate_general(f.ctxt, f.regs) : f.run();
    Outcome o{rc, f.regs, f.ctxt.event, f.ctxt.insn_len, {}, f.segs, f.fetch_sizes};
    for (uint32_t i = 0; i < 2 * 4096; ++i)
        o.data.push_back(static_cast<uint8_t>(f.get(data_va + i, 1)));
    return o;
}

void expect_same(const std::vector<uint8_t>& code, uint32_t at, Memory_state setup = {})
{
    Outcome fast = run(code, at, false, setup), general = run(code, at, true, setup);
    std::string what;
    for (uint8_t b : code)
        what += std::to_string(b) + " ";
    what += "at " + std::to_string(at & 0xFFF);
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

TEST(X86FastPteWrite, GivenEveryModrmAndDisplacementWhenEmulatedThenSameAsTheGeneralPath)
{
    // Displacements: small positive and negative (inside the data), and
    // large (outside it: the write faults).
    const uint8_t disps[][4] = {{0x10, 0, 0, 0},
                                {0xF0, 0xFF, 0xFF, 0xFF},
                                {0x00, 0x00, 0x40, 0x00},
                                {0x7F, 0x01, 0x00, 0x00}};
    for (unsigned modrm = 0; modrm < 256; ++modrm)
        for (const auto& d : disps) {
            std::vector<uint8_t> code{
                0x89, static_cast<uint8_t>(modrm), d[0], d[1], d[2], d[3], 0x90, 0x90};
            expect_same(code, Fake_machine::code_va + 0x100);
            // The instruction's last bytes at the end of its code page: the
            // next page is not mapped, so a fetch past it faults.
            for (uint32_t left = 2; left <= 6; ++left)
                expect_same(std::vector<uint8_t>(code.begin(), code.begin() + left),
                            Fake_machine::code_va + 4096 - left);
        }
}

TEST(X86FastPteWrite, GivenEveryCmpxchg8bFormWhenEmulatedThenSameAsTheGeneralPath)
{
    const uint8_t disps[][4] = {
        {0x10, 0, 0, 0}, {0xF0, 0xFF, 0xFF, 0xFF}, {0x00, 0x00, 0x40, 0x00}};
    const std::vector<uint8_t> prefixes[] = {{}, {0xF0}, {0x3E}, {0x36}};
    const Memory_state setups[] = {{false, false}, {true, false}, {true, true}};
    for (const auto& prefix : prefixes)
        for (unsigned modrm = 0; modrm < 256; ++modrm)
            for (const auto& d : disps)
                for (const Memory_state& setup : setups) {
                    std::vector<uint8_t> code = prefix;
                    for (uint8_t b : {uint8_t{0x0F}, uint8_t{0xC7}, static_cast<uint8_t>(modrm),
                                      d[0], d[1], d[2], d[3], uint8_t{0x90}, uint8_t{0x90}})
                        code.push_back(b);
                    expect_same(code, Fake_machine::code_va + 0x100, setup);
                    for (uint32_t left = 3; left <= 8; ++left)
                        expect_same(std::vector<uint8_t>(code.begin(), code.begin() + left),
                                    Fake_machine::code_va + 4096 - left, setup);
                }
}

TEST(X86FastPteWrite, GivenDsPrefixedCmpxchg8bWhenItMatchesThenTheFastPathStoredAndSetZf)
{
    // ds cmpxchg8b (%esi), as a uniprocessor Linux's set_64bit traps with:
    // one 8-byte fetch, the read, the compare-exchange against it.
    Outcome o = run({0x3E, 0x0F, 0xC7, 0x0E, 0x90, 0x90, 0x90, 0x90}, Fake_machine::code_va, false,
                    {true, false});
    ASSERT_EQ(o.rc, Rc::okay);
    EXPECT_EQ(o.fetch_sizes, std::vector<unsigned>{8});
    EXPECT_EQ(o.regs.eip, Fake_machine::code_va + 4);
    EXPECT_TRUE(o.regs.eflags & (1u << 6));
    uint32_t at = 0x800 + 6 * 0x44;
    uint64_t stored;
    std::memcpy(&stored, &o.data[at], 8);
    EXPECT_EQ(stored, (uint64_t{o.regs.ecx} << 32) | o.regs.ebx);
    EXPECT_EQ(o.segs, (std::vector<Seg>{Seg::ds, Seg::ds}));
}

TEST(X86FastPteWrite, GivenMovWithABaseRegisterWhenEmulatedThenTheFastPathRanAndStored)
{
    // mov %eax, 0x10(%ebx): one fetch of the 8 bytes the fast paths read
    // at most (the general decoder asks for up to 15).
    Outcome o = run({0x89, 0x43, 0x10, 0x90, 0x90, 0x90, 0x90, 0x90}, Fake_machine::code_va, false);
    ASSERT_EQ(o.rc, Rc::okay);
    EXPECT_EQ(o.fetch_sizes, std::vector<unsigned>{8});
    EXPECT_EQ(o.regs.eip, Fake_machine::code_va + 3);
    uint32_t at = 0x800 + 3 * 0x44 + 0x10, stored;
    std::memcpy(&stored, &o.data[at], 4);
    EXPECT_EQ(stored, data_va + 0x800u); // eax's value
    EXPECT_EQ(o.segs, std::vector<Seg>{Seg::ds});
}

TEST(X86FastPteWrite, GivenFormsItDoesNotTakeWhenEmulatedThenTheGeneralPathRunsOnTheFetchedBytes)
{
    // A SIB byte, an absolute address, a prefix, a byte store, an
    // immediate: each goes to the general decoder, which goes on from the
    // 8 bytes fetched already, fetching the rest (up to 15) only for an
    // instruction longer than that.
    struct Form {
        std::vector<uint8_t> code;
        std::vector<unsigned> fetches;
    };
    const Form forms[] = {
        {{0x89, 0x04, 0x23}, {8}},
        {{0x89, 0x05, 0x00, 0x08, 0x80, 0x00}, {8}},
        {{0x66, 0x89, 0x03}, {8}},
        {{0x88, 0x03}, {8}},
        {{0x3E, 0x89, 0x03}, {8}},
        {{0xC7, 0x43, 0x10, 0x78, 0x56, 0x34, 0x12}, {8}},
        {{0xC7, 0x83, 0x10, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12}, {8, 7}},
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
