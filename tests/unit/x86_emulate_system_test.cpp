// System instructions through their hooks, the CPL-0 rule, and the
// caller's class filter: a class it does not allow is unhandleable and
// none of its hooks is called.
#include <gtest/gtest.h>

#include "x86_emulate_fake.hpp"

namespace {

using namespace x86emul_test;

struct X86System : ::testing::Test {
    Fake_machine f;
    Rc run(std::vector<uint8_t> code)
    {
        f.code(code);
        return f.run();
    }
    uint32_t next_eip(unsigned len) const { return Fake_machine::code_va + len; }
};

TEST_F(X86System, GivenInWithImmediatePortWhenEmulatedThenAlReplacedOnly)
{
    f.port_in[0x71] = 0x5A;
    f.regs.eax = 0x12345678;
    ASSERT_EQ(run(bytes({0xe4, 0x71})), Rc::okay);
    EXPECT_EQ(f.regs.eax, 0x1234565Au);
    EXPECT_EQ(f.regs.eip, next_eip(2));
}

TEST_F(X86System, GivenOperandSize16WhenInAndOutThroughDxThenWordAccesses)
{
    f.port_in[0xCFC] = 0xABCD;
    f.regs.edx = 0xCFC;
    f.regs.eax = 0x11110000;
    ASSERT_EQ(run(bytes({0x66, 0xed})), Rc::okay);
    EXPECT_EQ(f.regs.eax, 0x1111ABCDu);
    ASSERT_EQ(run(bytes({0x66, 0xef})), Rc::okay);
    EXPECT_EQ(f.port_out.back(), (std::pair<uint16_t, uint32_t>{0xCFC, 0xABCD}));
    EXPECT_EQ(f.io_sizes, std::vector<unsigned>({2, 2}));
}

TEST_F(X86System, GivenOutlWhenEmulatedThenDwordWritten)
{
    f.regs.eax = 0x80000000;
    ASSERT_EQ(run(bytes({0xe7, 0xf8})), Rc::okay);
    EXPECT_EQ(f.port_out.back(), (std::pair<uint16_t, uint32_t>{0xF8, 0x80000000u}));
}

TEST_F(X86System, GivenIoDeniedByTheHookWhenInThenGeneralProtectionAndEaxKept)
{
    f.deny_io = true;
    f.regs.eax = 7;
    ASSERT_EQ(run(bytes({0xec})), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_gp);
    EXPECT_EQ(f.regs.eax, 7u);
    EXPECT_EQ(f.regs.eip, Fake_machine::code_va);
}

TEST_F(X86System, GivenCliAndStiWhenEmulatedThenTheHookDecides)
{
    ASSERT_EQ(run(bytes({0xfb})), Rc::okay);
    EXPECT_TRUE(f.if_enabled);
    ASSERT_EQ(run(bytes({0xfa})), Rc::okay);
    EXPECT_FALSE(f.if_enabled);
}

TEST_F(X86System, GivenMovFromCr0WhenEmulatedThenRegisterGetsIt)
{
    ASSERT_EQ(run(bytes({0x0f, 0x20, 0xc1})), Rc::okay); // mov %cr0,%ecx
    EXPECT_EQ(f.regs.ecx, f.cr[0]);
    EXPECT_EQ(f.regs.eip, next_eip(3));
}

TEST_F(X86System, GivenMovToCr4WhenEmulatedThenWriteHookGetsIt)
{
    f.regs.ebx = 0x6F0 | 0x100;
    ASSERT_EQ(run(bytes({0x0f, 0x22, 0xe3})), Rc::okay); // mov %ebx,%cr4
    EXPECT_EQ(f.cr[4], 0x7F0u);
}

TEST_F(X86System, GivenMovCrWithMemoryModWhenEmulatedThenModIsIgnored)
{
    ASSERT_EQ(run(bytes({0x0f, 0x20, 0x01})), Rc::okay); // mod 0 still names %ecx
    EXPECT_EQ(f.regs.ecx, f.cr[0]);
}

TEST_F(X86System, GivenNonexistentControlRegisterWhenMovedThenUndefinedOpcode)
{
    for (uint8_t cr : {1, 5, 6, 7}) {
        Fake_machine g;
        g.code(bytes({0x0f, 0x20, 0xc0 | (cr << 3)}));
        ASSERT_EQ(g.run(), Rc::exception);
        EXPECT_EQ(g.ctxt.event.vector, x86emul::vec_ud);
        EXPECT_FALSE(g.called("read_cr"));
    }
}

TEST_F(X86System, GivenRefusedCrWriteWhenEmulatedThenGeneralProtection)
{
    f.deny_cr_write = true;
    ASSERT_EQ(run(bytes({0x0f, 0x22, 0xc0})), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_gp);
}

TEST_F(X86System, GivenCltsWhenEmulatedThenCr0WrittenWithoutTs)
{
    f.cr[0] |= 8;
    ASSERT_EQ(run(bytes({0x0f, 0x06})), Rc::okay);
    EXPECT_EQ(f.cr[0] & 8, 0u);
    EXPECT_EQ(f.cr[0], 0x80050033u);
}

TEST_F(X86System, GivenLmswWhenEmulatedThenLowFourBitsLoadedButPeNeverCleared)
{
    f.regs.eax = 0xFFFE; // PE clear; MP, EM, TS set
    ASSERT_EQ(run(bytes({0x0f, 0x01, 0xf0})), Rc::okay);
    EXPECT_EQ(f.cr[0], 0x8005003Fu);
    f.map(0x3000, 2);
    f.set(0x3000, 2, 0x0001);
    f.regs.ebx = 0x3000;
    ASSERT_EQ(run(bytes({0x0f, 0x01, 0x33})), Rc::okay); // lmsw (%ebx)
    EXPECT_EQ(f.cr[0], 0x80050031u);
}

TEST_F(X86System, GivenSmswWhenEmulatedThenRegisterGetsCr0AndMemoryItsLowWord)
{
    ASSERT_EQ(run(bytes({0x0f, 0x01, 0xe0})), Rc::okay); // smsw %eax
    EXPECT_EQ(f.regs.eax, f.cr[0]);
    f.map(0x3000, 4);
    f.set(0x3000, 4, 0xFFFFFFFF);
    f.regs.ebx = 0x3000;
    ASSERT_EQ(run(bytes({0x0f, 0x01, 0x23})), Rc::okay); // smsw (%ebx)
    EXPECT_EQ(f.get(0x3000, 4), 0xFFFF0033u);
}

TEST_F(X86System, GivenMovToAndFromDebugRegistersWhenEmulatedThenHooksSeeTheNumber)
{
    f.regs.eax = 0xC0001000;
    ASSERT_EQ(run(bytes({0x0f, 0x23, 0xc0})), Rc::okay); // mov %eax,%db0
    EXPECT_EQ(f.dr[0], 0xC0001000u);
    f.dr[7] = 0x401;
    ASSERT_EQ(run(bytes({0x0f, 0x21, 0xfa})), Rc::okay); // mov %db7,%edx
    EXPECT_EQ(f.regs.edx, 0x401u);
}

TEST_F(X86System, GivenRdmsrAndWrmsrWhenEmulatedThenEdxEaxCarryTheValue)
{
    f.msrs[0x277] = 0x0007040600070406ull;
    f.regs.ecx = 0x277;
    ASSERT_EQ(run(bytes({0x0f, 0x32})), Rc::okay);
    EXPECT_EQ(f.regs.eax, 0x00070406u);
    EXPECT_EQ(f.regs.edx, 0x00070406u);
    f.regs.edx = 1;
    ASSERT_EQ(run(bytes({0x0f, 0x30})), Rc::okay);
    EXPECT_EQ(f.msrs[0x277], 0x0000000100070406ull);
}

TEST_F(X86System, GivenUnknownMsrWhenReadThenHookRaisesGeneralProtection)
{
    f.regs.ecx = 0x12345678;
    f.regs.eax = 1;
    ASSERT_EQ(run(bytes({0x0f, 0x32})), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_gp);
    EXPECT_EQ(f.regs.eax, 1u);
}

TEST_F(X86System, GivenRdtscWhenEmulatedThenReadOfTheTscMsr)
{
    ASSERT_EQ(run(bytes({0x0f, 0x31})), Rc::okay);
    EXPECT_EQ(f.regs.eax, 0x23456789u);
    EXPECT_EQ(f.regs.edx, 0x1u);
}

TEST_F(X86System, GivenCpuidWhenEmulatedThenFourRegistersFromTheHook)
{
    f.regs.eax = 1;
    f.regs.ecx = 2;
    ASSERT_EQ(run(bytes({0x0f, 0xa2})), Rc::okay);
    EXPECT_EQ(f.regs.eax, 0x11111110u);
    EXPECT_EQ(f.regs.ebx, 0x22222220u);
    EXPECT_EQ(f.regs.ecx, 0x33333333u);
    EXPECT_EQ(f.regs.edx, 0x44444444u);
}

TEST_F(X86System, GivenHltAndWbinvdWhenEmulatedThenHooksCalled)
{
    ASSERT_EQ(run(bytes({0xf4})), Rc::okay);
    EXPECT_EQ(f.hlt_count, 1u);
    ASSERT_EQ(run(bytes({0x0f, 0x09})), Rc::okay);
    ASSERT_EQ(run(bytes({0x0f, 0x08})), Rc::okay);
    EXPECT_EQ(f.wbinvd_count, 2u);
}

TEST_F(X86System, GivenUserModeWhenCpl0InstructionsThenGeneralProtectionWithoutHooks)
{
    const std::vector<uint8_t> cpl0[] = {
        bytes({0xf4}),             bytes({0x0f, 0x06}), bytes({0x0f, 0x09}),
        bytes({0x0f, 0x20, 0xc0}), bytes({0x0f, 0x22, 0xc0}), bytes({0x0f, 0x21, 0xc0}),
        bytes({0x0f, 0x23, 0xc0}), bytes({0x0f, 0x32}), bytes({0x0f, 0x30}),
        bytes({0x0f, 0x01, 0xf0}),
    };
    for (const auto& code : cpl0) {
        Fake_machine g;
        g.ctxt.kernel = false;
        g.code(code);
        ASSERT_EQ(g.run(), Rc::exception) << +code[0] << " " << +code[1];
        EXPECT_EQ(g.ctxt.event.vector, x86emul::vec_gp);
        EXPECT_EQ(g.calls.size(), 1u) << "only the fetch";
    }
}

TEST_F(X86System, GivenUserModeWhenSmswThenAllowed)
{
    f.ctxt.kernel = false;
    ASSERT_EQ(run(bytes({0x0f, 0x01, 0xe0})), Rc::okay);
}

struct Class_case {
    std::vector<uint8_t> code;
    uint32_t cls;
};

TEST_F(X86System, GivenEachClassWhenTheCallerExcludesItThenUnhandleableAndNoHookButFetch)
{
    const Class_case cases[] = {
        {bytes({0x89, 0x03}), x86emul::cls_mem},
        {bytes({0xf3, 0xab}), x86emul::cls_mem},
        {bytes({0xe4, 0x80}), x86emul::cls_io},
        {bytes({0x6e}), x86emul::cls_io},
        {bytes({0x0f, 0x20, 0xc0}), x86emul::cls_cr},
        {bytes({0x0f, 0x06}), x86emul::cls_cr},
        {bytes({0x0f, 0x01, 0x23}), x86emul::cls_cr},
        {bytes({0x0f, 0x21, 0xc0}), x86emul::cls_dr},
        {bytes({0x0f, 0x32}), x86emul::cls_msr},
        {bytes({0x0f, 0x31}), x86emul::cls_msr},
        {bytes({0x0f, 0xa2}), x86emul::cls_cpuid},
        {bytes({0xf4}), x86emul::cls_hlt},
        {bytes({0x0f, 0x09}), x86emul::cls_cache},
        {bytes({0xfa}), x86emul::cls_irq},
    };
    for (const Class_case& c : cases) {
        Fake_machine g;
        g.map(0x3000, 4096);
        g.regs.ebx = g.regs.esi = g.regs.edi = 0x3000;
        g.regs.ecx = x86emul::msr_tsc; // a known MSR, and a short rep count
        g.ctxt.allow = ~c.cls;
        g.code(c.code);
        auto before = g.regs;
        EXPECT_EQ(g.run(), Rc::unhandleable) << +c.code[0];
        for (const auto& call : g.calls)
            EXPECT_EQ(call, "fetch");
        EXPECT_EQ(0, std::memcmp(&before, &g.regs, sizeof before));
        g.ctxt.allow = c.cls;
        g.calls.clear();
        EXPECT_EQ(g.run(), Rc::okay) << "allowed alone it runs: " << +c.code[0];
    }
}

TEST_F(X86System, GivenMissingHookWhenItsClassIsAllowedThenUnhandleable)
{
    f.ops.read_dr = nullptr;
    EXPECT_EQ(run(bytes({0x0f, 0x21, 0xc0})), Rc::unhandleable);
    f.ops.write = nullptr;
    f.map(0x3000, 4);
    f.regs.ebx = 0x3000;
    EXPECT_EQ(run(bytes({0x89, 0x03})), Rc::unhandleable);
    f.ops.cmpxchg = nullptr;
    EXPECT_EQ(run(bytes({0x87, 0x03})), Rc::unhandleable);
}

} // namespace
