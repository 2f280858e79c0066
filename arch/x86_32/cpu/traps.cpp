// exception_dispatch: where every interrupt and exception entry lands
// (trap_entry.S), with the complete frame on the stack.
#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/cpu/extable.hpp"
#include "arch/x86_32/cpu/fault_report.hpp"
#include "arch/x86_32/cpu/idt.hpp"
#include "hypervisor/console/console.hpp"

namespace arch {
namespace {

constexpr uint8_t vector_pf = 14;

uint32_t spurious[256];
Guest_exception_handler guest_handler;

// Logged from interrupt context; the console lock could be held by the
// interrupted code on this CPU, so this only ever runs once per vector.
void spurious_interrupt(const Exception_frame& f)
{
    uint8_t v = static_cast<uint8_t>(f.entry_vector);
    if (__atomic_fetch_add(&spurious[v], 1, __ATOMIC_RELAXED) == 0)
        log::warn("CPU %u: unexpected interrupt vector %u (%#x) at %04x:%08x; further ones "
                  "are only counted",
                  this_cpu().index, v, v, f.cs, f.eip);
}

} // namespace

void set_guest_exception_handler(Guest_exception_handler fn) { guest_handler = fn; }

uint32_t spurious_count(uint8_t vector) { return __atomic_load_n(&spurious[vector], __ATOMIC_RELAXED); }

} // namespace arch

extern "C" void exception_dispatch(arch::Exception_frame* frame)
{
    using namespace arch;
    Exception_frame& f = *frame;
    // Read first: anything below may itself page-fault and overwrite it.
    uint32_t cr2 = f.entry_vector == vector_pf ? read_cr2() : 0;
    // #TS, #NP, #SS, #GP and #PF: what a bad guest pointer or a stale guest
    // selector on the exit path can raise.
    if (!f.from_guest() && f.entry_vector >= 10 && f.entry_vector <= vector_pf) {
        if (uint32_t fixup = search_extable(f.eip)) {
            f.eip = fixup;
            return;
        }
    }
    if (f.from_guest() && f.entry_vector < 32 && guest_handler) {
        guest_handler(f, cr2);
        return;
    }
    if (Interrupt_handler h = interrupt_handler(static_cast<uint8_t>(f.entry_vector))) {
        h(f);
        return;
    }
    if (f.entry_vector < 32)
        fatal_exception(this_cpu(), f, cr2);
    spurious_interrupt(f);
}
