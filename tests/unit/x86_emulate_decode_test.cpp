// The decoder: instruction lengths of real encodings, effective addresses
// and segments, the 15-byte limit, fetch faults, and where LOCK is legal.
#include <gtest/gtest.h>

#include "arch/x86_32/x86_emulate/insn.hpp"
#include "x86_emulate_fake.hpp"

namespace {

using namespace x86emul_test;
using x86emul::detail::decode;
using x86emul::detail::Insn;

struct Encoding {
    std::vector<int> bytes;
    unsigned len;
    const char* text;
};

// Assembled with `as --32` and listed by `objdump -d --insn-width=16`
// (binutils 2.38) when this test was written.
const Encoding encodings[] = {
    {{0x89, 0x03}, 2, "mov %eax,(%ebx)"},
    {{0x89, 0x4b, 0x10}, 3, "mov %ecx,0x10(%ebx)"},
    {{0x89, 0x93, 0x78, 0x56, 0x34, 0x12}, 6, "mov %edx,0x12345678(%ebx)"},
    {{0x89, 0x34, 0x24}, 3, "mov %esi,(%esp)"},
    {{0x89, 0x7c, 0x8c, 0x04}, 4, "mov %edi,0x4(%esp,%ecx,4)"},
    {{0x89, 0x04, 0xd5, 0x00, 0x10, 0x00, 0x00}, 7, "mov %eax,0x1000(,%edx,8)"},
    {{0xa3, 0x00, 0x10, 0x00, 0x00}, 5, "mov %eax,0x1000"},
    {{0x89, 0x45, 0x00}, 3, "mov %eax,0x0(%ebp)"},
    {{0xc7, 0x00, 0x78, 0x56, 0x34, 0x12}, 6, "movl $0x12345678,(%eax)"},
    {{0xc7, 0x84, 0x58, 0x80, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12}, 11, "movl $0x12345678,0x80(%eax,%ebx,2)"},
    {{0x66, 0xc7, 0x00, 0x34, 0x12}, 5, "movw $0x1234,(%eax)"},
    {{0xc6, 0x00, 0x12}, 3, "movb $0x12,(%eax)"},
    {{0x88, 0x01}, 2, "mov %al,(%ecx)"},
    {{0x66, 0x89, 0x01}, 3, "mov %ax,(%ecx)"},
    {{0x8a, 0x21}, 2, "mov (%ecx),%ah"},
    {{0x8b, 0x45, 0x08}, 3, "mov 0x8(%ebp),%eax"},
    {{0xa1, 0x78, 0x56, 0x34, 0x12}, 5, "mov 0x12345678,%eax"},
    {{0xa2, 0x78, 0x56, 0x34, 0x12}, 5, "mov %al,0x12345678"},
    {{0x66, 0xa1, 0x34, 0x12, 0x00, 0x00}, 6, "mov 0x1234,%ax"},
    {{0x80, 0x20, 0xfd}, 3, "andb $0xfd,(%eax)"},
    {{0xf0, 0x83, 0x20, 0xfd}, 4, "lock andl $0xfffffffd,(%eax)"},
    {{0xf0, 0x81, 0x20, 0xfd, 0xff, 0xff, 0x7f}, 7, "lock andl $0x7ffffffd,(%eax)"},
    {{0x83, 0x48, 0x04, 0x02}, 4, "orl $0x2,0x4(%eax)"},
    {{0xf0, 0x09, 0x10}, 3, "lock or %edx,(%eax)"},
    {{0x01, 0xc3}, 2, "add %eax,%ebx"},
    {{0x66, 0x05, 0x34, 0x12}, 4, "add $0x1234,%ax"},
    {{0x14, 0x01}, 2, "adc $0x1,%al"},
    {{0x1d, 0x78, 0x56, 0x34, 0x12}, 5, "sbb $0x12345678,%eax"},
    {{0x2b, 0x08}, 2, "sub (%eax),%ecx"},
    {{0x66, 0x31, 0x50, 0x02}, 4, "xor %dx,0x2(%eax)"},
    {{0x83, 0x38, 0x05}, 3, "cmpl $0x5,(%eax)"},
    {{0x80, 0x78, 0xff, 0x05}, 4, "cmpb $0x5,-0x1(%eax)"},
    {{0xf7, 0x00, 0x00, 0x10, 0x00, 0x00}, 6, "testl $0x1000,(%eax)"},
    {{0xf6, 0x00, 0x10}, 3, "testb $0x10,(%eax)"},
    {{0x66, 0x85, 0x03}, 3, "test %ax,(%ebx)"},
    {{0xa8, 0x01}, 2, "test $0x1,%al"},
    {{0xff, 0x00}, 2, "incl (%eax)"},
    {{0x66, 0xff, 0x48, 0x02}, 4, "decw 0x2(%eax)"},
    {{0xf0, 0xfe, 0x00}, 3, "lock incb (%eax)"},
    {{0xf7, 0x10}, 2, "notl (%eax)"},
    {{0xf6, 0x5c, 0x30, 0x03}, 4, "negb 0x3(%eax,%esi,1)"},
    {{0x87, 0x03}, 2, "xchg %eax,(%ebx)"},
    {{0x86, 0x0b}, 2, "xchg %cl,(%ebx)"},
    {{0xf0, 0x87, 0x53, 0x08}, 4, "lock xchg %edx,0x8(%ebx)"},
    {{0xf0, 0x0f, 0xc1, 0x01}, 4, "lock xadd %eax,(%ecx)"},
    {{0x66, 0x0f, 0xc1, 0x01}, 4, "xadd %ax,(%ecx)"},
    {{0xf0, 0x0f, 0xb1, 0x0a}, 4, "lock cmpxchg %ecx,(%edx)"},
    {{0x0f, 0xb0, 0x0a}, 3, "cmpxchg %cl,(%edx)"},
    {{0xf0, 0x0f, 0xc7, 0x0e}, 4, "lock cmpxchg8b (%esi)"},
    {{0x0f, 0xc7, 0x4c, 0xbe, 0x10}, 5, "cmpxchg8b 0x10(%esi,%edi,4)"},
    {{0x0f, 0xa3, 0x03}, 3, "bt %eax,(%ebx)"},
    {{0xf0, 0x0f, 0xab, 0x03}, 4, "lock bts %eax,(%ebx)"},
    {{0xf0, 0x0f, 0xba, 0x33, 0x01}, 5, "lock btrl $0x1,(%ebx)"},
    {{0xf0, 0x0f, 0xb3, 0x4b, 0x20}, 5, "lock btr %ecx,0x20(%ebx)"},
    {{0x66, 0x0f, 0xba, 0x3b, 0x03}, 5, "btcw $0x3,(%ebx)"},
    {{0x66, 0x0f, 0xa3, 0xc3}, 4, "bt %ax,%bx"},
    {{0xf3, 0xab}, 2, "rep stos %eax,%es:(%edi)"},
    {{0xaa}, 1, "stos %al,%es:(%edi)"},
    {{0xf3, 0xa5}, 2, "rep movsl %ds:(%esi),%es:(%edi)"},
    {{0x66, 0xa5}, 2, "movsw %ds:(%esi),%es:(%edi)"},
    {{0xad}, 1, "lods %ds:(%esi),%eax"},
    {{0xf3, 0x6c}, 2, "rep insb (%dx),%es:(%edi)"},
    {{0x66, 0x6d}, 2, "insw (%dx),%es:(%edi)"},
    {{0xf3, 0x6f}, 2, "rep outsl %ds:(%esi),(%dx)"},
    {{0x6e}, 1, "outsb %ds:(%esi),(%dx)"},
    {{0xe4, 0x80}, 2, "in $0x80,%al"},
    {{0x66, 0xe5, 0x80}, 3, "in $0x80,%ax"},
    {{0xe5, 0x80}, 2, "in $0x80,%eax"},
    {{0xe6, 0x80}, 2, "out %al,$0x80"},
    {{0x66, 0xef}, 2, "out %ax,(%dx)"},
    {{0xed}, 1, "in (%dx),%eax"},
    {{0xfa}, 1, "cli"},
    {{0xfb}, 1, "sti"},
    {{0xf4}, 1, "hlt"},
    {{0x0f, 0x06}, 2, "clts"},
    {{0x0f, 0x09}, 2, "wbinvd"},
    {{0x0f, 0x08}, 2, "invd"},
    {{0x0f, 0x20, 0xc0}, 3, "mov %cr0,%eax"},
    {{0x0f, 0x22, 0xc0}, 3, "mov %eax,%cr0"},
    {{0x0f, 0x20, 0xe1}, 3, "mov %cr4,%ecx"},
    {{0x0f, 0x22, 0xe1}, 3, "mov %ecx,%cr4"},
    {{0x0f, 0x20, 0xdb}, 3, "mov %cr3,%ebx"},
    {{0x0f, 0x21, 0xf8}, 3, "mov %db7,%eax"},
    {{0x0f, 0x23, 0xf8}, 3, "mov %eax,%db7"},
    {{0x0f, 0x23, 0xc3}, 3, "mov %ebx,%db0"},
    {{0x0f, 0x32}, 2, "rdmsr"},
    {{0x0f, 0x30}, 2, "wrmsr"},
    {{0x0f, 0x31}, 2, "rdtsc"},
    {{0x0f, 0xa2}, 2, "cpuid"},
    {{0x0f, 0x01, 0xf0}, 3, "lmsw %ax"},
    {{0x0f, 0x01, 0x30}, 3, "lmsw (%eax)"},
    {{0x0f, 0x01, 0xe0}, 3, "smsw %eax"},
    {{0x0f, 0x01, 0x20}, 3, "smsw (%eax)"},
    {{0x26, 0x66, 0x8b, 0x00}, 4, "mov %es:(%eax),%ax"},
    {{0x64, 0x89, 0x43, 0x04}, 4, "mov %eax,%fs:0x4(%ebx)"},
    {{0x67, 0x89, 0x00}, 3, "mov %eax,(%bx,%si)"},
    {{0x67, 0xa3, 0x34, 0x12}, 4, "addr16 mov %eax,0x1234"},
    {{0x67, 0x89, 0x46, 0x12}, 4, "mov %eax,0x12(%bp)"},
    {{0x67, 0xc7, 0x81, 0x34, 0x12, 0x01, 0x00, 0x00, 0x00}, 9, "movl $0x1,0x1234(%bx,%di)"},
    {{0xe9, 0xfb, 0x00, 0x00, 0x00}, 5, "jmp 0x246"},
    {{0xeb, 0x03}, 2, "jmp 0x150"},
    {{0xe8, 0xfb, 0x00, 0x00, 0x00}, 5, "call 0x24d"},
    {{0x0f, 0x84, 0xfa, 0x01, 0x00, 0x00}, 6, "je 0x352"},
    {{0x75, 0x02}, 2, "jne 0x15c"},
    {{0x68, 0x78, 0x56, 0x34, 0x12}, 5, "push $0x12345678"},
    {{0x6a, 0x01}, 2, "push $0x1"},
    {{0x66, 0x68, 0x34, 0x12}, 4, "pushw $0x1234"},
    {{0x69, 0xd8, 0x78, 0x56, 0x34, 0x12}, 6, "imul $0x12345678,%eax,%ebx"},
    {{0x6b, 0x18, 0x03}, 3, "imul $0x3,(%eax),%ebx"},
    {{0xc8, 0x10, 0x00, 0x00}, 4, "enter $0x10,$0x0"},
    {{0xc2, 0x08, 0x00}, 3, "ret $0x8"},
    {{0xc3}, 1, "ret"},
    {{0xca, 0x04, 0x00}, 3, "lret $0x4"},
    {{0xcd, 0x80}, 2, "int $0x80"},
    {{0xea, 0x78, 0x56, 0x34, 0x12, 0x10, 0x00}, 7, "ljmp $0x10,$0x12345678"},
    {{0x9a, 0x34, 0x12, 0x00, 0x00, 0x10, 0x00}, 7, "lcall $0x10,$0x1234"},
    {{0x66, 0xea, 0x34, 0x12, 0x10, 0x00}, 6, "ljmpw $0x10,$0x1234"},
    {{0xc1, 0x20, 0x03}, 3, "shll $0x3,(%eax)"},
    {{0xd0, 0x08}, 2, "rorb (%eax)"},
    {{0x0f, 0xa4, 0x03, 0x04}, 4, "shld $0x4,%eax,(%ebx)"},
    {{0x0f, 0xad, 0x03}, 3, "shrd %cl,%eax,(%ebx)"},
    {{0x0f, 0xb6, 0x08}, 3, "movzbl (%eax),%ecx"},
    {{0x66, 0x0f, 0xbe, 0x48, 0x01}, 5, "movsbw 0x1(%eax),%cx"},
    {{0x0f, 0x44, 0x44, 0x24, 0x04}, 5, "cmove 0x4(%esp),%eax"},
    {{0x0f, 0x95, 0x00}, 3, "setne (%eax)"},
    {{0x0f, 0xc9}, 2, "bswap %ecx"},
    {{0x0f, 0xbc, 0x00}, 3, "bsf (%eax),%eax"},
    {{0x8d, 0x4c, 0x98, 0x10}, 4, "lea 0x10(%eax,%ebx,4),%ecx"},
    {{0x0f, 0x01, 0x10}, 3, "lgdtl (%eax)"},
    {{0x0f, 0x34}, 2, "sysenter"},
    {{0x0f, 0x0b}, 2, "ud2"},
    {{0xdd, 0x44, 0x24, 0x08}, 4, "fldl 0x8(%esp)"},
    {{0x90}, 1, "nop"},
    {{0xf3, 0x90}, 2, "pause"},
    {{0x06}, 1, "push %es"},
    {{0x1f}, 1, "pop %ds"},
    {{0xd4, 0x0a}, 2, "aam $0xa"},
    {{0xb8, 0x78, 0x56, 0x34, 0x12}, 5, "mov $0x12345678,%eax"},
    {{0xb4, 0x12}, 2, "mov $0x12,%ah"},
    {{0x8c, 0xd8}, 2, "mov %ds,%eax"},
    {{0x8e, 0xd0}, 2, "mov %eax,%ss"},
    {{0x64, 0xf0, 0x83, 0x40, 0x10, 0x01}, 6, "lock addl $0x1,%fs:0x10(%eax)"},
    {{0x65, 0xf0, 0x80, 0x0c, 0xcd, 0x78, 0x56, 0x34, 0x12, 0x01}, 10, "lock orb $0x1,%gs:0x12345678(,%ecx,8)"},
};

TEST(X86DecodeLength, GivenRealEncodingsWhenDecodedThenLengthMatchesTheAssembler)
{
    for (const Encoding& e : encodings) {
        Fake_machine f;
        std::vector<uint8_t> code(e.bytes.begin(), e.bytes.end());
        code.resize(16, 0x90); // trailing bytes must not be taken as part of it
        f.code(code);
        Insn in;
        ASSERT_EQ(decode(f.ctxt, f.regs, in), Rc::okay) << e.text;
        EXPECT_EQ(in.len, e.len) << e.text;
    }
}

Insn decoded(Fake_machine& f, std::vector<uint8_t> code)
{
    f.code(code);
    Insn in;
    EXPECT_EQ(decode(f.ctxt, f.regs, in), Rc::okay);
    return in;
}

TEST(X86DecodeAddress, GivenSibWithScaleWhenDecodedThenEaIsBasePlusScaledIndexPlusDisp)
{
    Fake_machine f;
    f.regs.esp = 0x1000;
    f.regs.ecx = 3;
    Insn in = decoded(f, bytes({0x89, 0x7c, 0x8c, 0x04})); // mov %edi,0x4(%esp,%ecx,4)
    EXPECT_TRUE(in.mem);
    EXPECT_EQ(in.ea, 0x1000u + 12 + 4);
    EXPECT_EQ(in.seg, Seg::ss) << "an ESP base defaults to SS";
}

TEST(X86DecodeAddress, GivenEbpBaseWhenDecodedThenSegmentIsSsUnlessOverridden)
{
    Fake_machine f;
    f.regs.ebp = 0x2000;
    EXPECT_EQ(decoded(f, bytes({0x8b, 0x45, 0x08})).seg, Seg::ss);
    Insn in = decoded(f, bytes({0x3e, 0x8b, 0x45, 0xf8})); // ds: mov -8(%ebp),%eax
    EXPECT_EQ(in.seg, Seg::ds);
    EXPECT_EQ(in.ea, 0x2000u - 8);
}

TEST(X86DecodeAddress, GivenNoBaseSibWhenDecodedThenDisp32AndDs)
{
    Fake_machine f;
    f.regs.edx = 2;
    Insn in = decoded(f, bytes({0x89, 0x04, 0xd5, 0x00, 0x10, 0x00, 0x00}));
    EXPECT_EQ(in.ea, 0x1000u + 16);
    EXPECT_EQ(in.seg, Seg::ds);
}

TEST(X86DecodeAddress, GivenAddressSize16WhenDecodedThenBxSiSumWrapsAt64k)
{
    Fake_machine f;
    f.regs.ebx = 0xFFFF8000u;
    f.regs.esi = 0x9000;
    Insn in = decoded(f, bytes({0x67, 0x89, 0x00})); // mov %eax,(%bx,%si)
    EXPECT_EQ(in.adsize, 2);
    EXPECT_EQ(in.ea, 0x1000u);
    f.regs.ebp = 0x10;
    in = decoded(f, bytes({0x67, 0x89, 0x46, 0x12})); // mov %eax,0x12(%bp)
    EXPECT_EQ(in.ea, 0x22u);
    EXPECT_EQ(in.seg, Seg::ss);
    in = decoded(f, bytes({0x67, 0x89, 0x06, 0x34, 0x12})); // mov %eax,0x1234
    EXPECT_EQ(in.ea, 0x1234u);
    EXPECT_EQ(in.seg, Seg::ds);
}

TEST(X86DecodePrefix, GivenSegmentOverridesWhenDecodedThenTheLastWins)
{
    Fake_machine f;
    Insn in = decoded(f, bytes({0x26, 0x64, 0x89, 0x03}));
    EXPECT_EQ(in.seg, Seg::fs);
    EXPECT_EQ(in.len, 4);
}

TEST(X86DecodePrefix, GivenOperandSizePrefixWhenDecodedThenImmediateIs16Bit)
{
    Fake_machine f;
    Insn in = decoded(f, bytes({0x66, 0xc7, 0x00, 0x34, 0x12}));
    EXPECT_EQ(in.opsize, 2);
    EXPECT_EQ(in.imm, 0x1234u);
    EXPECT_EQ(in.len, 5);
}

TEST(X86DecodeLimit, GivenFifteenBytesWhenDecodedThenAccepted)
{
    Fake_machine f;
    // 5 prefixes + movl $imm32 to a disp32 address (10 bytes) = 15.
    Insn in = decoded(f, bytes({0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x05, 0, 0x10, 0, 0, 1, 2, 3,
                                4}));
    EXPECT_EQ(in.len, 15);
}

TEST(X86DecodeLimit, GivenSixteenBytesWhenDecodedThenGeneralProtectionZero)
{
    Fake_machine f;
    f.code(bytes({0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x05, 0, 0x10, 0, 0, 1, 2, 3, 4}));
    EXPECT_EQ(f.run(), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_gp);
    EXPECT_TRUE(f.ctxt.event.has_error_code);
    EXPECT_EQ(f.ctxt.event.error_code, 0u);
    EXPECT_EQ(f.regs.eip, Fake_machine::code_va);
}

TEST(X86DecodeLimit, GivenOnlyPrefixesWhenDecodedThenGeneralProtectionAtFifteen)
{
    Fake_machine f;
    f.code(std::vector<uint8_t>(16, 0x66));
    EXPECT_EQ(f.run(), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_gp);
}

TEST(X86DecodeFetch, GivenInstructionEndingAtPageEndWhenNextPageUnmappedThenDecodes)
{
    Fake_machine f;
    uint32_t at = 0x00500FFEu;
    f.code(bytes({0x89, 0x03}), at);
    f.unmap(0x00501000u);
    f.map(0x2000, 4);
    f.regs.ebx = 0x2000;
    EXPECT_EQ(f.run(), Rc::okay);
    EXPECT_EQ(f.regs.eip, at + 2);
}

TEST(X86DecodeFetch, GivenInstructionCrossingIntoUnmappedPageWhenDecodedThenFetchFaultReported)
{
    Fake_machine f;
    uint32_t at = 0x00500FFEu;
    f.code(bytes({0xc7, 0x03}), at); // the imm32 would be on the next page
    f.unmap(0x00501000u);
    EXPECT_EQ(f.run(), Rc::exception);
    EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_pf);
    EXPECT_EQ(f.ctxt.event.cr2, 0x00501000u);
    EXPECT_EQ(f.regs.eip, at);
}

TEST(X86DecodeFetch, GivenNoFetchHookWhenEmulatingThenUnhandleable)
{
    Fake_machine f;
    f.code(bytes({0x89, 0x03}));
    f.ops.fetch = nullptr;
    EXPECT_EQ(f.run(), Rc::unhandleable);
}

struct Lock_case {
    std::vector<int> bytes;
    bool legal;
    const char* text;
};

const Lock_case lock_cases[] = {
    {{0xf0, 0x01, 0x03}, true, "lock add %eax,(%ebx)"},
    {{0xf0, 0x01, 0xc3}, false, "lock add %eax,%ebx (register destination)"},
    {{0xf0, 0x03, 0x03}, false, "lock add (%ebx),%eax (register destination)"},
    {{0xf0, 0x39, 0x03}, false, "lock cmp %eax,(%ebx)"},
    {{0xf0, 0x83, 0x3b, 0x01}, false, "lock cmpl $1,(%ebx)"},
    {{0xf0, 0x83, 0x23, 0xfd}, true, "lock andl $-3,(%ebx)"},
    {{0xf0, 0x89, 0x03}, false, "lock mov %eax,(%ebx)"},
    {{0xf0, 0x85, 0x03}, false, "lock test %eax,(%ebx)"},
    {{0xf0, 0xf7, 0x13}, true, "lock notl (%ebx)"},
    {{0xf0, 0xf7, 0x03, 1, 0, 0, 0}, false, "lock testl $1,(%ebx)"},
    {{0xf0, 0xfe, 0x03}, true, "lock incb (%ebx)"},
    {{0xf0, 0xff, 0x33}, false, "lock push (%ebx)"},
    {{0xf0, 0x87, 0x03}, true, "lock xchg %eax,(%ebx)"},
    {{0xf0, 0x0f, 0xa3, 0x03}, false, "lock bt %eax,(%ebx)"},
    {{0xf0, 0x0f, 0xab, 0x03}, true, "lock bts %eax,(%ebx)"},
    {{0xf0, 0x0f, 0xba, 0x23, 1}, false, "lock btl $1,(%ebx)"},
    {{0xf0, 0x0f, 0xba, 0x33, 1}, true, "lock btrl $1,(%ebx)"},
    {{0xf0, 0x0f, 0xc7, 0x0b}, true, "lock cmpxchg8b (%ebx)"},
    {{0xf0, 0x0f, 0xb1, 0x0b}, true, "lock cmpxchg %ecx,(%ebx)"},
    {{0xf0, 0x0f, 0xc1, 0x0b}, true, "lock xadd %ecx,(%ebx)"},
    {{0xf0, 0xab}, false, "lock stos"},
    {{0xf0, 0x0f, 0x20, 0xc0}, false, "lock mov %cr0,%eax"},
    {{0xf0, 0xfa}, false, "lock cli"},
    {{0xf0, 0x90}, false, "lock nop"},
};

TEST(X86DecodeLock, GivenLockPrefixWhenDecodedThenLegalOnlyOnLockableMemoryDestinations)
{
    for (const Lock_case& l : lock_cases) {
        Fake_machine f;
        f.code(std::vector<uint8_t>(l.bytes.begin(), l.bytes.end()));
        f.regs.ebx = 0x3000;
        Insn in;
        Rc rc = decode(f.ctxt, f.regs, in);
        if (l.legal) {
            EXPECT_EQ(rc, Rc::okay) << l.text;
        } else {
            EXPECT_EQ(rc, Rc::exception) << l.text;
            EXPECT_EQ(f.ctxt.event.vector, x86emul::vec_ud) << l.text;
            EXPECT_FALSE(f.ctxt.event.has_error_code) << l.text;
        }
    }
}

TEST(X86DecodeUnknown, GivenOpcodesOutsideTheTableWhenEmulatedThenUnhandleable)
{
    for (auto code : {bytes({0x0f, 0x38, 0x00, 0xc0}), bytes({0x0f, 0x10, 0xc0}),
                      bytes({0x0f, 0xff, 0x00})}) {
        Fake_machine f;
        f.code(code);
        EXPECT_EQ(f.run(), Rc::unhandleable);
        EXPECT_EQ(f.regs.eip, Fake_machine::code_va);
    }
}

TEST(X86DecodeUnknown, GivenKnownButUnemulatedOpcodeWhenEmulatedThenUnhandleableWithLength)
{
    Fake_machine f;
    f.code(bytes({0xc1, 0x20, 0x03})); // shll $3,(%eax)
    EXPECT_EQ(f.run(), Rc::unhandleable);
    EXPECT_EQ(f.ctxt.insn_len, 3);
    EXPECT_TRUE(f.calls.size() == 1 && f.calls[0] == "fetch") << "nothing but the fetch";
}

} // namespace
