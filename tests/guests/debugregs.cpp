// Debug registers: set_debugreg/get_debugreg rules, a data breakpoint the
// guest takes itself (#DB) and a single step, each with the DR6 status
// get_debugreg(6) reports, and the same breakpoint hit by the hypervisor
// while it writes a hypercall result into the watched buffer: the
// hypervisor must carry on (the trap is the guest's business), not stop.
#include "console.hpp"
#include "hypercall.hpp"
#include "test.hpp"
#include "traps.hpp"

#include "public/version.h"

namespace {

alignas(16) char watched[16];

uint32_t addr(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

void touch(void* p) { *static_cast<volatile char*>(p) = 1; }

// Sets TF: the instruction after popf completes, then #DB (try_fault's
// catcher drops TF again).
void single_step(void*) { asm volatile("pushfl; orl $0x100, (%%esp); popfl; nop" ::: "memory", "cc"); }

// L0 enabled, breakpoint 0 on data writes and reads (RW=11), 4 bytes (LEN=11).
constexpr uint32_t dr7_rw4 = 1u | (3u << 16) | (3u << 18);

} // namespace

void guest_main(start_info_t*)
{
    // A fresh vCPU's registers are at their reset values, as in Xen
    // (arch_vcpu_regs_init): DR6 0xFFFF0FF0, DR7 0x400, DR0-3 zero.
    CHECK_EQ(hc::get_debugreg(6), static_cast<int32_t>(0xFFFF0FF0u), "get_debugreg DR6 starts at 0xffff0ff0");
    CHECK_EQ(hc::get_debugreg(7), 0x400, "get_debugreg DR7 starts at 0x400");
    CHECK_EQ(hc::get_debugreg(0), 0, "get_debugreg DR0 starts at 0");
    CHECK_EQ(hc::set_debugreg(0, addr(watched)), 0, "set_debugreg DR0 = a guest buffer");
    CHECK_EQ(hc::get_debugreg(0), static_cast<int32_t>(addr(watched)), "get_debugreg DR0 reads it back");
    CHECK_EQ(hc::set_debugreg(7, dr7_rw4), 0, "set_debugreg DR7: read/write breakpoint on it");
    CHECK_EQ(hc::get_debugreg(7) & 0xF0003, static_cast<int32_t>(dr7_rw4 & 0xF0003),
             "get_debugreg DR7 keeps the enable and type bits");

    Fault f = try_fault(touch, watched);
    CHECK(f.happened && f.vector == 1, "the guest's own write to the buffer -> #DB to the guest");
    // Xen's do_debug keeps the #DB's DR6 status for get_debugreg(6).
    CHECK_EQ(hc::get_debugreg(6) & 0x400F, 1, "  get_debugreg DR6 shows B0 (breakpoint 0), not BS");
    CHECK_EQ(hc::set_debugreg(6, 0), 0, "set_debugreg DR6 = 0 (Linux clears it after reading)");
    CHECK_EQ(hc::get_debugreg(6), static_cast<int32_t>(0xFFFF0FF0u), "  it reads 0xffff0ff0 again");

    CHECK_EQ(hc::xen_version(XENVER_extraversion, watched), 0,
             "the hypervisor writes a result into the watched buffer and carries on");

    CHECK_EQ(hc::set_debugreg(1, 0xF5800000u), -XEN_EPERM, "DR1 inside the hypervisor -> -EPERM");
    CHECK_EQ(hc::set_debugreg(7, 1u << 13), -XEN_EPERM, "DR7 with GD (general detect) -> -EPERM");
    CHECK_EQ(hc::set_debugreg(4, 0), -XEN_EINVAL, "set_debugreg DR4 -> -EINVAL");
    CHECK_EQ(hc::get_debugreg(5), -XEN_EINVAL, "get_debugreg DR5 -> -EINVAL");
    CHECK_EQ(hc::set_debugreg(7, 0), 0, "breakpoints off again");
    CHECK(watched[0] == '-', "  the hypervisor's result is in the buffer");
    f = try_fault(touch, watched);
    CHECK(!f.happened, "  the buffer is no longer watched");
    // With no breakpoint armed (QEMU reports a data breakpoint hit once
    // again at a later #DB while it stays armed).
    CHECK_EQ(hc::set_debugreg(6, 0), 0, "set_debugreg DR6 = 0 again");
    f = try_fault(single_step);
    CHECK(f.happened && f.vector == 1, "a single step (EFLAGS.TF) in ring 1 -> #DB to the guest");
    CHECK_EQ(hc::get_debugreg(6) & 0x400F, 0x4000, "  get_debugreg DR6 shows BS (single step)");
    gtest::finish();
}
