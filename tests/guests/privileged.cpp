// Privileged instructions in ring 1: forced-emulation CPUID, MSRs, port I/O
// without I/O privilege, and CLTS as Xen emulates them; moves to and from
// the debug registers (set_debugreg/get_debugreg rules, DR4/5 as DR6/7),
// 16-bit and string port I/O, lmsw, CR2 and CR4 moves. HLT blocks until an
// event: it needs a timer and is in events.cpp.
#include "console.hpp"
#include "hypercall.hpp"
#include "test.hpp"
#include "traps.hpp"

extern "C" {
void do_rdmsr_bad(void*);
void do_wrmsr_bad(void*);
void do_ucode_write0(void*);
void do_ucode_write1(void*);
void do_ucode_read(void*);
void do_inb(void*);
void do_outb(void*);
void do_clts(void*);
extern char rdmsr_insn[], wrmsr_insn[], inb_insn[], outb_insn[], ucode_write1_insn[];
}

asm(R"(
    .text
    .globl do_rdmsr_bad, rdmsr_insn
do_rdmsr_bad:
    movl $0x12345678, %ecx
rdmsr_insn: rdmsr
    ret
    .globl do_wrmsr_bad, wrmsr_insn
do_wrmsr_bad:
    movl $0x12345678, %ecx
    xorl %eax, %eax
    xorl %edx, %edx
wrmsr_insn: wrmsr
    ret
    # Linux's intel_get_microcode_revision: write 0 to IA32_BIOS_SIGN_ID,
    # CPUID, read it (arg: where the 64-bit value goes).
    .globl do_ucode_write0, do_ucode_write1, ucode_write1_insn, do_ucode_read
do_ucode_write0:
    movl $0x8b, %ecx
    xorl %eax, %eax
    xorl %edx, %edx
    wrmsr
    ret
do_ucode_write1:
    movl $0x8b, %ecx
    movl $1, %eax
    xorl %edx, %edx
ucode_write1_insn: wrmsr
    ret
do_ucode_read:
    pushl %ebx
    movl 8(%esp), %ebx
    movl $0x8b, %ecx
    rdmsr
    movl %eax, (%ebx)
    movl %edx, 4(%ebx)
    popl %ebx
    ret
    .globl do_inb, inb_insn
do_inb:
inb_insn: inb $0x80, %al
    ret
    .globl do_outb, outb_insn
do_outb:
    xorl %eax, %eax
outb_insn: outb %al, $0x80
    ret
    .globl do_clts
do_clts:
    clts
    ret
)");

namespace {

alignas(16) char watched[16];
uint32_t addr(const void* p) { return hc::arg(p); }
// L0 enabled, breakpoint 0 on data writes and reads (RW=11), 4 bytes (LEN=11).
constexpr uint32_t dr7_rw4 = 1u | (3u << 16) | (3u << 18);

struct Dr_op {
    uint32_t val;
};

void mov_to_dr0(void* a)
{
    asm volatile("movl %0, %%db0" : : "r"(static_cast<Dr_op*>(a)->val) : "memory");
}
void mov_to_dr7(void* a)
{
    asm volatile("movl %0, %%db7" : : "r"(static_cast<Dr_op*>(a)->val) : "memory");
}
uint32_t dr0() { uint32_t v; asm volatile("movl %%db0, %0" : "=r"(v)); return v; }
uint32_t dr4() { uint32_t v; asm volatile("movl %%db4, %0" : "=r"(v)); return v; }
uint32_t dr5() { uint32_t v; asm volatile("movl %%db5, %0" : "=r"(v)); return v; }
uint32_t dr7() { uint32_t v; asm volatile("movl %%db7, %0" : "=r"(v)); return v; }
void touch(void* p) { *static_cast<volatile char*>(p) = 1; }

struct Port_str {
    uint32_t ptr;
    uint32_t count;
};
void rep_insb_21(void* a)
{
    auto* s = static_cast<Port_str*>(a);
    asm volatile("cld; rep insb" : "+D"(s->ptr), "+c"(s->count) : "d"(0x21) : "memory");
}
void rep_insw_21(void* a)
{
    auto* s = static_cast<Port_str*>(a);
    asm volatile("cld; rep insw" : "+D"(s->ptr), "+c"(s->count) : "d"(0x21) : "memory");
}
void rep_outsb_80(void* a)
{
    auto* s = static_cast<Port_str*>(a);
    asm volatile("cld; rep outsb" : "+S"(s->ptr), "+c"(s->count) : "d"(0x80) : "memory");
}

void lmsw(void* a)
{
    asm volatile("lmsw %w0" : : "r"(*static_cast<uint32_t*>(a)) : "memory");
}
uint32_t smsw() { uint32_t v; asm volatile("smsw %0" : "=r"(v)); return v; }
void fninit(void*) { asm volatile("fninit"); }
void cr4_rewrite(void*)
{
    uint32_t v;
    asm volatile("movl %%cr4, %0; movl %0, %%cr4" : "=&r"(v) : : "memory");
}

struct Regs {
    uint32_t a, b, c, d;
};

// Xen's forced-emulation prefix: ud2a; .ascii "xen"; then the instruction.
Regs xen_cpuid(uint32_t leaf)
{
    Regs r;
    asm volatile(XEN_CPUID : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(0));
    return r;
}

int32_t set_iopl(uint32_t level)
{
    physdev_set_iopl_t s = {level};
    return hc::physdev_op(PHYSDEVOP_set_iopl, &s);
}

void expect_gp0(Try_fn fn, const char* label, const char* what)
{
    Fault f = try_fault(fn);
    printf("%s:\n", what);
    CHECK(f.happened, "  faulted");
    CHECK_EQ(f.vector, 13, "  #GP");
    CHECK_EQ(f.error_code, 0, "  error code 0");
    CHECK_EQ(f.eip, hc::arg(label), "  eip at the instruction");
}

void expect_gp0_at(Try_fn fn, void* arg, const char* what)
{
    Fault f = try_fault(fn, arg);
    printf("%s:\n", what);
    CHECK(f.happened, "  faulted");
    CHECK_EQ(f.vector, 13, "  #GP");
    CHECK_EQ(f.error_code, 0, "  error code 0");
}

void test_debug_registers()
{
    Dr_op op{addr(watched)};
    CHECK(!try_fault(mov_to_dr0, &op).happened, "mov %reg, %db0 in ring 1: emulated");
    CHECK_EQ(hc::get_debugreg(0), static_cast<int32_t>(addr(watched)), "  get_debugreg(0) sees it");
    CHECK_EQ(dr0(), addr(watched), "  mov %db0, %reg reads it back");
    op.val = dr7_rw4;
    CHECK(!try_fault(mov_to_dr7, &op).happened, "mov %reg, %db7: emulated");
    CHECK_EQ(hc::get_debugreg(7) & 0xF0003, static_cast<int32_t>(dr7_rw4 & 0xF0003),
             "  get_debugreg(7) keeps the enable and type bits");
    CHECK_EQ(dr7(), static_cast<uint32_t>(hc::get_debugreg(7)), "  mov %db7, %reg reads the same");
    CHECK_EQ(dr5(), dr7(), "  mov %db5 reads DR7 (CR4.DE clear)");
    CHECK_EQ(dr4(), static_cast<uint32_t>(hc::get_debugreg(6)), "  mov %db4 reads DR6");
    Fault f = try_fault(touch, watched);
    CHECK(f.happened && f.vector == 1, "  the breakpoint is live: a write to the buffer -> #DB");

    op.val = 0xF5800000u;
    expect_gp0_at(mov_to_dr0, &op, "mov of a hypervisor address to %db0 -> #GP(0)");
    CHECK_EQ(hc::get_debugreg(0), static_cast<int32_t>(addr(watched)), "  DR0 unchanged");
    op.val = 1u << 13;
    expect_gp0_at(mov_to_dr7, &op, "mov of DR7.GD to %db7 -> #GP(0)");
    op.val = 0;
    CHECK(!try_fault(mov_to_dr7, &op).happened, "mov $0 to %db7: breakpoints off");
    CHECK(!try_fault(touch, watched).happened, "  the buffer is no longer watched");
}

void test_port_io()
{
    CHECK_EQ(set_iopl(1), 0, "PHYSDEVOP_set_iopl 1");
    uint32_t v = 0x12340000;
    asm volatile("inw $0x21, %w0" : "+a"(v));
    CHECK_EQ(v, 0x1234FFFFu, "inw from a hypervisor port (PIC): all-ones in AX only");
    v = 0;
    asm volatile("inl %w1, %0" : "=a"(v) : "d"(0x21));
    CHECK_EQ(v, 0xFFFFFFFFu, "inl through %dx: all-ones");
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    Port_str s{addr(buf), 4};
    CHECK(!try_fault(rep_insb_21, &s).happened, "rep insb x4: emulated");
    CHECK(s.count == 0 && s.ptr == addr(buf) + 4 && buf[0] == 0xFF && buf[3] == 0xFF && buf[4] == 5,
          "  4 bytes stored, edi and ecx moved");
    s = Port_str{addr(buf), 3};
    CHECK(!try_fault(rep_outsb_80, &s).happened && s.count == 0 && s.ptr == addr(buf) + 3,
          "rep outsb x3 to port 0x80: emulated");
    s = Port_str{0x1000, 2};
    Fault f = try_fault(rep_insw_21, &s);
    CHECK(f.happened && f.vector == 14 && f.cr2 == 0x1000 && (f.error_code & 2) != 0,
          "rep insw into an unmapped buffer -> #PF (write) at it");
    CHECK_EQ(set_iopl(0), 0, "PHYSDEVOP_set_iopl back to 0");
    s = Port_str{addr(buf), 1};
    f = try_fault(rep_insb_21, &s);
    CHECK(f.happened && f.vector == 13 && s.count == 1, "rep insb without I/O privilege -> #GP");
}

void test_control_registers()
{
    uint32_t msw = smsw() & 0xFFFF;
    uint32_t with_ts = msw | 8;
    CHECK(!try_fault(lmsw, &with_ts).happened, "lmsw setting TS: emulated");
    Fault f = try_fault(fninit);
    CHECK(f.happened && f.vector == 7, "  the next FPU instruction raises #NM");
    CHECK(!try_fault(fninit).happened, "  and after that the FPU is usable");
    uint32_t with_em = msw | 4;
    expect_gp0_at(lmsw, &with_em, "lmsw setting EM -> #GP(0) (only TS may change)");
    uint32_t no_pe = msw & ~1u;
    CHECK(!try_fault(lmsw, &no_pe).happened && (smsw() & 1) == 1, "lmsw cannot clear PE");

    CHECK(!try_fault(cr4_rewrite).happened, "mov %cr4 read and written back: emulated");
    uint32_t cr2 = 0x12345000, got;
    asm volatile("movl %1, %%cr2; movl %%cr2, %0" : "=r"(got) : "r"(cr2));
    CHECK_EQ(got, cr2, "mov to and from %cr2");
}

} // namespace

void guest_main(start_info_t*)
{
    Regs r = xen_cpuid(0);
    CHECK(r.a >= 1, "emulated CPUID leaf 0: max basic leaf >= 1");
    r = xen_cpuid(1);
    CHECK((r.c & (1u << 31)) != 0, "emulated CPUID leaf 1: hypervisor bit set");
    r = xen_cpuid(0x40000000);
    // "XenVMMXenVMM" in ebx, ecx, edx.
    CHECK_EQ(r.b, 0x566e6558, "CPUID 0x40000000 ebx = \"XenV\"");
    CHECK_EQ(r.c, 0x65584d4d, "CPUID 0x40000000 ecx = \"MMXe\"");
    CHECK_EQ(r.d, 0x4d4d566e, "CPUID 0x40000000 edx = \"nVMM\"");
    CHECK(r.a >= 0x40000002, "CPUID 0x40000000 eax: at least leaves up to 0x40000002");

    expect_gp0(do_rdmsr_bad, rdmsr_insn, "rdmsr of a nonexistent MSR -> #GP(0)");
    expect_gp0(do_wrmsr_bad, wrmsr_insn, "wrmsr of a nonexistent MSR -> #GP(0)");
    // The guest runs on a Pentium II (GenuineIntel, family 6), as Linux's
    // Intel start-up code expects: Xen discards the write of 0 and gives
    // the revision; any other value is #GP, as an Intel CPU does.
    CHECK(!try_fault(do_ucode_write0).happened, "wrmsr 0 to IA32_BIOS_SIGN_ID (0x8b): accepted");
    static uint32_t rev[2] = {0xDEADBEEF, 0xDEADBEEF};
    CHECK(!try_fault(do_ucode_read, rev).happened, "rdmsr of IA32_BIOS_SIGN_ID: emulated");
    printf("  microcode revision %#x\n", rev[1]);
    CHECK(rev[0] != 0xDEADBEEF || rev[1] != 0xDEADBEEF, "  and it gives a value");
    expect_gp0(do_ucode_write1, ucode_write1_insn, "wrmsr 1 to IA32_BIOS_SIGN_ID -> #GP(0)");

    CHECK_EQ(set_iopl(0), 0, "PHYSDEVOP_set_iopl 0");
    expect_gp0(do_inb, inb_insn, "inb without I/O privilege -> #GP(0)");
    expect_gp0(do_outb, outb_insn, "outb without I/O privilege -> #GP(0)");
    CHECK_EQ(set_iopl(1), 0, "PHYSDEVOP_set_iopl 1");
    CHECK(!try_fault(do_outb).happened, "outb to port 0x80 with IOPL 1 is emulated");
    CHECK_EQ(set_iopl(0), 0, "PHYSDEVOP_set_iopl back to 0");
    CHECK_EQ(hc::physdev_op(PHYSDEVOP_set_iopl, reinterpret_cast<void*>(0x1000)), -XEN_EFAULT,
             "PHYSDEVOP_set_iopl, unmapped: -EFAULT");

    // CLTS is emulated as fpu_taskswitch(0).
    CHECK_EQ(hc::fpu_taskswitch(1), 0, "fpu_taskswitch(1)");
    CHECK(!try_fault(do_clts).happened, "clts in ring 1 is emulated, no fault");

    test_debug_registers();
    test_port_io();
    test_control_registers();
}
