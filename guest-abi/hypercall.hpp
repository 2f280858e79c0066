// Typed Xen PV hypercalls (x86_32): `call hypercall_page + op * 32` with the
// arguments in %ebx, %ecx, %edx, %esi, %edi and the result in %eax
// (public/arch-x86/xen-x86_32.h). Xen may clobber every argument register
// (debug builds poison the unused ones), so all five are in/out operands.
// Results are Xen's: >= 0 success, -XEN_E* failure.
#pragma once
#include "public/callback.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/memory.h"
#include "public/physdev.h"
#include "public/sched.h"
#include "public/vcpu.h"
#include "public/version.h"
#include "public/xen.h"

#include <cstdint>

extern "C" char hypercall_page[4096];

namespace hc {

// Any pointer or integer as a 32-bit hypercall argument.
template <typename T> inline uint32_t arg(T* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }
inline uint32_t arg(uint32_t v) { return v; }

// Raw call by number: also used to pass deliberately bad arguments.
inline int32_t call(uint32_t op, uint32_t a1 = 0, uint32_t a2 = 0, uint32_t a3 = 0,
                    uint32_t a4 = 0, uint32_t a5 = 0)
{
    uint32_t eax = arg(hypercall_page) + op * XEN_HYPERCALL_STUB_SIZE;
    asm volatile("call *%%eax"
                 : "+a"(eax), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                 :
                 : "memory", "cc");
    return static_cast<int32_t>(eax);
}

inline int32_t console_io(uint32_t cmd, uint32_t count, const void* buf)
{
    return call(__HYPERVISOR_console_io, cmd, count, arg(buf));
}
inline int32_t xen_version(uint32_t cmd, void* buf = nullptr)
{
    return call(__HYPERVISOR_xen_version, cmd, arg(buf));
}
inline int32_t sched_op(uint32_t cmd, void* a = nullptr)
{
    return call(__HYPERVISOR_sched_op, cmd, arg(a));
}
inline int32_t sched_yield() { return sched_op(SCHEDOP_yield); }
inline int32_t sched_block() { return sched_op(SCHEDOP_block); }
inline int32_t sched_shutdown(uint32_t reason)
{
    sched_shutdown_t s = {reason};
    return sched_op(SCHEDOP_shutdown, &s);
}
inline int32_t sched_poll(sched_poll_t* p) { return sched_op(SCHEDOP_poll, p); }

inline int32_t set_trap_table(const trap_info_t* table)
{
    return call(__HYPERVISOR_set_trap_table, arg(table));
}
// x86_32: (event cs, event eip, failsafe cs, failsafe eip).
inline int32_t set_callbacks(uint32_t ev_cs, uint32_t ev_eip, uint32_t fs_cs, uint32_t fs_eip)
{
    return call(__HYPERVISOR_set_callbacks, ev_cs, ev_eip, fs_cs, fs_eip);
}
inline int32_t callback_op(uint32_t cmd, void* a) { return call(__HYPERVISOR_callback_op, cmd, arg(a)); }
inline int32_t stack_switch(uint32_t ss, uint32_t esp) { return call(__HYPERVISOR_stack_switch, ss, esp); }
inline int32_t multicall(multicall_entry_t* calls, uint32_t n)
{
    return call(__HYPERVISOR_multicall, arg(calls), n);
}
inline int32_t memory_op(uint32_t cmd, void* a) { return call(__HYPERVISOR_memory_op, cmd, arg(a)); }
inline int32_t vcpu_op(uint32_t cmd, uint32_t vcpu, void* a)
{
    return call(__HYPERVISOR_vcpu_op, cmd, vcpu, arg(a));
}
inline int32_t physdev_op(uint32_t cmd, void* a) { return call(__HYPERVISOR_physdev_op, cmd, arg(a)); }
inline int32_t vm_assist(uint32_t cmd, uint32_t type) { return call(__HYPERVISOR_vm_assist, cmd, type); }
inline int32_t mmu_update(mmu_update_t* reqs, uint32_t count, uint32_t* done, uint32_t foreigndom)
{
    return call(__HYPERVISOR_mmu_update, arg(reqs), count, arg(done), foreigndom);
}
inline int32_t mmuext_op(mmuext_op_t* ops, uint32_t count, uint32_t* done, uint32_t foreigndom)
{
    return call(__HYPERVISOR_mmuext_op, arg(ops), count, arg(done), foreigndom);
}
// PAE: the new PTE is 64 bits, passed as low and high words.
inline int32_t update_va_mapping(uint32_t va, uint64_t pte, uint32_t flags)
{
    return call(__HYPERVISOR_update_va_mapping, va, static_cast<uint32_t>(pte),
                static_cast<uint32_t>(pte >> 32), flags);
}
inline int32_t set_gdt(xen_pfn_t* frames, uint32_t entries)
{
    return call(__HYPERVISOR_set_gdt, arg(frames), entries);
}
// The descriptor's machine address and its 8 bytes, as 32-bit halves.
inline int32_t update_descriptor(uint64_t maddr, uint64_t desc)
{
    return call(__HYPERVISOR_update_descriptor, static_cast<uint32_t>(maddr),
                static_cast<uint32_t>(maddr >> 32), static_cast<uint32_t>(desc),
                static_cast<uint32_t>(desc >> 32));
}
inline int32_t fpu_taskswitch(uint32_t set) { return call(__HYPERVISOR_fpu_taskswitch, set); }
inline int32_t set_debugreg(uint32_t reg, uint32_t value)
{
    return call(__HYPERVISOR_set_debugreg, reg, value);
}
// The register's value; Xen returns -EINVAL for a bad register number.
inline int32_t get_debugreg(uint32_t reg) { return call(__HYPERVISOR_get_debugreg, reg); }
inline int32_t event_channel_op(uint32_t cmd, void* a)
{
    return call(__HYPERVISOR_event_channel_op, cmd, arg(a));
}
// cmd with an array of count structs of the sub-op (public/grant_table.h).
inline int32_t grant_table_op(uint32_t cmd, void* uop, uint32_t count)
{
    return call(__HYPERVISOR_grant_table_op, cmd, arg(uop), count);
}
// Absolute system time in ns (0 cancels), as low and high words.
inline int32_t set_timer_op(uint64_t timeout)
{
    return call(__HYPERVISOR_set_timer_op, static_cast<uint32_t>(timeout),
                static_cast<uint32_t>(timeout >> 32));
}
// x86_64 only: an x86_32 hypervisor answers -ENOSYS.
inline int32_t set_segment_base(uint32_t which, uint32_t base)
{
    return call(__HYPERVISOR_set_segment_base, which, base);
}

} // namespace hc
