// Integer memory forms: which hook each uses (plain write, or compare-
// exchange for locked read-modify-writes and xchg), operand sizes, eip,
// and that nothing changes when a hook refuses.
#include <gtest/gtest.h>

#include "x86_emulate_fake.hpp"

namespace {

using namespace x86emul_test;

constexpr uint32_t data_va = 0x3000;
constexpr uint32_t ZF = 1u << 6, CF = 1u << 0;

struct Fixture : ::testing::Test {
    Fake_machine f;
    void SetUp() override
    {
        f.map(data_va, 4096);
        f.regs.ebx = data_va;
    }
    Rc run(std::vector<uint8_t> code)
    {
        f.code(code);
        return f.run();
    }
    uint32_t next_eip(unsigned len) const { return Fake_machine::code_va + len; }
};

using X86Integer = Fixture;

TEST_F(X86Integer, GivenMovR32ToMemWhenEmulatedThenWrittenAndEipAdvanced)
{
    f.regs.eax = 0xCAFEF00D;
    ASSERT_EQ(run(bytes({0x89, 0x03})), Rc::okay);
    EXPECT_EQ(f.get(data_va, 4), 0xCAFEF00Du);
    EXPECT_EQ(f.regs.eip, next_eip(2));
    EXPECT_TRUE(f.called("write"));
    EXPECT_FALSE(f.called("cmpxchg"));
}

TEST_F(X86Integer, GivenByteAndWordMovsWhenEmulatedThenOnlyThoseBytesWritten)
{
    f.set(data_va, 4, 0x11223344);
    f.regs.eax = 0xAABBCCDD;
    ASSERT_EQ(run(bytes({0x88, 0x63, 0x01})), Rc::okay); // mov %ah,1(%ebx)
    EXPECT_EQ(f.get(data_va, 4), 0x1122CC44u);
    ASSERT_EQ(run(bytes({0x66, 0x89, 0x43, 0x02})), Rc::okay); // mov %ax,2(%ebx)
    EXPECT_EQ(f.get(data_va, 4), 0xCCDDCC44u);
    ASSERT_EQ(run(bytes({0xc6, 0x03, 0x99})), Rc::okay); // movb $0x99,(%ebx)
    EXPECT_EQ(f.get(data_va, 4), 0xCCDDCC99u);
    ASSERT_EQ(run(bytes({0x66, 0xc7, 0x03, 0x34, 0x12})), Rc::okay); // movw $0x1234,(%ebx)
    EXPECT_EQ(f.get(data_va, 4), 0xCCDD1234u);
}

TEST_F(X86Integer, GivenLoadsWhenEmulatedThenRegisterPartsReplaced)
{
    f.set(data_va, 4, 0x8899AABB);
    f.regs.ecx = 0x11223344;
    ASSERT_EQ(run(bytes({0x8a, 0x2b})), Rc::okay); // mov (%ebx),%ch
    EXPECT_EQ(f.regs.ecx, 0x1122BB44u);
    ASSERT_EQ(run(bytes({0x66, 0x8b, 0x0b})), Rc::okay); // mov (%ebx),%cx
    EXPECT_EQ(f.regs.ecx, 0x1122AABBu);
    ASSERT_EQ(run(bytes({0xa1, 0x00, 0x30, 0x00, 0x00})), Rc::okay); // mov 0x3000,%eax
    EXPECT_EQ(f.regs.eax, 0x8899AABBu);
    f.regs.eax = 0x55;
    ASSERT_EQ(run(bytes({0xa2, 0x01, 0x30, 0x00, 0x00})), Rc::okay); // mov %al,0x3001
    EXPECT_EQ(f.get(data_va, 4), 0x889955BBu);
}

TEST_F(X86Integer, GivenUnlockedAndbWhenEmulatedThenReadThenPlainWrite)
{
    f.set(data_va, 8, 0x8000000012345067ull);
    ASSERT_EQ(run(bytes({0x80, 0x23, 0xfd})), Rc::okay); // andb $0xfd,(%ebx)
    EXPECT_EQ(f.get(data_va, 8), 0x8000000012345065ull);
    EXPECT_TRUE(f.called("write"));
    EXPECT_FALSE(f.called("cmpxchg"));
}

TEST_F(X86Integer, GivenLockedRmwWhenEmulatedThenCompareExchangeAgainstTheValueRead)
{
    f.set(data_va, 4, 0x12345067);
    f.regs.edx = 0x100;
    ASSERT_EQ(run(bytes({0xf0, 0x09, 0x13})), Rc::okay); // lock or %edx,(%ebx)
    EXPECT_EQ(f.get(data_va, 4), 0x12345167u);
    EXPECT_TRUE(f.called("cmpxchg"));
    EXPECT_FALSE(f.called("write"));
}

TEST_F(X86Integer, GivenCompareExchangeConflictWhenLockedRmwThenRetryAndNothingChanged)
{
    f.set(data_va, 4, 0x67);
    f.cmpxchg_conflict = true;
    f.regs.eflags = 0x202;
    auto before = f.regs;
    EXPECT_EQ(run(bytes({0xf0, 0x83, 0x23, 0xfd})), Rc::retry); // lock andl $-3,(%ebx)
    EXPECT_EQ(f.get(data_va, 4), 0x67u);
    EXPECT_EQ(0, std::memcmp(&before, &f.regs, sizeof before)) << "frame untouched";
}

TEST_F(X86Integer, GivenXchgWithMemoryWhenEmulatedThenAtomicAndRegisterGetsOldValue)
{
    f.set(data_va, 4, 0x1111);
    f.regs.eax = 0x2222;
    ASSERT_EQ(run(bytes({0x87, 0x03})), Rc::okay); // xchg %eax,(%ebx), no lock prefix
    EXPECT_EQ(f.get(data_va, 4), 0x2222u);
    EXPECT_EQ(f.regs.eax, 0x1111u);
    EXPECT_TRUE(f.called("cmpxchg"));
}

TEST_F(X86Integer, GivenWriteFaultWhenEmulatedThenPageFaultAndRegistersUntouched)
{
    f.map(data_va, 4096, false);
    f.regs.eax = 0x2222;
    auto before = f.regs;
    ASSERT_EQ(run(bytes({0x87, 0x03})), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_pf);
    EXPECT_EQ(f.ctxt.event.cr2, data_va);
    EXPECT_EQ(f.ctxt.event.error_code & x86emul::pfec_write, x86emul::pfec_write);
    EXPECT_EQ(f.regs.eax, before.eax);
    EXPECT_EQ(f.regs.eip, before.eip);
}

TEST_F(X86Integer, GivenCmpxchgMatchWhenEmulatedThenStoredAndZfSet)
{
    f.set(data_va, 4, 5);
    f.regs.eax = 5;
    f.regs.ecx = 9;
    ASSERT_EQ(run(bytes({0xf0, 0x0f, 0xb1, 0x0b})), Rc::okay);
    EXPECT_EQ(f.get(data_va, 4), 9u);
    EXPECT_TRUE(f.regs.eflags & ZF);
}

TEST_F(X86Integer, GivenCmpxchgMismatchWhenEmulatedThenAccumulatorLoadedAndNoStore)
{
    f.set(data_va, 2, 7);
    f.regs.eax = 0xFFFF0005;
    f.regs.ecx = 9;
    ASSERT_EQ(run(bytes({0x66, 0x0f, 0xb1, 0x0b})), Rc::okay); // cmpxchg %cx,(%ebx)
    EXPECT_EQ(f.get(data_va, 2), 7u);
    EXPECT_EQ(f.regs.eax, 0xFFFF0007u);
    EXPECT_FALSE(f.regs.eflags & ZF);
    EXPECT_TRUE(f.regs.eflags & CF) << "flags of cmp 5, 7";
    EXPECT_FALSE(f.called("cmpxchg"));
}

TEST_F(X86Integer, GivenCmpxchg8bMatchWhenEmulatedThenEightBytesStored)
{
    f.set(data_va, 8, 0x0000000100000002ull);
    f.regs.edx = 1;
    f.regs.eax = 2;
    f.regs.ecx = 0x80000000;
    f.regs.ebx = data_va; // also the new low half
    ASSERT_EQ(run(bytes({0xf0, 0x0f, 0xc7, 0x0b})), Rc::okay);
    EXPECT_EQ(f.get(data_va, 8), 0x8000000000003000ull);
    EXPECT_TRUE(f.regs.eflags & ZF);
}

TEST_F(X86Integer, GivenCmpxchg8bMismatchWhenEmulatedThenEdxEaxLoaded)
{
    f.set(data_va, 8, 0x0000000300000004ull);
    f.regs.eflags |= ZF;
    ASSERT_EQ(run(bytes({0x0f, 0xc7, 0x0b})), Rc::okay);
    EXPECT_EQ(f.regs.edx, 3u);
    EXPECT_EQ(f.regs.eax, 4u);
    EXPECT_FALSE(f.regs.eflags & ZF);
}

TEST_F(X86Integer, GivenCmpxchg8bWithRegisterOperandWhenEmulatedThenUndefinedOpcode)
{
    EXPECT_EQ(run(bytes({0x0f, 0xc7, 0xc8})), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_ud);
}

TEST_F(X86Integer, GivenXaddWhenEmulatedThenSumStoredAndSourceGetsOld)
{
    f.set(data_va, 4, 40);
    f.regs.ecx = 2;
    ASSERT_EQ(run(bytes({0xf0, 0x0f, 0xc1, 0x0b})), Rc::okay);
    EXPECT_EQ(f.get(data_va, 4), 42u);
    EXPECT_EQ(f.regs.ecx, 40u);
}

TEST_F(X86Integer, GivenSegmentOverrideWhenEmulatedThenHookSeesTheSegment)
{
    ASSERT_EQ(run(bytes({0x64, 0x89, 0x03})), Rc::okay);
    ASSERT_EQ(f.segs.size(), 1u);
    EXPECT_EQ(f.segs[0], Seg::fs);
}

// The register bit-offset form addresses a bit string: the operand moves
// by whole dwords (words with 0x66), also backwards.
struct Bt_case {
    std::vector<int> code;
    uint32_t offset;       // %eax
    uint32_t word_va;      // the dword/word that must change
    uint32_t want;
    bool cf;
};

TEST_F(X86Integer, GivenRegisterBitOffsetWhenMemoryOperandThenAddressAdjusted)
{
    const Bt_case cases[] = {
        {{0x0f, 0xab, 0x43, 0x40}, 0, data_va + 0x40, 1u, false},            // bts %eax,0x40(%ebx)
        {{0x0f, 0xab, 0x43, 0x40}, 37, data_va + 0x44, 1u << 5, false},
        {{0x0f, 0xab, 0x43, 0x40}, 0xFFFFFFFFu, data_va + 0x3C, 1u << 31, false}, // -1
        {{0x0f, 0xab, 0x43, 0x40}, 0xFFFFFFDFu, data_va + 0x38, 1u << 31, false}, // -33
        {{0x66, 0x0f, 0xab, 0x43, 0x40}, 0xFFFF, data_va + 0x3E, 1u << 15, false}, // -1 words
        {{0x66, 0x0f, 0xab, 0x43, 0x40}, 17, data_va + 0x42, 1u << 1, false},
    };
    for (const Bt_case& c : cases) {
        Fake_machine g;
        g.map(data_va, 4096);
        g.regs.ebx = data_va;
        g.regs.eax = c.offset;
        g.code(std::vector<uint8_t>(c.code.begin(), c.code.end()));
        ASSERT_EQ(g.run(), Rc::okay) << c.offset;
        EXPECT_EQ(g.get(c.word_va, c.code[0] == 0x66 ? 2 : 4), c.want) << c.offset;
        EXPECT_EQ((g.regs.eflags & CF) != 0, c.cf);
    }
}

TEST_F(X86Integer, GivenImmediateBitOffsetWhenMemoryOperandThenNoAdjustmentModuloWidth)
{
    f.set(data_va, 4, 0xFFFFFFFF);
    ASSERT_EQ(run(bytes({0xf0, 0x0f, 0xba, 0x33, 0x21})), Rc::okay); // lock btrl $33,(%ebx)
    EXPECT_EQ(f.get(data_va, 4), 0xFFFFFFFDu);
    EXPECT_TRUE(f.regs.eflags & CF);
    EXPECT_EQ(f.get(data_va + 4, 4), 0u);
    EXPECT_TRUE(f.called("cmpxchg"));
}

TEST_F(X86Integer, GivenBtWhenEmulatedThenOnlyCfChangesAndNothingWritten)
{
    f.set(data_va, 4, 0x4);
    f.regs.eax = 2;
    f.regs.eflags = 0x202 | ZF;
    ASSERT_EQ(run(bytes({0x0f, 0xa3, 0x03})), Rc::okay);
    EXPECT_EQ(f.regs.eflags, 0x202u | ZF | CF);
    EXPECT_FALSE(f.called("write"));
}

// Against the host: bts/btr/btc with a register offset on a bit string.
TEST(X86BitStringDifferential, GivenOffsetsAroundABaseWhenEmulatedThenMatchesHostMemory)
{
    for (int op = 0; op < 3; ++op)
        for (int32_t off = -200; off < 200; off += 7) {
            alignas(8) uint8_t host[64], init[64];
            for (int i = 0; i < 64; ++i)
                init[i] = host[i] = static_cast<uint8_t>(i * 37 + op);
            uint8_t* base = host + 32;
            uint64_t fl;
            if (op == 0)
                asm volatile("sub $128, %%rsp\n\tbtsl %[o], (%[b])\n\tpushfq\n\tpop %[f]\n\tadd $128, %%rsp"
                             : [f] "=r"(fl) : [o] "r"(off), [b] "r"(base) : "cc", "memory");
            else if (op == 1)
                asm volatile("sub $128, %%rsp\n\tbtrl %[o], (%[b])\n\tpushfq\n\tpop %[f]\n\tadd $128, %%rsp"
                             : [f] "=r"(fl) : [o] "r"(off), [b] "r"(base) : "cc", "memory");
            else
                asm volatile("sub $128, %%rsp\n\tbtcl %[o], (%[b])\n\tpushfq\n\tpop %[f]\n\tadd $128, %%rsp"
                             : [f] "=r"(fl) : [o] "r"(off), [b] "r"(base) : "cc", "memory");
            Fake_machine g;
            g.map(data_va, 4096);
            g.put(data_va, init, 64);
            g.regs.ebx = data_va + 32;
            g.regs.eax = static_cast<uint32_t>(off);
            uint8_t opcode = op == 0 ? 0xab : op == 1 ? 0xb3 : 0xbb;
            g.code(bytes({0x0f, opcode, 0x03}));
            ASSERT_EQ(g.run(), Rc::okay);
            for (uint32_t i = 0; i < 64; ++i)
                ASSERT_EQ(g.get(data_va + i, 1), host[i]) << "op " << op << " offset " << off;
            EXPECT_EQ(g.regs.eflags & CF, fl & CF);
        }
}

} // namespace
