// Differential tests: each ALU operation is emulated on a memory operand
// and executed by the host CPU (x86_64, same 8/16/32-bit semantics) on
// random and edge operands with random input flags; the results and the
// flags the SDM defines for the operation must agree.
#include <gtest/gtest.h>

#include <random>

#include "x86_emulate_fake.hpp"

namespace {

using namespace x86emul_test;

constexpr uint32_t CF = 1u << 0, PF = 1u << 2, AF = 1u << 4, ZF = 1u << 6, SF = 1u << 7,
                   OF = 1u << 11;
constexpr uint32_t arith = CF | PF | AF | ZF | SF | OF;
constexpr uint32_t data_va = 0x3000;

struct Host {
    uint32_t result;
    uint32_t flags;
};

// The host runs "insn %b, %r" with EFLAGS loaded from 'fl' (kept clear of
// the red zone the compiler may use below %rsp).
#define HOST_BINARY(insn, T)                                                               \
    [](T r, T b, uint64_t fl) {                                                            \
        asm volatile("sub $128, %%rsp\n\tpush %[f]\n\tpopfq\n\t" insn " %[b], %[r]\n\t"    \
                     "pushfq\n\tpop %[f]\n\tadd $128, %%rsp"                               \
                     : [r] "+r"(r), [f] "+r"(fl)                                           \
                     : [b] "r"(b)                                                          \
                     : "cc", "memory");                                                    \
        return Host{r, static_cast<uint32_t>(fl)};                                         \
    }

#define HOST_UNARY(insn, T)                                                                \
    [](T r, T, uint64_t fl) {                                                              \
        asm volatile("sub $128, %%rsp\n\tpush %[f]\n\tpopfq\n\t" insn " %[r]\n\t"          \
                     "pushfq\n\tpop %[f]\n\tadd $128, %%rsp"                               \
                     : [r] "+r"(r), [f] "+r"(fl)                                           \
                     :                                                                     \
                     : "cc", "memory");                                                    \
        return Host{r, static_cast<uint32_t>(fl)};                                         \
    }

template <typename T>
using Host_fn = Host (*)(T, T, uint64_t);

struct Op_case {
    const char* name;
    uint8_t opcode;      // the byte form; +1 is the word/dword form
    int modrm_reg;       // -1: "opcode r/m, reg" with reg = %ecx; else a group's /reg
    uint32_t defined;    // the flags the SDM defines for it
    bool writes;         // stores its result
};

const Op_case binary_ops[] = {
    {"add", 0x00, -1, arith, true},        {"or", 0x08, -1, arith & ~AF, true},
    {"adc", 0x10, -1, arith, true},        {"sbb", 0x18, -1, arith, true},
    {"and", 0x20, -1, arith & ~AF, true},  {"sub", 0x28, -1, arith, true},
    {"xor", 0x30, -1, arith & ~AF, true},  {"cmp", 0x38, -1, arith, false},
    {"test", 0x84, -1, arith & ~AF, false},
};

template <typename T>
Host_fn<T> host_binary(const char* name)
{
    std::string n = name;
    if (n == "add") return HOST_BINARY("add", T);
    if (n == "or") return HOST_BINARY("or", T);
    if (n == "adc") return HOST_BINARY("adc", T);
    if (n == "sbb") return HOST_BINARY("sbb", T);
    if (n == "and") return HOST_BINARY("and", T);
    if (n == "sub") return HOST_BINARY("sub", T);
    if (n == "xor") return HOST_BINARY("xor", T);
    if (n == "cmp") return HOST_BINARY("cmp", T);
    return HOST_BINARY("test", T);
}

const Op_case unary_ops[] = {
    {"inc", 0xFE, 0, arith & ~CF, true},
    {"dec", 0xFE, 1, arith & ~CF, true},
    {"not", 0xF6, 2, 0, true},
    {"neg", 0xF6, 3, arith, true},
};

template <typename T>
Host_fn<T> host_unary(const char* name)
{
    std::string n = name;
    if (n == "inc") return HOST_UNARY("inc", T);
    if (n == "dec") return HOST_UNARY("dec", T);
    if (n == "not") return HOST_UNARY("not", T);
    return HOST_UNARY("neg", T);
}

// Edge values first, then random ones.
template <typename T>
std::vector<T> operands(std::mt19937& rng)
{
    constexpr T max = static_cast<T>(~T{0});
    constexpr T sign = static_cast<T>(T{1} << (8 * sizeof(T) - 1));
    std::vector<T> v = {0, 1, 2, 0x0F, 0x10, 0x7F, 0x80, 0xFF, sign, static_cast<T>(sign - 1),
                        static_cast<T>(sign + 1), max, static_cast<T>(max - 1)};
    for (int i = 0; i < 40; ++i)
        v.push_back(static_cast<T>(rng()));
    return v;
}

template <typename T>
std::vector<uint8_t> encode(const Op_case& op)
{
    std::vector<uint8_t> code;
    if (sizeof(T) == 2)
        code.push_back(0x66);
    code.push_back(static_cast<uint8_t>(op.opcode + (sizeof(T) == 1 ? 0 : 1)));
    // mod 0, rm = (%ebx), reg = %ecx or the group's operation.
    uint8_t reg = op.modrm_reg < 0 ? 1 : static_cast<uint8_t>(op.modrm_reg);
    code.push_back(static_cast<uint8_t>((reg << 3) | 3));
    return code;
}

// Emulates op on memory operand 'a' (and %ecx = b); checks against the host.
template <typename T>
void check_against_host(const Op_case& op, Host_fn<T> host, T a, T b, uint32_t flags_in)
{
    Fake_machine f;
    f.code(encode<T>(op));
    f.map(data_va, 4096);
    f.set(data_va, sizeof(T), a);
    f.regs.ebx = data_va;
    // Bits above the operand are garbage the operation must ignore.
    uint32_t mask = sizeof(T) == 4 ? 0xFFFFFFFFu : (1u << (8 * sizeof(T))) - 1;
    f.regs.ecx = (0xA5A5A5A5u & ~mask) | b;
    f.regs.eflags = flags_in;
    ASSERT_EQ(f.run(), Rc::okay) << op.name;
    Host h = host(a, b, flags_in);
    T mem = static_cast<T>(f.get(data_va, sizeof(T)));
    T want = op.writes ? static_cast<T>(h.result) : a;
    EXPECT_EQ(mem, want) << op.name << " " << sizeof(T) * 8 << " a=" << +a << " b=" << +b;
    EXPECT_EQ(f.regs.eflags & op.defined, h.flags & op.defined)
        << op.name << " " << sizeof(T) * 8 << " a=" << +a << " b=" << +b << " in=" << flags_in;
    EXPECT_EQ(f.regs.eflags & ~arith, flags_in & ~arith) << "no other flag moves";
}

template <typename T>
void binary_suite()
{
    std::mt19937 rng(1234 + sizeof(T));
    auto vals = operands<T>(rng);
    for (const Op_case& op : binary_ops)
        for (T a : vals)
            for (T b : vals) {
                uint32_t fl = 0x202u | (static_cast<uint32_t>(rng()) & arith);
                check_against_host<T>(op, host_binary<T>(op.name), a, b, fl);
            }
}

template <typename T>
void unary_suite()
{
    std::mt19937 rng(99 + sizeof(T));
    for (const Op_case& op : unary_ops)
        for (T a : operands<T>(rng))
            for (uint32_t fl : {0x202u, 0x202u | arith})
                check_against_host<T>(op, host_unary<T>(op.name), a, 0, fl);
}

TEST(X86AluDifferential, GivenRandomOperandsWhenByteOpsEmulatedThenResultAndFlagsMatchHost)
{
    binary_suite<uint8_t>();
}

TEST(X86AluDifferential, GivenRandomOperandsWhenWordOpsEmulatedThenResultAndFlagsMatchHost)
{
    binary_suite<uint16_t>();
}

TEST(X86AluDifferential, GivenRandomOperandsWhenDwordOpsEmulatedThenResultAndFlagsMatchHost)
{
    binary_suite<uint32_t>();
}

TEST(X86AluDifferential, GivenRandomOperandsWhenIncDecNotNegEmulatedThenMatchHost)
{
    unary_suite<uint8_t>();
    unary_suite<uint16_t>();
    unary_suite<uint32_t>();
}

TEST(X86AluDifferential, GivenLogicOpWhenEmulatedThenAfClearedAsOnCurrentParts)
{
    Fake_machine f;
    f.code(bytes({0x21, 0x0b})); // and %ecx,(%ebx)
    f.map(data_va, 4);
    f.set(data_va, 4, 0x1F);
    f.regs.ebx = data_va;
    f.regs.ecx = 0x11;
    f.regs.eflags = 0x202 | AF | CF | OF;
    ASSERT_EQ(f.run(), Rc::okay);
    EXPECT_EQ(f.regs.eflags & (AF | CF | OF), 0u);
}

// 83 /op: the imm8 is sign-extended to the operand size.
TEST(X86AluDifferential, GivenSignExtendedImm8WhenEmulatedThenMatchesHost)
{
    std::mt19937 rng(7);
    for (int i = 0; i < 500; ++i) {
        uint32_t a = static_cast<uint32_t>(rng()), fl = 0x202u | (static_cast<uint32_t>(rng()) & arith);
        int8_t imm = static_cast<int8_t>(rng());
        Fake_machine f;
        f.code(bytes({0x83, 0x2b, static_cast<uint8_t>(imm)})); // subl $imm8,(%ebx)
        f.map(data_va, 4);
        f.set(data_va, 4, a);
        f.regs.ebx = data_va;
        f.regs.eflags = fl;
        ASSERT_EQ(f.run(), Rc::okay);
        Host h = HOST_BINARY("sub", uint32_t)(a, static_cast<uint32_t>(int32_t{imm}), fl);
        EXPECT_EQ(f.get(data_va, 4), h.result);
        EXPECT_EQ(f.regs.eflags & arith, h.flags & arith);
    }
}

} // namespace
