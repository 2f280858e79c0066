// String instructions: rep counts and the per-call iteration limit,
// direction, 16-bit address size, port strings, and faults in the first
// or a later iteration.
#include <gtest/gtest.h>

#include "x86_emulate_fake.hpp"

namespace {

using namespace x86emul_test;

constexpr uint32_t src_va = 0x3000, dst_va = 0x5000, DF = 1u << 10;

struct X86String : ::testing::Test {
    Fake_machine f;
    void SetUp() override
    {
        f.map(src_va, 4096);
        f.map(dst_va, 4096);
        for (uint32_t i = 0; i < 64; ++i)
            f.set(src_va + i, 1, 0x40 + i);
        f.regs.esi = src_va;
        f.regs.edi = dst_va;
    }
    Rc run(std::vector<uint8_t> code)
    {
        f.code(code);
        return f.run();
    }
};

TEST_F(X86String, GivenRepStoslWithinTheLimitWhenEmulatedThenAllDoneAndEipAdvanced)
{
    f.regs.eax = 0xDEADBEEF;
    f.regs.ecx = 16;
    ASSERT_EQ(run(bytes({0xf3, 0xab})), Rc::okay);
    for (uint32_t i = 0; i < 16; ++i)
        EXPECT_EQ(f.get(dst_va + 4 * i, 4), 0xDEADBEEFu);
    EXPECT_EQ(f.get(dst_va + 64, 4), 0u);
    EXPECT_EQ(f.regs.ecx, 0u);
    EXPECT_EQ(f.regs.edi, dst_va + 64);
    EXPECT_EQ(f.regs.eip, Fake_machine::code_va + 2);
}

TEST_F(X86String, GivenRepCountAboveTheLimitWhenEmulatedThenPartialAndEipStays)
{
    f.ctxt.max_reps = 3;
    f.regs.ecx = 10;
    ASSERT_EQ(run(bytes({0xf3, 0xab})), Rc::okay);
    EXPECT_EQ(f.regs.ecx, 7u);
    EXPECT_EQ(f.regs.edi, dst_va + 12);
    EXPECT_EQ(f.regs.eip, Fake_machine::code_va) << "the guest executes the rest";
}

TEST_F(X86String, GivenRepWithZeroCountWhenEmulatedThenNothingStoredAndEipAdvanced)
{
    f.regs.ecx = 0;
    ASSERT_EQ(run(bytes({0xf3, 0xab})), Rc::okay);
    EXPECT_FALSE(f.called("write"));
    EXPECT_EQ(f.regs.edi, dst_va);
    EXPECT_EQ(f.regs.eip, Fake_machine::code_va + 2);
}

TEST_F(X86String, GivenDirectionFlagWhenMovsbThenPointersMoveDown)
{
    f.regs.eflags |= DF;
    f.regs.esi = src_va + 3;
    f.regs.edi = dst_va + 3;
    f.regs.ecx = 4;
    ASSERT_EQ(run(bytes({0xf3, 0xa4})), Rc::okay);
    EXPECT_EQ(f.get(dst_va, 4), 0x43424140u);
    EXPECT_EQ(f.regs.esi, src_va - 1);
    EXPECT_EQ(f.regs.edi, dst_va - 1);
}

TEST_F(X86String, GivenMovswWithoutRepWhenEmulatedThenOneWordAndEcxUntouched)
{
    f.regs.ecx = 99;
    ASSERT_EQ(run(bytes({0x66, 0xa5})), Rc::okay);
    EXPECT_EQ(f.get(dst_va, 4), 0x4140u);
    EXPECT_EQ(f.regs.ecx, 99u);
    EXPECT_EQ(f.regs.esi, src_va + 2);
}

TEST_F(X86String, GivenSourceSegmentOverrideWhenMovsThenSourceUsesItAndDestinationEs)
{
    ASSERT_EQ(run(bytes({0x64, 0xa5})), Rc::okay);
    ASSERT_EQ(f.segs.size(), 2u);
    EXPECT_EQ(f.segs[0], Seg::fs);
    EXPECT_EQ(f.segs[1], Seg::es);
}

TEST_F(X86String, GivenLodslWhenEmulatedThenAccumulatorLoaded)
{
    ASSERT_EQ(run(bytes({0xad})), Rc::okay);
    EXPECT_EQ(f.regs.eax, 0x43424140u);
    EXPECT_EQ(f.regs.esi, src_va + 4);
}

TEST_F(X86String, GivenAddressSize16WhenRepStosbThenOnlyDiAndCxMove)
{
    f.regs.edi = 0xABCD0000u | (dst_va & 0xFFFF);
    f.regs.ecx = 0x12340002u;
    f.regs.eax = 0x77;
    f.map(0xABCD0000u | dst_va, 16);
    ASSERT_EQ(run(bytes({0x67, 0xf3, 0xaa})), Rc::okay);
    EXPECT_EQ(f.regs.ecx, 0x12340000u);
    EXPECT_EQ(f.regs.edi, 0xABCD0000u | (dst_va + 2));
    EXPECT_EQ(f.get(dst_va, 2), 0x7777u) << "the offset is DI alone";
}

TEST_F(X86String, GivenFaultOnTheFirstIterationWhenRepThenExceptionAndNothingChanged)
{
    f.unmap(dst_va);
    f.regs.ecx = 4;
    auto before = f.regs;
    ASSERT_EQ(run(bytes({0xf3, 0xab})), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_pf);
    EXPECT_EQ(f.ctxt.event.cr2, dst_va);
    EXPECT_EQ(f.regs.ecx, before.ecx);
    EXPECT_EQ(f.regs.edi, before.edi);
}

TEST_F(X86String, GivenFaultOnALaterIterationWhenRepThenDoneSoFarKeptAndEipStays)
{
    f.regs.edi = dst_va + 4096 - 8; // the third store is on the unmapped page
    f.regs.ecx = 5;
    f.regs.eax = 1;
    ASSERT_EQ(run(bytes({0xf3, 0xab})), Rc::okay);
    EXPECT_EQ(f.regs.ecx, 3u);
    EXPECT_EQ(f.regs.edi, dst_va + 4096);
    EXPECT_EQ(f.regs.eip, Fake_machine::code_va);
}

TEST_F(X86String, GivenRepInswWhenEmulatedThenPortReadIntoMemory)
{
    f.port_in[0x1F0] = 0xBEEF;
    f.regs.edx = 0x1F0;
    f.regs.ecx = 3;
    ASSERT_EQ(run(bytes({0x66, 0xf3, 0x6d})), Rc::okay);
    EXPECT_EQ(f.get(dst_va, 4), 0xBEEFBEEFu);
    EXPECT_EQ(f.get(dst_va + 4, 2), 0xBEEFu);
    EXPECT_EQ(f.io_sizes, std::vector<unsigned>({2, 2, 2}));
}

TEST_F(X86String, GivenRepOutsbWhenEmulatedThenMemoryWrittenToPort)
{
    f.regs.edx = 0x3F8;
    f.regs.ecx = 2;
    ASSERT_EQ(run(bytes({0xf3, 0x6e})), Rc::okay);
    ASSERT_EQ(f.port_out.size(), 2u);
    EXPECT_EQ(f.port_out[0], (std::pair<uint16_t, uint32_t>{0x3F8, 0x40}));
    EXPECT_EQ(f.port_out[1], (std::pair<uint16_t, uint32_t>{0x3F8, 0x41}));
}

TEST_F(X86String, GivenPortDeniedWhenInsThenGeneralProtectionAndNoStore)
{
    f.deny_io = true;
    f.regs.ecx = 1;
    ASSERT_EQ(run(bytes({0xf3, 0x6c})), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_gp);
    EXPECT_FALSE(f.called("write"));
}

TEST_F(X86String, GivenMemoryOnlyCallerWhenInsThenUnhandleableWithoutAnyHook)
{
    f.ctxt.allow = x86emul::cls_mem;
    ASSERT_EQ(run(bytes({0x6c})), Rc::unhandleable);
    EXPECT_FALSE(f.called("read_io"));
    EXPECT_FALSE(f.called("write"));
}

TEST_F(X86String, GivenCmpsWhenEmulatedThenUnhandleable)
{
    EXPECT_EQ(run(bytes({0xf3, 0xa6})), Rc::unhandleable);
}

} // namespace
