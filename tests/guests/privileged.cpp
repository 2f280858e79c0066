// Privileged instructions in ring 1: forced-emulation CPUID, MSRs, port I/O
// without I/O privilege, and CLTS as Xen emulates them. HLT blocks until an
// event: it needs a timer and is in events.cpp.
#include "console.hpp"
#include "hypercall.hpp"
#include "test.hpp"
#include "traps.hpp"

extern "C" {
void do_rdmsr_bad(void*);
void do_wrmsr_bad(void*);
void do_inb(void*);
void do_outb(void*);
void do_clts(void*);
extern char rdmsr_insn[], wrmsr_insn[], inb_insn[], outb_insn[];
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
}
