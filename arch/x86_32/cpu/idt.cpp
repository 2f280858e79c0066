#include "arch/x86_32/cpu/idt.hpp"

#include "arch/x86_32/cpu/descriptors.hpp"
#include "arch/x86_32/cpu/percpu.hpp"

extern "C" const uint32_t interrupt_stub_table[256];

namespace arch {
namespace {

constexpr uint8_t df_vector = 8;

// One IDT per CPU: they differ only in the system-call gate, which leads
// straight into the guest running on that CPU (set_syscall_gate).
alignas(8) Descriptor idt[max_cpus][256];
Interrupt_handler handlers[256];
// The hypervisor's own system-call gate, made once (idt_init): a switch to
// a vCPU without a direct gate stores it as it is.
Descriptor default_syscall_gate;

uint8_t default_dpl(unsigned vector)
{
    // #BP and #OF may be raised by int3/into from any ring, as on Xen, so
    // guests' debuggers and overflow checks reach their own handlers.
    return vector == 3 || vector == 4 ? 3 : 0;
}

} // namespace

void idt_init()
{
    for (auto& table : idt) {
        for (unsigned v = 0; v < 256; ++v)
            table[v] = gate(interrupt_stub_table[v], HV_CS, gate_interrupt, default_dpl(v));
        // The double fault switches tasks, so it runs on a known-good stack
        // even when the hypervisor stack overflowed.
        table[df_vector] = gate(0, DOUBLEFAULT_TSS_SEL, gate_task, 0);
    }
    default_syscall_gate = idt[0][syscall_vector];
}

void idt_load(unsigned cpu)
{
    Table_register idtr{sizeof(idt[0]) - 1, reinterpret_cast<uint32_t>(idt[cpu])};
    asm volatile("lidt %0" ::"m"(idtr));
}

void set_syscall_gate(unsigned cpu, uint16_t cs, uint32_t eip)
{
    // A trap gate, DPL 3: "int $0x80" from the guest's user space enters
    // its kernel (ring 1, on TSS ss1:esp1) without the hypervisor.
    idt[cpu][syscall_vector] = gate(eip, cs, gate_trap, 3);
}

void clear_syscall_gate(unsigned cpu)
{
    idt[cpu][syscall_vector] = default_syscall_gate;
}

namespace {

// Every CPU's gate for 'vector' leads to 'entry'; 'fn' is what the common
// stub calls (nullptr for an entry of its own).
bool install(uint8_t vector, uint32_t entry, Interrupt_handler fn, uint8_t kind, uint8_t dpl)
{
    if (vector == df_vector || dpl > 3)
        return false;
    // Release: the handler is visible before the gate that leads to it.
    __atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
    for (auto& table : idt)
        table[vector] = gate(entry, HV_CS, kind, dpl);
    if (vector == syscall_vector)
        default_syscall_gate = idt[0][vector];
    return true;
}

} // namespace

bool set_interrupt_handler(uint8_t vector, Interrupt_handler fn, uint8_t dpl, Gate_type type)
{
    return install(vector, interrupt_stub_table[vector], fn,
                   type == Gate_type::trap ? gate_trap : gate_interrupt, dpl);
}

bool set_interrupt_entry(uint8_t vector, uint32_t entry, uint8_t dpl)
{
    return install(vector, entry, nullptr, gate_interrupt, dpl);
}

Interrupt_handler interrupt_handler(uint8_t vector)
{
    return __atomic_load_n(&handlers[vector], __ATOMIC_ACQUIRE);
}

} // namespace arch
