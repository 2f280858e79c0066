#include "traps.hpp"

#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"

extern "C" {
struct Stub_entry {
    uint32_t vector;
    uint32_t address;
};
extern const Stub_entry trap_stub_table[];
extern char event_entry[];
extern char failsafe_entry[];
extern char guest_try_resume[];
int guest_try(Try_fn fn, void* arg);
// Shared with trap_entry.S.
uint32_t guest_try_armed;
uint32_t guest_try_saved_esp;
}

namespace {
Fault g_fault;
uint32_t g_upcalls;
void (*g_event_handler)();

[[noreturn]] void crash() { for (;;) hc::sched_shutdown(SHUTDOWN_crash); }
} // namespace

uint32_t trap_stub(uint32_t vector)
{
    for (const Stub_entry* e = trap_stub_table; e->vector != 0xffffffffu; ++e)
        if (e->vector == vector)
            return e->address;
    return 0;
}

void traps_install()
{
    trap_info_t table[21] = {};
    unsigned n = 0;
    for (uint8_t v = 0; v < 20; ++v) {
        // DPL 3 for int3 and into, as native kernels do; 0 for the rest so
        // "int $n" on them is a #GP, not a fake exception.
        uint8_t dpl = (v == 3 || v == 4) ? 3 : 0;
        table[n++] = trap_info_t{v, dpl, FLAT_KERNEL_CS, trap_stub(v)};
    }
    // table[20] stays zero: address 0 ends the list.
    int32_t rc = hc::set_trap_table(table);
    if (rc != 0) {
        printf("guest: set_trap_table failed: %d\n", rc);
        crash();
    }
    rc = hc::set_callbacks(FLAT_KERNEL_CS, hc::arg(event_entry), FLAT_KERNEL_CS,
                           hc::arg(failsafe_entry));
    if (rc != 0)
        printf("guest: set_callbacks failed: %d\n", rc);
}

int32_t traps_set_gate(uint8_t vector, uint8_t dpl, uint16_t cs)
{
    trap_info_t table[2] = {};
    table[0] = trap_info_t{vector, dpl, cs, trap_stub(vector)};
    return hc::set_trap_table(table);
}

Fault try_fault(Try_fn fn, void* arg)
{
    g_fault = Fault{};
    if (guest_try(fn, arg) == 0)
        return Fault{};
    return g_fault;
}

uint32_t event_upcalls() { return g_upcalls; }

extern "C" void guest_trap(Trap_frame* f)
{
    if (guest_try_armed != 0) {
        guest_try_armed = 0;
        g_fault.happened = true;
        g_fault.vector = f->vector;
        g_fault.error_code = f->error_code;
        g_fault.eip = f->eip;
        g_fault.cs = f->cs;
        if (vcpu_info_t* v = vcpu0_info())
            g_fault.cr2 = v->arch.cr2;
        f->eip = hc::arg(guest_try_resume);
        f->eflags &= ~0x100u; // fn is abandoned: a single step it set ends
        return;
    }
    uint32_t cr2 = vcpu0_info() ? vcpu0_info()->arch.cr2 : 0;
    printf("unexpected trap %u at eip %#x (error code %#x, cs %#x, cr2 %#x)\n", f->vector, f->eip,
           f->error_code, f->cs & 0xffffu, cr2);
    crash();
}

void set_event_handler(void (*handler)()) { g_event_handler = handler; }

// Xen masked events on entry; clear what is pending and return still masked
// (or let the guest's own handler take the events).
extern "C" void guest_event()
{
    ++g_upcalls;
    if (g_event_handler) {
        g_event_handler();
        return;
    }
    vcpu_info_t* v = vcpu0_info();
    if (v == nullptr)
        return;
    v->evtchn_upcall_pending = 0;
    uint32_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0u, __ATOMIC_ACQ_REL);
    shared_info_t* s = guest_shared_info();
    for (unsigned w = 0; w < 32; ++w)
        if ((sel & (1u << w)) != 0)
            __atomic_and_fetch(&s->evtchn_pending[w], s->evtchn_mask[w], __ATOMIC_ACQ_REL);
}

extern "C" void guest_failsafe(const uint32_t* frame)
{
    printf("unexpected failsafe callback (ds %#x es %#x fs %#x gs %#x eip %#x)\n", frame[0],
           frame[1], frame[2], frame[3], frame[4]);
    crash();
}
