// Guest user space (ring 3): entering it with HYPERVISOR_iret, system
// calls through int $0x80 (the CPU's direct gate when the trap table allows
// it, the hypervisor's reflection when events must be masked), a software
// interrupt the trap table refuses (#GP), an exception from ring 3 taken on
// the kernel stack (stack_switch), and SYSENTER to the registered callback.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"

#include "public/callback.h"

extern "C" {
uint32_t um_kernel_esp, um_seen_vector, um_seen_error, um_seen_cs, um_seen_eax, um_seen_eflags;
alignas(16) uint8_t um_kernel_stack[8192];
alignas(16) uint8_t um_user_stack[4096];
void um_run(void (*user)());
void um_handler_80();
void um_handler_gp();
void um_handler_ud();
void um_sysenter_cb();
void user_int80();
void user_int81();
void user_ud2();
void user_sysenter();
void user_sysenter_nt();
void user_sysenter_tf();
}

// um_run enters ring 3 at 'user' through the iret hypercall (the stub
// pushes eax on top of the frame built here); a ring-1 handler records what
// arrived and jumps to um_resume, which returns from um_run.
asm(R"(
    .text
    .globl um_run
um_run:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, um_kernel_esp
    movl 20(%esp), %eax
    pushl $0xe033
    pushl $um_user_stack + 4096
    pushl $0x202
    pushl $0xe02b
    pushl %eax
    jmp hypercall_page + 23 * 32
um_resume:
    movl $0xe021, %ecx
    movl %ecx, %ds
    movl %ecx, %es
    movl um_kernel_esp, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .globl um_handler_80, um_handler_gp, um_handler_ud, um_sysenter_cb
um_handler_80:
    movl $0x80, %ecx
    jmp 1f
um_handler_ud:
    movl $6, %ecx
    jmp 1f
um_sysenter_cb:
    movl 8(%esp), %ecx
    movl %ecx, um_seen_eflags
    movl $0x100, %ecx
1:  movl %eax, um_seen_eax
    movl %ecx, um_seen_vector
    movl $0, um_seen_error
    movl 4(%esp), %ecx
    movl %ecx, um_seen_cs
    jmp um_resume
um_handler_gp:
    movl %eax, um_seen_eax
    movl $13, um_seen_vector
    movl (%esp), %ecx
    movl %ecx, um_seen_error
    movl 8(%esp), %ecx
    movl %ecx, um_seen_cs
    jmp um_resume

    .globl user_int80, user_int81, user_ud2, user_sysenter
user_int80:
    movl $42, %eax
    int $0x80
2:  jmp 2b
user_int81:
    movl $43, %eax
    int $0x81
3:  jmp 3b
user_ud2:
    ud2
4:  jmp 4b
user_sysenter:
    movl $7, %eax
    movl %esp, %ebp
    sysenter
5:  jmp 5b
    .globl user_sysenter_nt, user_sysenter_tf
user_sysenter_nt:
    pushfl
    orl $0x4000, (%esp)
    popfl
    movl $8, %eax
    movl %esp, %ebp
    sysenter
6:  jmp 6b
user_sysenter_tf:
    movl $9, %eax
    pushfl
    orl $0x100, (%esp)
    movl %esp, %ebp
    addl $4, %ebp
    popfl               /* TF traps after the next instruction: SYSENTER */
    sysenter
7:  jmp 7b
)");

namespace {

constexpr uint16_t ring1_cs = 0xe019, ring1_ds = 0xe021, ring3_cs = 0xe02b;

uint32_t addr(void (*fn)()) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fn)); }

void set_gates(uint8_t int80_flags)
{
    trap_info_t t[] = {
        {6, 0, ring1_cs, addr(um_handler_ud)},
        {13, 0, ring1_cs, addr(um_handler_gp)},
        {0x80, int80_flags, ring1_cs, addr(um_handler_80)},
        {0x81, 1, ring1_cs, addr(um_handler_80)},
        {0, 0, 0, 0},
    };
    CHECK_EQ(hc::set_trap_table(t), 0, "set_trap_table for the ring-3 tests");
}

void run(void (*user)())
{
    um_seen_vector = um_seen_error = um_seen_cs = um_seen_eax = 0;
    um_run(user);
}

bool cpu_has_sysenter()
{
    uint32_t a = 1, b, c = 0, d;
    asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (d >> 11) & 1;
}

int32_t register_sysenter(uint32_t eip)
{
    callback_register_t r{};
    r.type = CALLBACKTYPE_sysenter;
    r.address.cs = ring1_cs;
    r.address.eip = eip;
    return hc::callback_op(CALLBACKOP_register, &r);
}

} // namespace

void guest_main(start_info_t*)
{
    traps_install();
    CHECK_EQ(hc::stack_switch(ring1_ds, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(
                                            um_kernel_stack + sizeof um_kernel_stack))),
             0, "stack_switch to the ring-1 stack for ring-3 entries");

    set_gates(3);
    run(user_int80);
    CHECK_EQ(um_seen_vector, 0x80, "int $0x80 from ring 3 reaches the kernel's handler");
    CHECK_EQ(um_seen_eax, 42, "  with the caller's eax");
    CHECK_EQ(um_seen_cs & 0xFFFF, ring3_cs, "  from ring 3's code segment");
    CHECK_EQ(vcpu0_info()->evtchn_upcall_mask, 0, "  events stay enabled (user space ran with IF)");

    set_gates(3 | 4);
    run(user_int80);
    CHECK_EQ(um_seen_vector, 0x80, "int $0x80 with event masking still reaches the handler");
    CHECK_EQ(vcpu0_info()->evtchn_upcall_mask, 1, "  and the gate's flag masked events on entry");
    CHECK_EQ(um_seen_cs >> 16, 0, "  the frame's saved upcall mask is user space's (0)");
    vcpu0_info()->evtchn_upcall_mask = 1;

    run(user_int81);
    CHECK_EQ(um_seen_vector, 13, "int $0x81 that the trap table keeps from ring 3 -> #GP");
    CHECK_EQ(um_seen_error, (0x81 << 3) | 2, "  error code names the IDT vector");
    CHECK_EQ(um_seen_cs & 0xFFFF, ring3_cs, "  raised in ring 3");

    run(user_ud2);
    CHECK_EQ(um_seen_vector, 6, "ud2 in ring 3 -> #UD on the kernel stack");
    CHECK_EQ(um_seen_cs & 0xFFFF, ring3_cs, "  raised in ring 3");

    if (cpu_has_sysenter()) {
        CHECK_EQ(register_sysenter(addr(um_sysenter_cb)), 0, "register the sysenter callback");
        run(user_sysenter);
        CHECK_EQ(um_seen_vector, 0x100, "SYSENTER from ring 3 reaches the sysenter callback");
        CHECK_EQ(um_seen_eax, 7, "  with the caller's eax");
        CHECK_EQ(um_seen_cs & 0xFFFF, ring3_cs, "  in a ring-3 frame");
        CHECK(um_seen_eflags & 0x200, "  its EFLAGS show IF (user space runs with it)");
        // NT set in user space: the hypervisor's own iret must not become a
        // task return (that would stop the machine), the guest sees its NT.
        run(user_sysenter_nt);
        CHECK_EQ(um_seen_vector, 0x100, "SYSENTER with EFLAGS.NT set reaches the callback, the machine runs on");
        CHECK_EQ(um_seen_eax, 8, "  with the caller's eax");
        CHECK(um_seen_eflags & 0x4000, "  the frame carries the guest's NT");
        // TF set: the single step through the entry path is the
        // hypervisor's to absorb; the frame carries the guest's TF.
        run(user_sysenter_tf);
        CHECK_EQ(um_seen_vector, 0x100, "SYSENTER with EFLAGS.TF set reaches the callback");
        CHECK_EQ(um_seen_eax, 9, "  with the caller's eax");
        CHECK(um_seen_eflags & 0x100, "  the frame carries the guest's TF");
        CHECK_EQ(register_sysenter(0), 0, "clear the sysenter callback");
        run(user_sysenter);
        CHECK_EQ(um_seen_vector, 13, "SYSENTER without a callback -> #GP(0)");
        CHECK_EQ(um_seen_error, 0, "  with error code 0");
    } else {
        printf("CPU has no SYSENTER: those checks skipped\n");
    }
    gtest::finish();
}
